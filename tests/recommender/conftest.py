from dataclasses import dataclass
from pathlib import Path

import pytest

from questionnaire.loader import load_questionnaire
from questionnaire.model import Questionnaire
from recommender.catalogue import Catalogue, load_catalogue

DATA = Path(__file__).parents[2] / "data"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(DATA / "offerings.yaml", DATA / "recommender.yaml")


@pytest.fixture(scope="session")
def questionnaire(catalogue: Catalogue) -> Questionnaire:
    return load_questionnaire(
        DATA / "questionnaire.yaml",
        [(o.id, o.name) for o in catalogue.offerings if o.completable],
        catalogue.industries.options(),
    )


@dataclass(frozen=True)
class Content:
    """What an outcome is computed from (recommender.outcome.ContentLike)."""

    questionnaire: Questionnaire
    catalogue: Catalogue


@pytest.fixture(scope="session")
def content(questionnaire: Questionnaire, catalogue: Catalogue) -> Content:
    return Content(questionnaire, catalogue)
