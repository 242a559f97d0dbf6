"""``flask repair-text``: lone UTF-16 surrogates stored by older versions, replaced with U+FFFD.

Where they can be stored at all is in JSON columns, as the escape "\\ud800" in the JSON
text: on SQLite, and on PostgreSQL in columns of type json (which keep their text as
given). Each test stores them through the ORM, as the API once did, on both databases.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.helpers import Survey, create_workshop, logged_in, set_profile
from tests.test_backup import every_row
from web.platform.extensions import db
from web.storage.models import Assessment, Workshop

GOAL = "Kortare ledtider \ud800"
REPAIRED_GOAL = "Kortare ledtider \ufffd"


def _store_surrogates(app: Flask, client: FlaskClient, questionnaire: Any) -> dict[str, Any]:
    """A completed self-assessment and a workshop, with lone surrogates in their JSON:
    a value, an object's key, a list's item, a value that is all surrogate."""
    survey = Survey(client, questionnaire)
    survey.complete({"employees": "45", "sni": "25"})
    anna = logged_in(app, "anna@example.se")
    url, _ = create_workshop(anna)
    set_profile(anna, url)
    with app.app_context():
        assessment = db.session.execute(select(Assessment)).scalar_one()
        assessment.profile = {
            **assessment.profile,
            "goal": GOAL,
            "n\udc00ter": ["ok", "a\udfff"],
            "sist": "kvar",
        }
        workshop = db.session.execute(select(Workshop)).scalar_one()
        workshop.profile = {**workshop.profile, "goal": "\ud83d"}
        db.session.commit()
        return {"token": survey.token, "assessment": assessment.id, "workshop": workshop.id}


def _repair(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["repair-text", *args])


def test_repair_text_dry_run_lists_every_lone_surrogate_and_changes_nothing(
    app: Flask, client: FlaskClient, questionnaire: Any
) -> None:
    stored = _store_surrogates(app, client, questionnaire)
    before = every_row(app)

    result = _repair(app, "--dry-run")
    assert result.exit_code == 0, result.output
    a, w = stored["assessment"], stored["workshop"]
    assert result.output.splitlines() == [
        f"table workshops, row id={w}, column profile, at goal: \\ud83d -> U+FFFD",
        f"table assessments, row id={a}, column profile, at goal: \\ud800 -> U+FFFD",
        f"table assessments, row id={a}, column profile, key n\ufffdter: \\udc00 -> U+FFFD",
        f"table assessments, row id={a}, column profile, at n\ufffdter.1: \\udfff -> U+FFFD",
        "Dry run: would replace 4 strings with lone surrogates in 2 rows; nothing changed",
    ]
    assert every_row(app) == before
    assert app.test_cli_runner().invoke(args=["export"]).exit_code != 0


def test_repair_text_replaces_lone_surrogates_with_u_fffd_and_lists_them(
    app: Flask, client: FlaskClient, questionnaire: Any
) -> None:
    stored = _store_surrogates(app, client, questionnaire)
    before = every_row(app)

    result = _repair(app)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 5 and all(" -> U+FFFD" in line for line in lines[:4])
    assert lines[-1] == "Replaced 4 strings with lone surrogates in 2 rows"

    after = every_row(app)
    profile = next(r for r in after["assessments"] if r["id"] == stored["assessment"])["profile"]
    assert list(profile.items())[-3:] == [  # the key order is kept: it is data
        ("goal", REPAIRED_GOAL),
        ("n\ufffdter", ["ok", "a\ufffd"]),
        ("sist", "kvar"),
    ]
    workshop = next(r for r in after["workshops"] if r["id"] == stored["workshop"])
    assert workshop["profile"]["goal"] == "\ufffd"
    # Nothing else changed: no other column, no other table.
    for name, rows in before.items():
        if name not in ("assessments", "workshops"):
            assert after[name] == rows, name
    for row, was in zip(after["assessments"], before["assessments"], strict=True):
        assert {k: v for k, v in row.items() if k != "profile"} == {
            k: v for k, v in was.items() if k != "profile"
        }

    # What the surrogate broke works again: the private link's page and the export.
    page = client.get(f"/a/{stored['token']}/steg/1")
    assert page.status_code == 200 and REPAIRED_GOAL in page.text
    export = app.test_cli_runner().invoke(args=["export"])
    assert export.exit_code == 0, export.output
    assert REPAIRED_GOAL in export.output

    again = _repair(app)
    assert again.output == "No lone surrogates found; nothing changed\n"


def test_repair_text_refuses_to_merge_two_keys_and_changes_nothing(
    app: Flask, client: FlaskClient, questionnaire: Any
) -> None:
    # "\ud800" and "\udc00" both become U+FFFD: one of the two values would be lost.
    stored = _store_surrogates(app, client, questionnaire)
    with app.app_context():
        assessment = db.session.get(Assessment, stored["assessment"])
        assessment.profile = {**assessment.profile, chr(0xD800): "k1", chr(0xDC00): "k2"}
        db.session.commit()
    before = every_row(app)
    result = _repair(app)
    assert result.exit_code != 0
    assert "two keys would become the same" in result.output
    assert f"table assessments, row id={stored['assessment']}" in result.output
    assert every_row(app) == before
