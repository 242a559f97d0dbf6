from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).parents[2] / "data"


@pytest.fixture
def document() -> Any:
    """The real questionnaire as plain data, to break on purpose."""
    return yaml.safe_load((DATA / "questionnaire.yaml").read_text("utf-8"))
