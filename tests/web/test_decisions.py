"""Advisor decisions: what the company went on to do, recorded on the workshop's and the
company's pages, kept with who and when, deleted with their record, exported anonymously."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
import time
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, update

from tests.helpers import (
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    participant,
    set_profile,
)
from web.assessments import service
from web.learning.decisions import record
from web.platform.extensions import db
from web.storage import summaries
from web.storage.models import Assessment, Decision, User, Workshop
from web.workshops.service import assessment_key


def key_of(token: str) -> str:
    """The assessment's key in the advisor's pages (web.workshops.service.assessment_key)."""
    return "a-" + hashlib.sha256(token.encode()).hexdigest()[:12]


def decisions(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session.execute(select(Decision).order_by(Decision.id)).scalars().all()
        found = [
            {
                "assessment_id": d.assessment_id,
                "workshop_id": d.workshop_id,
                "offering": d.offering,
                "recommended": d.recommended,
                "reason": d.reason,
                "by": db.session.get(User, d.decided_by_id).email,
                "decided_at": d.decided_at,
                "updated_at": d.updated_at,
            }
            for d in rows
        ]
        db.session.remove()
        return found


def count_decisions(app: Flask) -> int:
    with app.app_context():
        number = db.session.scalar(select(func.count()).select_from(Decision)) or 0
        db.session.remove()
        return number


def workshop_with_path(app: Flask, questionnaire: Any, advisor: FlaskClient) -> str:
    url, code = create_workshop(advisor)
    assert set_profile(advisor, url).status_code == 302
    participant(app, questionnaire, code, name="Karin").answer_maturity_pages(2)
    return url


def selected_offering(html: str) -> str | None:
    match = re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', html)
    return (match.group(1) or match.group(2)) if match else None


def post_decision(client: FlaskClient, page_url: str, action: str, **fields: str) -> Any:
    page = client.get(page_url)
    return client.post(action, data={"csrf_token": csrf_token(page.text), **fields})


def test_an_advisor_records_and_changes_the_teams_decision(app: Flask, questionnaire: Any) -> None:
    anna = logged_in(app, "anna@example.se")
    url = workshop_with_path(app, questionnaire, anna)
    page = anna.get(url)
    assert 'action="' + url + '/beslut"' in page.text
    recommended = selected_offering(page.text)
    assert recommended, "the recommended primary step is preselected"
    assert "Inspirationsseminarium" in page.text  # every offering, by name

    saved = post_decision(anna, url, f"{url}/beslut", offering="kunskapslyft", reason="Hade tid nu")
    assert saved.status_code == 302
    [first] = decisions(app)
    assert first["offering"] == "kunskapslyft" and first["reason"] == "Hade tid nu"
    assert first["recommended"] == recommended and first["by"] == "anna@example.se"
    assert first["workshop_id"] is not None and first["assessment_id"] is None
    assert first["decided_at"] is not None
    shown = anna.get(url).text
    assert "anna@example.se" in shown and selected_offering(shown) == "kunskapslyft"
    assert "Hade tid nu" in shown

    changed = post_decision(anna, url, f"{url}/beslut", offering=recommended, reason="")
    assert changed.status_code == 302
    [second] = decisions(app)
    assert second["offering"] == recommended and second["reason"] is None
    assert second["decided_at"] == first["decided_at"]
    assert second["updated_at"] >= first["updated_at"]


def test_another_advisor_gets_404_and_an_admin_may_record(app: Flask, questionnaire: Any) -> None:
    anna = logged_in(app, "anna@example.se")
    url = workshop_with_path(app, questionnaire, anna)
    bertil = logged_in(app, "bertil@example.se")
    page = bertil.get("/radgivare/")
    refused = bertil.post(
        f"{url}/beslut", data={"csrf_token": csrf_token(page.text), "offering": "iuc"}
    )
    assert refused.status_code == 404 and count_decisions(app) == 0
    chef = logged_in(app, "chef@example.se", role="admin")
    assert post_decision(chef, url, f"{url}/beslut", offering="iuc").status_code == 302
    assert decisions(app)[0]["by"] == "chef@example.se"


def test_bad_input_gets_a_message_and_never_a_500(app: Flask, questionnaire: Any) -> None:
    anna = logged_in(app, "anna@example.se")
    url = workshop_with_path(app, questionnaire, anna)
    unknown = post_decision(anna, url, f"{url}/beslut", offering="tidsmaskin")
    assert unknown.status_code == 422
    assert 'class="error"' in unknown.text and "aria-invalid" in unknown.text
    too_long = post_decision(anna, url, f"{url}/beslut", offering="iuc", reason="x" * 501)
    assert too_long.status_code == 422 and 'class="error"' in too_long.text
    assert "x" * 501 in too_long.text  # what was typed is kept in the form
    assert count_decisions(app) == 0
    ok = post_decision(anna, url, f"{url}/beslut", offering="iuc", reason="x" * 500)
    assert ok.status_code == 302 and count_decisions(app) == 1


def test_a_workshop_without_a_team_path_has_no_form(app: Flask) -> None:
    anna = logged_in(app, "anna@example.se")
    url, _ = create_workshop(anna)
    assert f"{url}/beslut" not in anna.get(url).text
    response = post_decision(anna, url, f"{url}/beslut", offering="iuc")
    assert response.status_code == 302 and count_decisions(app) == 0


def _linked_company(app: Flask, questionnaire: Any, anna: FlaskClient) -> tuple[str, Survey]:
    url, _ = create_workshop(anna)
    with app.app_context():
        public_id = url.rsplit("/", 1)[1]
        company = db.session.execute(
            select(Workshop).where(Workshop.public_id == public_id)
        ).scalar_one()
        company_url = f"/radgivare/foretag/{company.company.public_id}"
        db.session.remove()
    own = Survey(app.test_client(), questionnaire)
    own.complete({"employees": "45", "sni": "25"})
    linked = post_decision(anna, company_url, f"{company_url}/koppla", link=own.token)
    assert linked.status_code == 302
    return company_url, own


def test_a_self_assessment_another_advisor_links_meanwhile_stays_theirs(
    app: Flask, questionnaire: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two advisors link the same shared private link at the same moment: the second is
    told it is linked elsewhere, and the first one's link stands."""
    anna = logged_in(app, "anna@example.se")
    bertil = logged_in(app, "bertil@example.se")
    urls = {}
    for name, client in (("anna", anna), ("bertil", bertil)):
        url, _ = create_workshop(client)
        with app.app_context():
            workshop = db.session.execute(
                select(Workshop).where(Workshop.public_id == url.rsplit("/", 1)[1])
            ).scalar_one()
            urls[name] = (workshop.company.public_id, workshop.company.id)
            db.session.remove()
    shared = Survey(app.test_client(), questionnaire)
    shared.complete({"employees": "45", "sni": "25"})
    found = service.find

    def found_then_linked_by_bertil(token: str) -> Assessment | None:
        assessment = found(token)  # read as linked to nobody
        with db.engine.connect() as other:
            other.execute(
                update(Assessment)
                .where(Assessment.token == token)
                .values(company_id=urls["bertil"][1])
            )
            other.commit()
        return assessment

    monkeypatch.setattr(service, "find", found_then_linked_by_bertil)
    company_url = f"/radgivare/foretag/{urls['anna'][0]}"
    response = post_decision(anna, company_url, f"{company_url}/koppla", link=shared.token)
    assert response.status_code == 422
    assert "redan kopplad till ett annat företag" in response.text
    with app.app_context():
        assert (
            db.session.execute(
                select(Assessment.company_id).where(Assessment.token == shared.token)
            ).scalar_one()
            == urls["bertil"][1]
        )


