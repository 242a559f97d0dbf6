"""The statistics export: every completed assessment one may see, and nothing personal."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import replace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from questionnaire.scoring import round_half_up
from tests.helpers import (
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    participant,
    set_profile,
)
from web.platform.extensions import db
from web.reporting import overview
from web.storage.models import Assessment, Company, Workshop

SECRET_GOAL = "Köpa upp konkurrenten Smides AB i hemlighet"
OWN_NAME = "Hemliga Härdverket i Hillerstorp"
PROFILE = {"employees": "45", "sni": "25", "region": "06", "goal": SECRET_GOAL}


def every_row_its_own(app: Flask) -> None:
    """k = 1: nothing is generalised, so a test can check each row's values."""
    settings = app.extensions["lyftkollen.anonymity"]
    app.extensions["lyftkollen.anonymity"] = replace(settings, min_group=1)


def close(client: FlaskClient, url: str) -> None:
    page = client.get(url)
    assert (
        client.post(
            f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"}
        ).status_code
        == 302
    )


def table(client: FlaskClient) -> list[dict[str, str]]:
    response = client.get("/radgivare/statistik.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def personal_values(app: Flask) -> set[str]:
    """Every name, free text, link and id the database holds for these companies."""
    with app.app_context():
        found: set[str] = {SECRET_GOAL, OWN_NAME}
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
    close(anna, url)
    online = Survey(app.test_client(), questionnaire)
    online.complete(PROFILE | {"employees": "300", "company_name": OWN_NAME}, level=2)
    assert OWN_NAME in online.client.get(f"/a/{online.token}/resultat").text
    every_row_its_own(app)

    admin = logged_in(app, "admin@example.se", role="admin")
    rows = {r["kind"]: r for r in table(admin)}
    assert sorted(rows) == ["online", "workshop"]  # one row for the team, none per person
    assert (rows["workshop"]["respondents"], rows["online"]["respondents"]) == ("2-4", "1")
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
    cells = {cell for r in rows.values() for cell in r.values()}
    headers = set(rows["online"])
    leaked = {
        value
        for value in personal_values(app)
        for cell in cells | headers
        if value.lower() in cell.lower()
    }
    assert leaked == set()
    assert not {"employees", "goal", "name", "role", "turnover_msek", "company_name"} & headers


def test_facts_that_five_rows_share_are_kept_and_rare_ones_generalised(
    app: Flask, questionnaire: Any
) -> None:
    """Five share county 06 and industry 25: kept. Four in 01 with industry 25 and one in
    01 with industry 28 are rare: the county goes, then the industry, and then the five
    are alike. No row is dropped."""
    for region, sni in [("06", "25")] * 5 + [("01", "25")] * 4 + [("01", "28")]:
        Survey(app.test_client(), questionnaire).complete(PROFILE | {"region": region, "sni": sni})
    admin = logged_in(app, "admin@example.se", role="admin")
    facts = sorted((r["size_band"], r["sni_division"], r["region"]) for r in table(admin))
    assert facts == [("1-49", "", "")] * 5 + [("1-49", "25", "06")] * 5


def test_an_advisor_gets_only_their_own_companies_rows(app: Flask, questionnaire: Any) -> None:
    anna = logged_in(app, "anna@example.se")
    url, code = create_workshop(anna)
    set_profile(anna, url)
    participant(app, questionnaire, code).answer_maturity_pages(1)
    close(anna, url)
    bertil = logged_in(app, "bertil@example.se")
    other_url, other_code = create_workshop(bertil, new_company="Bertils Bruk AB")
    set_profile(bertil, other_url)
    for _ in range(2):
        participant(app, questionnaire, other_code).answer_maturity_pages(4)
    close(bertil, other_url)
    Survey(app.test_client(), questionnaire).complete(PROFILE)  # linked to no one
    every_row_its_own(app)

    assert [r["respondents"] for r in table(anna)] == ["1"]
    assert [r["respondents"] for r in table(bertil)] == ["2-4"]
    admin = logged_in(app, "admin@example.se", role="admin")
    assert sorted(r["kind"] for r in table(admin)) == ["online", "workshop", "workshop"]


def test_a_workshop_row_that_identified_its_company_no_longer_does(
    app: Flask, questionnaire: Any
) -> None:
    """Five online results and one workshop share size band, industry and county. The
    one workshop row with its head count was alone of its kind: anyone knowing that a
    team of three in county 06 and industry 25 had a workshop could read off its scores.
    Now no combination of kind, head count, size band, industry, county and programmes
    is shared by fewer than five rows; and every result is still a row, as many as the
    overview counts."""
    for _ in range(5):
        Survey(app.test_client(), questionnaire).complete(PROFILE)
    anna = logged_in(app, "anna@example.se")
    url, code = create_workshop(anna)
    set_profile(anna, url, PROFILE)
    for level in (1, 2, 3):
        participant(app, questionnaire, code).answer_maturity_pages(level)
    open_url, open_code = create_workshop(anna, title="Pågår")  # open: not counted yet
    participant(app, questionnaire, open_code).answer_maturity_pages(2)
    close(anna, url)

    admin = logged_in(app, "admin@example.se", role="admin")
    rows = table(admin)
    identifying = (
        "kind",
        "respondents",
        "size_band",
        "sni_division",
        "region",
        "completed_offerings",
    )
    groups = Counter(tuple(r[c] for c in identifying) for r in rows)
    assert min(groups.values()) >= 5, groups
    assert not [r for r in rows if r["kind"] == "workshop" or r["respondents"] == "2-4"]
    assert not [r for r in rows if r["region"] == "06" and r["kind"]]

    with app.app_context():
        counted = overview.overview(overview.Filters(), questionnaire.bands)
    assert len(rows) == counted.results == 6


def test_head_counts_are_ranges_and_five_teams_alike_keep_them(
    app: Flask, questionnaire: Any
) -> None:
    anna = logged_in(app, "anna@example.se")
    for size in (2, 3, 4, 4, 3):  # exact head counts differ: the range is shared
        url, code = create_workshop(anna)
        set_profile(anna, url, PROFILE)
        for level in range(size):
            participant(app, questionnaire, code).answer_maturity_pages(1 + level % 4)
        close(anna, url)
    rows = table(logged_in(app, "admin@example.se", role="admin"))
    facts = {(r["kind"], r["respondents"], r["sni_division"], r["region"]) for r in rows}
    assert facts == {("workshop", "2-4", "25", "06")} and len(rows) == 5


def test_the_statistics_for_excel_are_the_same_rows_with_semicolons(
    app: Flask, questionnaire: Any
) -> None:
    online = Survey(app.test_client(), questionnaire)
    online.complete(PROFILE, level=2)
    every_row_its_own(app)
    admin = logged_in(app, "admin@example.se", role="admin")
    plain = table(admin)
    response = admin.get("/radgivare/statistik-excel.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    text = response.data.decode("utf-8-sig")
    excel = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert excel == plain and len(excel) == 1
    header = text.splitlines()[0].split(";")
    assert len(header) == len(set(header)) and "score_strategy" in header
