import copy
from pathlib import Path
from typing import Any

import pytest

from questionnaire.content import read_yaml

DATA = Path(__file__).parents[2] / "data"


@pytest.fixture(scope="session")
def parsed_document() -> Any:
    """The real questionnaire, parsed once per session by the app's own loader."""
    return read_yaml(DATA / "questionnaire.yaml")


@pytest.fixture
def document(parsed_document: Any) -> Any:
    """The real questionnaire as plain data, to break on purpose: each test's own copy."""
    return copy.deepcopy(parsed_document)