def test_a_decision_on_a_linked_self_assessment(app: Flask, questionnaire: Any) -> None:
    anna = logged_in(app, "anna@example.se")
    company_url, own = _linked_company(app, questionnaire, anna)
    page = anna.get(company_url)
    key = key_of(own.token)
    assert f'value="{key}"' in page.text and own.token not in page.text
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.token == own.token)
        ).scalar_one()
        assert assessment_key(assessment) == key
        recommended = assessment.recommendation["primary"]["id"]
        db.session.remove()
    assert selected_offering(page.text) == recommended
    wrong = post_decision(anna, company_url, f"{company_url}/beslut", target="a-0", offering="iuc")
    assert wrong.status_code == 404
    saved = post_decision(
        anna, company_url, f"{company_url}/beslut", target=key, offering=recommended
    )
    assert saved.status_code == 302
    [decision] = decisions(app)
    assert decision["assessment_id"] is not None and decision["recommended"] == recommended
    bad = post_decision(anna, company_url, f"{company_url}/beslut", target=key, offering="x")
    assert bad.status_code == 422 and 'class="error"' in bad.text
    bertil = logged_in(app, "bertil@example.se")
    page = bertil.get("/radgivare/")
    refused = bertil.post(
        f"{company_url}/beslut",
        data={"csrf_token": csrf_token(page.text), "target": key, "offering": "iuc"},
    )
    assert refused.status_code == 404


