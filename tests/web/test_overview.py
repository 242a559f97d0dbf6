"""The program overview: what administrators see the stored results add up to."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, text, update

from questionnaire.dimensions import DIMENSION_IDS
from tests.helpers import Survey, create_workshop, csrf_token, logged_in, participant, set_profile
from web.platform.extensions import db
from web.reporting import overview
from web.storage import summaries
from web.storage.models import Assessment, Company, Decision, ResultSummary, User, Workshop

SECRET_GOAL = "Bli störst i Norden på smide, i hemlighet"
OVERVIEW = "/radgivare/oversikt"


def english(client: FlaskClient) -> FlaskClient:
    client.get("/sprak/en?next=/")
    return client


def admin(app: Flask) -> FlaskClient:
    return english(logged_in(app, "chef@example.se", role="admin"))


def add_results(app: Flask, *rows: dict[str, Any]) -> None:
    """Store result rows as the app would summarise them, each with the record it
    summarises (an online assessment, or with ``workshop=True`` a closed workshop) and,
    with ``decision=(offering, recommended)``, an advisor's decision."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "owner@example.se"))
        if user is None:
            user = User(email="owner@example.se", password_hash="-")
            db.session.add(user)
            db.session.flush()
        for given in rows:
            values = {"completed_on": date(2026, 3, 10), "recommended": "startprogram", **given}
            decision = values.pop("decision", None)
            demo = values.get("demo", False)
            if values.pop("workshop", False):
                company = Company(name="Hemliga Smidet AB", owner_id=user.id, demo=demo)
                db.session.add(company)
                db.session.flush()
                record: Assessment | Workshop = Workshop(
                    company_id=company.id,
                    title="Ledningsgruppen",
                    held_on=values["completed_on"],
                    status="closed",
                    questionnaire_version="2026.1",
                    demo=demo,
                )
                key = "workshop_id"
            else:
                record = Assessment(questionnaire_version="2026.1", status="completed", demo=demo)
                key = "assessment_id"
            db.session.add(record)
            db.session.flush()
            decided = None
            if decision:
                offering, recommended = decision
                decided = Decision(
                    **{key: record.id},
                    offering=offering,
                    recommended=recommended,
                    reason=SECRET_GOAL,
                    decided_by_id=user.id,
                )
                db.session.add(decided)
            # The summary's copy of the decision, as web.storage.summaries keeps it.
            copy = summaries.decision_values(decided)
            db.session.add(ResultSummary(**{key: record.id}, **values, **copy))
        db.session.commit()


