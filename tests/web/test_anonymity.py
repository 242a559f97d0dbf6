"""data/statistics.yaml: validated at start, errors naming the file and the item; and
generalising rows until no combination of their identifying facts is rare."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from questionnaire.content import ContentError
from tests.helpers import DATA_DIR
from web.reporting.anonymity import anonymity_from_document, generalise, load_anonymity


def test_the_shipped_settings_are_k_five_and_head_count_ranges() -> None:
    settings = load_anonymity(DATA_DIR)
    assert settings.min_group == 5
    labels = [settings.head_count(n) for n in (1, 2, 4, 5, 9, 10, 19, 20, 400)]
    assert labels == ["1", "2-4", "2-4", "5-9", "5-9", "10-19", "10-19", "20+", "20+"]


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"min_group": 1, "respondent_buckets": [{"min": 1}]}, "min_group: must be"),
        ({"min_group": 5, "respondent_buckets": []}, "respondent_buckets: must be"),
        (
            {"min_group": 5, "respondent_buckets": [{"min": 1, "max": 1}, {"min": 3}]},
            "respondent_buckets › item 2: min must be 2",
        ),
        (
            {"min_group": 5, "respondent_buckets": [{"min": 1, "max": 4}]},
            "respondent_buckets › item 1: the last range must have no max",
        ),
        ({"min_group": 5, "respondent_buckets": [{"min": 1}], "k": 3}, "unknown keys: k"),
    ],
)
def test_a_bad_setting_is_named(document: dict[str, object], said: str) -> None:
    with pytest.raises(ContentError) as error:
        anonymity_from_document(document, "data/statistics.yaml")
    assert "data/statistics.yaml" in str(error.value) and said in str(error.value)


def test_one_wrong_range_is_named_alone_not_with_every_range_after_it() -> None:
    ranges = [{"min": 1, "max": 1}, {"min": 2, "max": 4}, {"min": 6, "max": 9}, {"min": 10}]
    with pytest.raises(ContentError) as error:
        anonymity_from_document({"min_group": 5, "respondent_buckets": ranges}, "s.yaml")
    assert "item 3: min must be 5" in str(error.value)
    assert "item 4" not in str(error.value)


def test_the_app_refuses_to_start_with_a_broken_statistics_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "statistics.yaml").write_text("min_group: many\nrespondent_buckets: []\n")
    with pytest.raises(SystemExit) as stopped:
        create_app({"DATA_DIR": str(folder), "AUTO_MIGRATE": False, "SECRET_KEY": "x"})
    assert "statistics.yaml" in str(stopped.value) and "min_group" in str(stopped.value)


def test_questionnaire_check_names_a_broken_statistics_file(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "statistics.yaml").write_text("min_group: 5\nrespondent_buckets: [{min: 2}]\n")
    result = app.test_cli_runner().invoke(
        args=["questionnaire", "check", "--data-dir", str(folder)]
    )
    assert result.exit_code != 0
    assert "statistics.yaml" in result.output and "item 1: min must be 1" in result.output


def test_rare_rows_are_generalised_and_too_few_are_merged_whole() -> None:
    rows = [["a", "x"]] * 5 + [["a", "y"]] * 2 + [["b", "z"]] * 6 + [["c", "w"]]
    rows = [list(r) for r in rows]
    generalise(rows, (1, 0), 5)
    groups = Counter(tuple(r) for r in rows)
    assert min(groups.values()) >= 5 and sum(groups.values()) == 14  # none dropped
    # ("a","y") x2 -> ("a","") x2, still rare -> ("","") with ("c","w"): 3 < 5, so
    # the smallest other combination, ("a","x") x5, is blanked whole too.
    assert groups == Counter({("", ""): 8, ("b", "z"): 6})