def test_deleting_the_workshop_or_the_assessment_deletes_its_decision(
    app: Flask, questionnaire: Any
) -> None:
    anna = logged_in(app, "anna@example.se")
    url = workshop_with_path(app, questionnaire, anna)
    assert post_decision(anna, url, f"{url}/beslut", offering="iuc").status_code == 302
    company_url, own = _linked_company(app, questionnaire, anna)
    key = key_of(own.token)
    saved = post_decision(anna, company_url, f"{company_url}/beslut", target=key, offering="iuc")
    assert saved.status_code == 302 and count_decisions(app) == 2

    assert post_decision(anna, f"{url}/radera", f"{url}/radera").status_code == 302
    assert count_decisions(app) == 1
    page = own.client.get(f"/a/{own.token}/radera")
    deleted = own.client.post(f"/a/{own.token}/radera", data={"csrf_token": csrf_token(page.text)})
    assert deleted.status_code == 302 and count_decisions(app) == 0


def test_the_statistics_export_has_the_decision_without_the_reason(
    app: Flask, questionnaire: Any
) -> None:
    anna = logged_in(app, "anna@example.se")
    url = workshop_with_path(app, questionnaire, anna)
    recommended = selected_offering(anna.get(url).text)
    other = "kunskapslyft" if recommended != "kunskapslyft" else "iuc"
    reason = "Hemlig motivering om ägarbytet"
    assert (
        post_decision(anna, url, f"{url}/beslut", offering=other, reason=reason).status_code == 302
    )
    company_url, own = _linked_company(app, questionnaire, anna)
    key = key_of(own.token)
    page = anna.get(company_url)
    agreed = selected_offering(page.text)
    saved = post_decision(anna, company_url, f"{company_url}/beslut", target=key, offering=agreed)
    assert saved.status_code == 302
    page = anna.get(url)  # a workshop counts once closed
    anna.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    # Two rows, each alone with its facts: k = 1, so that neither is generalised.
    settings = app.extensions["lyftkollen.anonymity"]
    app.extensions["lyftkollen.anonymity"] = replace(settings, min_group=1)

    export = anna.get("/radgivare/statistik.csv")
    text = export.get_data(as_text=True).lstrip("\ufeff")
    assert reason not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"advisor_decision", "decision_agreed", "decision_month"} <= set(rows[0])
    workshop_rows = [r for r in rows if r["kind"] == "workshop"]
    assert [(r["advisor_decision"], r["decision_agreed"]) for r in workshop_rows] == [(other, "no")]
    online = [r for r in rows if r["kind"] != "workshop"]
    assert [(r["advisor_decision"], r["decision_agreed"]) for r in online] == [(agreed, "yes")]
    assert re.fullmatch(r"\d{4}-\d{2}", online[0]["decision_month"])


