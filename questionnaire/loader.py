"""Loading ``data/questionnaire.yaml`` once, at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from questionnaire.content import ContentError, read_yaml, validate
from questionnaire.model import Questionnaire, Text


def load_questionnaire(
    path: Path, offering_names: Iterable[tuple[str, Text]] = ()
) -> Questionnaire:
    """The validated questionnaire at ``path``.

    ``offering_names`` fills the options of a question that says ``options_from:
    offerings`` (the offerings are defined once, in their own file).
    """
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise ContentError(path, ["top level: expected a mapping with version, sections, …"])
    offering_options = [
        {"value": value, "label": name.model_dump()} for value, name in offering_names
    ]
    for section in document.get("sections") or []:
        for question in (section or {}).get("questions") or []:
            if isinstance(question, dict) and question.get("options_from") == "offerings":
                if question.get("options"):
                    raise ContentError(
                        path,
                        [f"question '{question.get('id')}': options_from and options both given"],
                    )
                question["options"] = offering_options
    return validate(Questionnaire, document, path)
