"""Loading ``data/questionnaire.yaml`` once, at start-up, or a kept copy of it."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from questionnaire.content import ContentError, read_yaml, validate
from questionnaire.model import Questionnaire, Text


def load_questionnaire(
    path: Path,
    offering_names: Iterable[tuple[str, Text]] = (),
    industry_names: Iterable[tuple[str, Text]] = (),
) -> Questionnaire:
    """The validated questionnaire at ``path``.

    ``offering_names`` fills the options of a question that says ``options_from:
    offerings``, and ``industry_names`` those of ``options_from: industries`` (both are
    defined once, in the recommender's files).
    """
    return questionnaire_from_document(read_yaml(path), path, offering_names, industry_names)


def questionnaire_from_document(
    document: Any,
    source: Path | str,
    offering_names: Iterable[tuple[str, Text]] = (),
    industry_names: Iterable[tuple[str, Text]] = (),
) -> Questionnaire:
    """The validated questionnaire in a parsed document; ``source`` names it in errors."""
    document = copy.deepcopy(document)  # the options from other files are filled in below
    if not isinstance(document, dict):
        raise ContentError(source, ["top level: expected a mapping with version, sections, …"])
    filled = {
        "offerings": [{"value": v, "label": name.model_dump()} for v, name in offering_names],
        "industries": [{"value": v, "label": name.model_dump()} for v, name in industry_names],
    }
    for section in document.get("sections") or []:
        for question in (section or {}).get("questions") or []:
            if not isinstance(question, dict) or question.get("options_from") not in filled:
                continue
            if question.get("options"):
                raise ContentError(
                    source,
                    [f"question '{question.get('id')}': options_from and options both given"],
                )
            question["options"] = filled[question["options_from"]]
    return validate(Questionnaire, document, source)
