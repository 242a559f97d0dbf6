"""The benchmarks' references (bench/minimal_app.py): the read reference reads what the
questionnaire page reads, so its figure is the database's share of that page's cost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from bench import minimal_app
from tests.helpers import Survey
from web.assessments import page_read


@pytest.fixture
def read_app(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    minimal_app._engine.cache_clear()
    yield minimal_app.read_app
    minimal_app._engine().dispose()
    minimal_app._engine.cache_clear()


def test_the_read_reference_reads_the_stored_answers(
    app: Flask, survey: Survey, read_app: Flask
) -> None:
    survey.start()
    page = survey.answers_at_level(2)[2]
    page = {k: v for k, v in page.items() if v != "dont_know_box"}
    assert survey.post(2, page).status_code == 302
    with app.app_context(), page_read.read_connection() as connection:
        stored = page_read.page_state(connection, survey.token)
    assert stored is not None and len(stored.answers) == len(page) > 0

    shown = read_app.test_client().get(f"/a/{survey.token}/steg/2")

    assert shown.status_code == 200
    assert f"<li>2</li><li>{len(page)}</li>" in shown.text


def test_the_read_reference_answers_404_for_an_unknown_token(read_app: Flask) -> None:
    assert read_app.test_client().get("/a/AAAAAAAAAAAAAAAAAAAAAA/steg/1").status_code == 404
