"""Loading refuses broken content with a message that names the file and the item."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaire.content import ContentError
from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.loader import load_questionnaire
from questionnaire.model import Text

DATA = Path(__file__).parents[2] / "data"
OFFERINGS = [("utvecklingsprogram", Text(sv="Utvecklingsprogram", en="Development programme"))]


def _question(doc: Any, question_id: str) -> dict[str, Any]:
    for section in doc["sections"]:
        for question in section["questions"]:
            if question["id"] == question_id:
                return question
    raise KeyError(question_id)


def _load(doc: Any, tmp_path: Path) -> None:
    path = tmp_path / "questionnaire.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    load_questionnaire(path, OFFERINGS)


def test_the_shipped_questionnaire_is_valid_and_complete() -> None:
    q = load_questionnaire(DATA / "questionnaire.yaml", OFFERINGS)
    assert [d.id for d in q.dimensions] == list(DIMENSION_IDS)
    assert q.sections[0].id == "profile"
    for section in q.maturity_sections:
        assert 3 <= len(section.questions) <= 6, section.id
        for question in section.questions:
            assert question.dont_know is not None, question.id
    types = {question.type for question in q.questions}
    assert {"single", "multi", "number", "text"} <= types
    completed = q.question("completed")
    assert completed is not None and [o.value for o in completed.options] == ["utvecklingsprogram"]


def _unknown_dimension(doc: Any) -> None:
    doc["dimensions"][0]["id"] = "happiness"


def _duplicate_id(doc: Any) -> None:
    _question(doc, "strategy_priority")["id"] = "strategy_plan"


def _missing_translation(doc: Any) -> None:
    del _question(doc, "readiness_drawings")["text"]["en"]


def _option_without_level(doc: Any) -> None:
    del _question(doc, "data_backup")["options"][1]["level"]


def _no_dont_know(doc: Any) -> None:
    question = _question(doc, "change_resources")
    question["options"] = [o for o in question["options"] if o["value"] != "dont_know"]


def _levels_not_0_to_4(doc: Any) -> None:
    _question(doc, "social_safety")["options"][0]["level"] = 3


def _thresholds_descending(doc: Any) -> None:
    _question(doc, "people_training_hours")["thresholds"] = [32, 16, 8, 2]


def _unknown_type(doc: Any) -> None:
    _question(doc, "economic_productivity")["type"] = "slider"


CASES: list[tuple[Callable[[Any], None], str, str]] = [
    (_unknown_dimension, "dimension 'happiness'", "unknown dimension"),
    (_duplicate_id, "question 'strategy_plan'", "id used twice"),
    (_missing_translation, "question 'readiness_drawings' › text › en", "Field required"),
    (_option_without_level, "question 'data_backup'", "has no level"),
    (_no_dont_know, "question 'change_resources'", "dont_know"),
    (_levels_not_0_to_4, "question 'social_safety'", "levels 0 to 4"),
    (_thresholds_descending, "question 'people_training_hours'", "ascending"),
    (_unknown_type, "question 'economic_productivity' › type", "'single'"),
]


@pytest.mark.parametrize(("breakage", "item", "problem"), CASES, ids=[c[0].__name__ for c in CASES])
def test_broken_content_is_refused_naming_file_and_item(
    document: Any, tmp_path: Path, breakage: Callable[[Any], None], item: str, problem: str
) -> None:
    breakage(document)
    with pytest.raises(ContentError) as caught:
        _load(document, tmp_path)
    message = str(caught.value)
    assert "questionnaire.yaml" in message
    assert item in message
    assert problem in message


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    text = (DATA / "questionnaire.yaml").read_text("utf-8")
    path = tmp_path / "questionnaire.yaml"
    path.write_text(text.replace('version: "2026.3"', 'version: "2026.3"\nversion: "2"'), "utf-8")
    with pytest.raises(ContentError, match="given twice") as caught:
        load_questionnaire(path, OFFERINGS)
    # The message names the file, the key and the line of the second one.
    second = text.split('version: "2026.3"')[0].count("\n") + 2
    message = str(caught.value)
    assert "questionnaire.yaml" in message and "key 'version'" in message
    assert f"line {second}," in message


def test_yaml_syntax_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "questionnaire.yaml"
    path.write_text("sections: [unclosed", "utf-8")
    with pytest.raises(ContentError, match=r"(?s)questionnaire.yaml: .*not valid YAML"):
        load_questionnaire(path, OFFERINGS)