def _finished_and_an_advisor(app: Flask, questionnaire: Any) -> tuple[int, int]:
    """A finished online self-assessment and an advisor: their ids."""
    survey = Survey(app.test_client(), questionnaire)
    survey.complete({"employees": "45", "sni": "25"})
    with app.app_context():
        advisor = User(email="anna@example.se", password_hash="-")
        db.session.add(advisor)
        db.session.commit()
        assessment_id = db.session.scalars(
            select(Assessment.id).where(Assessment.token == survey.token)
        ).one()
        advisor_id = advisor.id
    return assessment_id, advisor_id


def test_a_decision_and_the_deletion_of_its_result_at_the_same_moment_both_finish(
    app: Flask, questionnaire: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An advisor decides on a result while its respondent deletes it. The decision
    pauses between its writes, with the deletion waiting; on PostgreSQL the two once
    took their locks in opposite orders (deadlock detected: one of them failed)."""
    assessment_id, advisor_id = _finished_and_an_advisor(app, questionnaire)

    written = threading.Event()
    copy = summaries.copy_decision

    def copy_then_pause(decision: Decision) -> None:
        copy(decision)
        written.set()
        time.sleep(1)  # the deletion starts now and has to wait for this transaction

    monkeypatch.setattr(summaries, "copy_decision", copy_then_pause)
    failures: list[BaseException] = []

    def decide() -> None:
        with app.app_context():
            try:
                record(
                    None,
                    assessment=db.session.get(Assessment, assessment_id),
                    offering="iuc",
                    reason="",
                    recommended="startprogram",
                    user=db.session.get(User, advisor_id),
                )
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 (reported below)
                failures.append(error)
            finally:
                written.set()

    def delete_result() -> None:
        written.wait(timeout=10)
        with app.app_context():
            try:
                db.session.execute(delete(Assessment).where(Assessment.id == assessment_id))
                db.session.commit()
            except BaseException as error:  # noqa: BLE001
                failures.append(error)

    threads = [threading.Thread(target=decide), threading.Thread(target=delete_result)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with app.app_context():  # deleted after the decision: it went with its result
        assert db.session.get(Assessment, assessment_id) is None
        assert count_decisions(app) == 0


def test_two_first_decisions_at_the_same_moment_both_finish_as_one(
    app: Flask, questionnaire: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A double click on "save" before any decision exists: both requests find none and
    both insert one. The second changes the first one's decision instead of failing on
    the unique key (it answered 500 on PostgreSQL)."""
    assessment_id, advisor_id = _finished_and_an_advisor(app, questionnaire)

    first_written = threading.Event()
    copy = summaries.copy_decision

    def copy_then_pause(decision: Decision) -> None:
        copy(decision)
        if not first_written.is_set():
            first_written.set()
            time.sleep(1)  # the second, which found no decision either, starts now

    monkeypatch.setattr(summaries, "copy_decision", copy_then_pause)
    failures: list[BaseException] = []

    def decide(offering: str, after: threading.Event | None) -> None:
        if after is not None:
            after.wait(timeout=10)
        with app.app_context():
            try:
                record(
                    None,  # as each request read it: no decision yet
                    assessment=db.session.get(Assessment, assessment_id),
                    offering=offering,
                    reason="",
                    recommended="startprogram",
                    user=db.session.get(User, advisor_id),
                )
            except BaseException as error:  # noqa: BLE001 (reported below)
                failures.append(error)
            finally:
                first_written.set()

    threads = [
        threading.Thread(target=decide, args=("iuc", None)),
        threading.Thread(target=decide, args=("kunskapslyft", first_written)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with app.app_context():
        stored = db.session.scalars(
            select(Decision.offering).where(Decision.assessment_id == assessment_id)
        ).all()
    assert stored == ["kunskapslyft"]  # the second click's choice, in the one decision
