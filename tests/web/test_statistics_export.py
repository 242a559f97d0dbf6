"""The statistics export: every completed assessment one may see, and nothing personal."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from questionnaire.scoring import round_half_up
from tests.conftest import Survey, create_workshop, logged_in, participant, set_profile
from web.extensions import db
from web.models import Assessment, Company, Workshop

SECRET_GOAL = "Köpa upp konkurrenten Smides AB i hemlighet"
PROFILE = {"employees": "45", "sni": "25", "region": "06", "goal": SECRET_GOAL}


def table(client: FlaskClient) -> list[dict[str, str]]:
    response = client.get("/radgivare/statistik.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def personal_values(app: Flask) -> set[str]:
    """Every name, free text, link and id the database holds for these companies."""
    with app.app_context():
        found: set[str] = {SECRET_GOAL}
        for a in db.session.scalars(select(Assessment)):
            found |= {a.token, a.participant_name or "", a.participant_role or ""}
            found.add(a.created_at.date().isoformat())
        for w in db.session.scalars(select(Workshop)):
            found |= {w.code, w.public_id, w.title}
        for c in db.session.scalars(select(Company)):
            found |= {c.name, c.public_id}
    return found - {""}


def test_rows_hold_teams_and_online_results_but_nothing_personal(
    app: Flask, questionnaire: Any
) -> None:
    anna = logged_in(app, "anna@example.se")
    url, code = create_workshop(anna, title="Ledningsgruppen hos Smides")
    set_profile(anna, url, PROFILE)
    for level, name in ((1, "Karin Kvist"), (3, "Olle Svärd")):
        participant(app, questionnaire, code, name=name).answer_maturity_pages(level)
    participant(app, questionnaire, code, name="Ej klar Person")  # joined, never finished
    online = Survey(app.test_client(), questionnaire)
    online.complete(PROFILE | {"employees": "300"}, level=2)

    admin = logged_in(app, "admin@example.se", role="admin")
    rows = {r["kind"]: r for r in table(admin)}
    assert sorted(rows) == ["online", "workshop"]  # one row for the team, none per person
    assert (rows["workshop"]["respondents"], rows["online"]["respondents"]) == ("2", "1")
    with app.app_context():
        finished = db.session.scalars(
            select(Assessment.scores).where(
                Assessment.workshop_id.is_not(None), Assessment.status == "completed"
            )
        ).all()
        alone = db.session.scalar(select(Assessment.scores).where(Assessment.workshop_id.is_(None)))
    mean = sum(s["dimensions"]["strategy"]["score"] for s in finished) / len(finished)
    assert rows["online"]["score_strategy"] == str(alone["dimensions"]["strategy"]["score"])
    assert rows["workshop"]["score_strategy"] == str(round_half_up(mean))
    assert (rows["workshop"]["size_band"], rows["online"]["size_band"]) == ("1-49", "250+")
    assert all(r["recommended_first_step"] for r in rows.values())
    assert all(len(r["completed_month"]) == 7 for r in rows.values())  # never the day
    # Two rows, each alone with its facts: the county and industry are left out.
    assert {(r["sni_division"], r["region"]) for r in rows.values()} == {("", "")}
    cells = {cell for r in rows.values() for cell in r.values()}
    headers = set(rows["online"])
    leaked = {
        value
        for value in personal_values(app)
        for cell in cells | headers
        if value.lower() in cell.lower()
    }
    assert leaked == set()
    assert not {"employees", "goal", "name", "role", "turnover_msek"} & headers


def test_facts_that_five_rows_share_are_kept_and_a_rare_one_is_left_out(
    app: Flask, questionnaire: Any
) -> None:
    for region in ("06", "06", "06", "06", "06", "01"):
        Survey(app.test_client(), questionnaire).complete(PROFILE | {"region": region})
    admin = logged_in(app, "admin@example.se", role="admin")
    facts = sorted((r["size_band"], r["sni_division"], r["region"]) for r in table(admin))
    assert facts == [("1-49", "25", "")] + [("1-49", "25", "06")] * 5


def test_an_advisor_gets_only_their_own_companies_rows(app: Flask, questionnaire: Any) -> None:
    anna = logged_in(app, "anna@example.se")
    url, code = create_workshop(anna)
    set_profile(anna, url)
    participant(app, questionnaire, code).answer_maturity_pages(1)
    bertil = logged_in(app, "bertil@example.se")
    other_url, other_code = create_workshop(bertil, new_company="Bertils Bruk AB")
    set_profile(bertil, other_url)
    for _ in range(2):
        participant(app, questionnaire, other_code).answer_maturity_pages(4)
    Survey(app.test_client(), questionnaire).complete(PROFILE)  # linked to no one

    assert [r["respondents"] for r in table(anna)] == ["1"]
    assert [r["respondents"] for r in table(bertil)] == ["2"]
    admin = logged_in(app, "admin@example.se", role="admin")
    assert sorted(r["kind"] for r in table(admin)) == ["online", "workshop", "workshop"]