def cells(html: str, caption: str) -> dict[str, list[str]]:
    """A table on the page, by its caption: each row's header cell -> its other cells."""
    match = re.search(
        r"<caption[^>]*>" + re.escape(caption) + r"</caption>(.*?)</table>", html, re.S
    )
    assert match, f"no table {caption!r}"
    table: dict[str, list[str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if head:
            values = re.findall(r"<td>(.*?)</td>", row, re.S)
            table[head.group(1).strip()] = [re.sub(r"<[^>]+>", "", v).strip() for v in values]
    return table


def counts(html: str) -> list[str]:
    return re.findall(r'<span class="count">(\d+)</span>', html)


KNOWN = (
    # Jönköping, metal, small: two online, one workshop of three; decisions on two.
    {"region": "06", "industry_group": "metal", "size_band": "small", "strategy": 10,
     "decision": ("startprogram", "startprogram")},
    {"region": "06", "industry_group": "metal", "size_band": "small", "strategy": 30,
     "decision": ("iuc", "startprogram")},
    {"region": "06", "industry_group": "metal", "size_band": "small", "strategy": 80,
     "workshop": True, "respondents": 3, "completed_on": date(2026, 5, 2),
     "recommended": "robotlyftet", "decision": ("robotlyftet", "robotlyftet")},
    # Skåne, food, large, a month earlier; no decision; one without any known profile.
    {"region": "12", "industry_group": "food", "size_band": "large", "strategy": 60,
     "completed_on": date(2026, 1, 31)},
    {"region": None, "industry_group": None, "size_band": None, "strategy": None,
     "recommended": None},
)  # fmt: skip


def test_the_counts_and_agreement_of_a_known_set_and_a_filter_that_narrows_them(
    app: Flask,
) -> None:
    add_results(app, *KNOWN)
    chef = admin(app)
    page = chef.get(OVERVIEW)
    assert page.status_code == 200
    html = page.text
    assert counts(html) == ["5", "4", "1", "7"]  # results, online, workshops, respondents
    assert cells(html, "Results per month") == {
        "2026-01": ["1"], "2026-02": ["0"], "2026-03": ["3"], "2026-04": ["0"], "2026-05": ["1"]
    }  # fmt: skip
    by_county = cells(html, "Results by county")
    assert by_county["Jönköping County"] == ["3", "60&nbsp;%"]
    assert by_county["Skåne County"] == ["1", "20&nbsp;%"]
    assert by_county["Stockholm County"] == ["0", "0&nbsp;%"]  # every county is listed
    assert by_county["Not given"] == ["1", "20&nbsp;%"]
    assert cells(html, "Results by industry")["Metals and metal products (SNI 24–25)"][0] == "3"
    assert cells(html, "Results by company size")["Large (250 employees or more)"][0] == "1"
    scores = cells(html, "Results per level in each dimension, and the mean score")
    strategy = scores["Digital business strategy"]
    # 0–25: 10; 26–50: 30; 51–75: 60; 76–100: 80; mean 45; four measured.
    assert [v.split(" ")[0] for v in strategy] == ["1", "1", "1", "1", "45.0", "4"]
    offerings = cells(html, "Recommended first step")
    start = next(v for k, v in offerings.items() if k.startswith("Start"))
    assert start == ["3", "2", "1", "50&nbsp;%"]  # recommended, decisions, agreed, rate
    assert offerings["No recommended step"] == ["1", "0", "0", "–"]
    chosen = cells(html, "What the companies went on to do")
    assert sorted(v[0] for v in chosen.values()) == ["1", "1", "1"]

    narrowed = chef.get(OVERVIEW, query_string={"start": "2026-03", "end": "2026-03"}).text
    assert counts(narrowed) == ["3", "3", "0", "3"]
    assert list(cells(narrowed, "Results per month")) == ["2026-03"]
    workshops = chef.get(OVERVIEW, query_string={"kind": "workshop", "region": "06"}).text
    assert counts(workshops) == ["1", "0", "1", "3"]
    robot = next(v for k, v in cells(workshops, "Recommended first step").items())
    assert robot == ["1", "1", "1", "100&nbsp;%"]
    nothing = chef.get(OVERVIEW, query_string={"size": "medium"}).text
    assert counts(nothing)[0] == "0" and "No results match these filters." in nothing


def test_results_from_the_real_flows_are_counted(app: Flask, questionnaire: Any) -> None:
    Survey(app.test_client(), questionnaire).complete(
        {"employees": "45", "sni": "25", "region": "06"}, level=2
    )
    anna = logged_in(app, "anna@example.se")
    url, code = create_workshop(anna)
    set_profile(anna, url, {"employees": "300", "sni": "10", "region": "12"})
    for level in (1, 3):
        participant(app, questionnaire, code).answer_maturity_pages(level)
    page = anna.get(url)
    closed = anna.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    assert closed.status_code == 302, closed.text
    html = admin(app).get(OVERVIEW).text
    assert counts(html) == ["2", "1", "1", "3"]
    assert cells(html, "Results by county")["Skåne County"][0] == "1"
    measured = cells(html, "Results per level in each dimension, and the mean score")
    assert {v[-1] for v in measured.values()} == {"2"}
    assert len(measured) == len(DIMENSION_IDS)


def test_the_figures_follow_every_new_or_changed_result_and_decision(
    app: Flask, questionnaire: Any
) -> None:
    """The overview is kept per process while the data is unchanged: never stale."""
    chef = admin(app)
    assert counts(chef.get(OVERVIEW).text)[0] == "0"
    Survey(app.test_client(), questionnaire).complete({"employees": "45", "region": "06"})
    assert counts(chef.get(OVERVIEW).text)[0] == "1"

    anna = logged_in(app, "anna@example.se")
    url, code = create_workshop(anna)
    set_profile(anna, url, {"employees": "30", "sni": "25"})
    participant(app, questionnaire, code).answer_maturity_pages(2)
    page = anna.get(url)
    anna.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    html = chef.get(OVERVIEW).text
    assert cells(html, "Results by company size")["Large (250 employees or more)"][0] == "0"

    set_profile(anna, url, {"employees": "400", "sni": "25"})  # the closed team changes
    html = chef.get(OVERVIEW).text
    assert cells(html, "Results by company size")["Large (250 employees or more)"][0] == "1"

    page = anna.get(url)
    data = {"csrf_token": csrf_token(page.text), "offering": "iuc", "reason": ""}
    assert anna.post(f"{url}/beslut", data=data).status_code == 302
    chosen = cells(chef.get(OVERVIEW).text, "What the companies went on to do")
    assert [v[0] for v in chosen.values()] == ["1"]
    page = anna.get(url)
    data = {"csrf_token": csrf_token(page.text), "offering": "kunskapslyft", "reason": ""}
    assert anna.post(f"{url}/beslut", data=data).status_code == 302
    chosen = cells(chef.get(OVERVIEW).text, "What the companies went on to do")
    assert [k for k in chosen if "Kunskapslyft" in k] and not [k for k in chosen if "IUC" in k]


def test_every_write_to_summaries_or_decisions_moves_the_change_counter(app: Flask) -> None:
    """Each trigger of migration 0010 is there and counts (a later migration that
    rebuilt one of the tables on SQLite could drop them), and reading changes nothing."""
    add_results(app, {"region": "06", "decision": ("iuc", "startprogram")})
    with app.app_context():
        seen = [overview.fingerprint()]

        def moved(statement: Any) -> None:
            db.session.execute(statement)
            db.session.commit()
            seen.append(overview.fingerprint())
            assert seen[-1] != seen[-2], statement

        for table in (ResultSummary, Decision):
            moved(update(table).values(id=table.id))
        db.session.execute(select(ResultSummary)).all()  # reads count nothing
        db.session.execute(select(Decision)).all()
        assert overview.fingerprint() == seen[-1]
        moved(delete(Decision))
        moved(delete(ResultSummary))
        assessment = db.session.scalars(select(Assessment)).one()
        moved(
            ResultSummary.__table__.insert().values(
                assessment_id=assessment.id, completed_on=date(2026, 1, 5)
            )
        )
        user = db.session.scalars(select(User)).one()
        moved(
            Decision.__table__.insert().values(
                assessment_id=assessment.id,
                offering="iuc",
                decided_by_id=user.id,
                decided_at=date(2026, 1, 6),
                updated_at=date(2026, 1, 6),
            )
        )
        if db.engine.dialect.name == "postgresql":  # SQLite has no TRUNCATE
            moved(text("TRUNCATE result_summaries"))
        assert len(set(seen)) == len(seen)


def test_the_figures_follow_changes_made_outside_the_apps_own_flows(app: Flask) -> None:
    """A repair by hand, a cascade and a bulk update change the kept figures too: the
    database itself counts every change (migration 0010's triggers)."""
    add_results(app, *KNOWN)
    chef = admin(app)
    assert counts(chef.get(OVERVIEW).text)[0] == "5"
    with app.app_context():  # a decision corrected in SQL, its copy with it
        db.session.execute(update(Decision).values(offering="iuc"))
        db.session.execute(
            update(ResultSummary).where(ResultSummary.decision.is_not(None)).values(decision="iuc")
        )
        db.session.commit()
    chosen = cells(chef.get(OVERVIEW).text, "What the companies went on to do")
    assert [(k[:3], v[0]) for k, v in chosen.items() if v[0] != "0"] == [("IUC", "3")]
    with app.app_context():  # a workshop deleted: its summary and decision go by cascade
        db.session.execute(delete(Workshop))
        db.session.commit()
    html = chef.get(OVERVIEW).text
    assert counts(html)[0] == "4"
    assert cells(html, "Results by county")["Jönköping County"][0] == "2"
    with app.app_context():  # every row relabelled at once
        db.session.execute(update(ResultSummary).values(region="12"))
        db.session.commit()
    assert cells(chef.get(OVERVIEW).text, "Results by county")["Skåne County"][0] == "4"


def test_demo_results_count_only_in_demo_mode_and_the_page_says_so(app: Flask) -> None:
    add_results(app, {"region": "06"}, {"region": "06", "demo": True}, {"demo": True})
    chef = admin(app)
    off = chef.get(OVERVIEW).text
    assert counts(off)[0] == "1" and "Demo data is included" not in off
    app.config["DEMO_MODE"] = True
    on = chef.get(OVERVIEW).text
    assert counts(on)[0] == "3" and "Demo data is included" in on
    exported = chef.get(f"{OVERVIEW}.csv").data.decode("utf-8-sig")
    assert "filter,demo_data_included,,value,yes" in exported


def test_only_administrators_see_it(app: Flask) -> None:
    assert app.test_client().get(OVERVIEW).status_code == 302  # to the login page
    anna = english(logged_in(app, "anna@example.se"))
    assert "Program overview" not in anna.get("/radgivare/").text
    assert anna.get(OVERVIEW).status_code == 403
    assert anna.get(f"{OVERVIEW}.csv").status_code == 403
    assert anna.get(f"{OVERVIEW}-excel.csv").status_code == 403
    assert f'href="{OVERVIEW}"' in admin(app).get("/radgivare/").text


def test_the_export_holds_the_tables_and_nothing_personal(app: Flask, questionnaire: Any) -> None:
    add_results(app, *KNOWN)
    person = Survey(app.test_client(), questionnaire)
    person.complete({"employees": "45", "sni": "25", "region": "06", "goal": SECRET_GOAL})
    chef = admin(app)
    response = chef.get(f"{OVERVIEW}.csv", query_string={"region": "06"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    value = {(r["table"], r["key"], r["measure"]): r["value"] for r in rows}
    assert value[("filter", "region", "value")] == "06"
    assert value[("total", "", "results")] == "4"
    assert value[("region", "06", "results")] == "4"
    # Three results recommended the Startprogram, two with decisions: fewer than five
    # could be one company's own step and decision, so neither is exported.
    assert not [k for k in value if k[0] in ("recommended", "decided")]
    assert ("dimension", "strategy", "mean") not in value  # four scores: too few to show
    with app.app_context():
        personal = {a.token for a in db.session.scalars(select(Assessment))}
        personal |= {w.public_id for w in db.session.scalars(select(Workshop))}
        personal |= {w.code for w in db.session.scalars(select(Workshop))}
        personal |= {c.name for c in db.session.scalars(select(Company))}
    for secret in personal | {SECRET_GOAL, "2026-03-10", "2026-05-02"}:
        assert secret not in text

    # For Swedish Excel: the same rows, with semicolons and decimal commas.
    excel = chef.get(f"{OVERVIEW}-excel.csv", query_string={"region": "06"})
    assert excel.status_code == 200 and excel.data.startswith(b"\xef\xbb\xbf")
    swedish = list(csv.DictReader(io.StringIO(excel.data.decode("utf-8-sig")), delimiter=";"))
    assert [dict(r, value=r["value"].replace(",", ".")) for r in swedish] == rows

    everyone = chef.get(f"{OVERVIEW}.csv").data.decode("utf-8-sig")
    measured = [r for r in csv.DictReader(io.StringIO(everyone)) if r["table"] == "dimension"]
    # Five strategy scores are shown; one company's other scores are not.
    assert {r["key"] for r in measured} == {"strategy"}


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-13"},
        {"start": "mars"},
        {"end": "2026-02-30"},
        {"start": "2026-05", "end": "2026-01"},
        {"region": "99"},
        {"industry": "<script>"},
        {"size": "huge"},
        {"kind": "telepathy"},
        {"start": "2026-1"},
        {"end": "99999-01"},
        {"end": "9999-12"},  # the month after it would be year 10000
        {"start": "1900-01"},
    ],
)
def test_bad_filters_get_a_message_and_never_a_500(app: Flask, query: dict[str, str]) -> None:
    chef = admin(app)
    for url in (OVERVIEW, f"{OVERVIEW}.csv"):
        response = chef.get(url, query_string=query)
        assert response.status_code == 400, response.text
        assert 'class="error"' in response.text and "Please check the filters" in response.text


def test_the_export_shows_a_recommended_step_once_five_results_share_it(app: Flask) -> None:
    five = [
        {
            "recommended": "utvecklingsprogram",
            "decision": ("utvecklingsprogram", "utvecklingsprogram"),
        }
        for _ in range(5)
    ]
    add_results(app, *five)
    exported = admin(app).get(f"{OVERVIEW}.csv").data.decode("utf-8-sig")
    value = {
        (r["table"], r["key"], r["measure"]): r["value"]
        for r in csv.DictReader(io.StringIO(exported))
    }
    assert value[("recommended", "utvecklingsprogram", "results")] == "5"
    assert value[("recommended", "utvecklingsprogram", "agreed")] == "5"
    assert value[("decided", "utvecklingsprogram", "decisions")] == "5"
