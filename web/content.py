"""The content from ``data/``, loaded and validated once when the app starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app

from questionnaire.loader import load_questionnaire
from questionnaire.model import Questionnaire
from recommender.catalogue import Catalogue, load_catalogue

T = TypeVar("T")


@dataclass(frozen=True)
class Content:
    questionnaire: Questionnaire
    catalogue: Catalogue
    # Things made from the content (form classes, API documents): made once, then reused.
    _derived: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: Any, make: Callable[[], T]) -> T:
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]


def load_content(data_dir: Path) -> Content:
    """Every content file, validated; raises ContentError naming the file and the item."""
    catalogue = load_catalogue(data_dir / "offerings.yaml", data_dir / "recommender.yaml")
    questionnaire = load_questionnaire(
        data_dir / "questionnaire.yaml", [(o.id, o.name) for o in catalogue.offerings]
    )
    return Content(questionnaire=questionnaire, catalogue=catalogue)


def content() -> Content:
    """The running app's content."""
    return current_app.extensions["lyftkollen.content"]
