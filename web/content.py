"""The content from ``data/``, loaded and validated once when the app starts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from questionnaire.loader import load_questionnaire
from questionnaire.model import Questionnaire
from recommender.catalogue import Catalogue, load_catalogue


@dataclass(frozen=True)
class Content:
    questionnaire: Questionnaire
    catalogue: Catalogue


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
