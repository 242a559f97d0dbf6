"""The statistics export: every completed assessment one may see, and nothing personal."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

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


def stored_scores(app: Flask) -> list[str]:
    with app.app_context():
        return sorted(
            str(a.scores["dimensions"]["strategy"]["score"])
            for a in db.session.scalars(select(Assessment).where(Assessment.status == "completed"))
        )


def test_rows_hold_scores_and_coarse_facts_but_nothing_personal(
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
    rows = table(admin)
    assert len(rows) == 3  # the two who finished, and the online assessment
    assert sorted(r["score_strategy"] for r in rows) == stored_scores(app)
    assert sorted(r["size_band"] for r in rows) == ["1-49", "1-49", "250+"]
    assert {r["sni_division"] for r in rows} == {"25"} and {r["region"] for r in rows} == {"06"}
    assert sorted(r["kind"] for r in rows) == ["web", "workshop", "workshop"]
    assert all(len(r["completed_month"]) == 7 for r in rows)  # 2026-11, never the day
    assert all(r["recommended_first_step"] for r in rows)
    cells = {cell for r in rows for cell in r.values()}
    headers = set(rows[0])
    leaked = {
        value
        for value in personal_values(app)
        for cell in cells | headers
        if value.lower() in cell.lower()
    }
    assert leaked == set()
    assert not {"employees", "goal", "name", "role", "turnover_msek"} & headers


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

    with app.app_context():
        low, high = (
            db.session.scalars(
                select(Assessment.scores).where(Assessment.workshop_id == workshop_id)
            ).all()
            for workshop_id in db.session.scalars(select(Workshop.id).order_by(Workshop.id))
        )
    strategy = [str(s["dimensions"]["strategy"]["score"]) for s in low + high]
    assert [r["score_strategy"] for r in table(anna)] == strategy[:1]
    assert [r["score_strategy"] for r in table(bertil)] == strategy[1:]
    assert strategy[0] != strategy[1]
    admin = logged_in(app, "admin@example.se", role="admin")
    assert len(table(admin)) == 4
