"""Workshops: join by code, rejoin, profile once, live counts, team view, reveal, close, export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from statistics import fmean
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from questionnaire.model import DONT_KNOW
from questionnaire.scoring import round_half_up
from tests.helpers import (
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    make_app,
    participant,
    set_profile,
    workshop_form,
)
from web.platform.extensions import db
from web.reporting.export import answer_cell
from web.storage.models import JOIN_CODE_ALPHABET, Answer, Assessment, Workshop, new_join_code
from web.workshops import service as workshops


@pytest.fixture
def advisor(app: Flask) -> FlaskClient:
    return logged_in(app, "anna@example.se")


def single_choice(questionnaire: Any, level: int) -> dict[str, str]:
    """For every single-choice item, the option value at ``level``."""
    return {
        q.id: next(o.value for o in q.options if o.level == level)
        for s in questionnaire.maturity_sections
        for q in s.questions
        if q.type == "single"
    }


def stored(app: Flask, token: str) -> Assessment:
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.token == token)
        ).scalar_one()
        db.session.expunge(assessment)
        return assessment


def team_means(html: str) -> dict[str, int]:
    return {d: int(v) for d, v in re.findall(r'data-team-mean="(\w+)">(\d+)<', html)}


def test_join_codes_are_six_unambiguous_characters() -> None:
    codes = {new_join_code() for _ in range(2000)}
    assert all(len(c) == 6 and set(c) <= set(JOIN_CODE_ALPHABET) for c in codes)
    assert not set("".join(codes)) & set("01OIL")
    assert len(codes) > 1990  # random, not a sequence


def test_presenter_view_shows_code_address_and_qr(advisor: FlaskClient) -> None:
    url, code = create_workshop(advisor)
    page = advisor.get(f"{url}/presentera")
    assert page.status_code == 200
    assert 'id="join-code"' in page.text and f">{code}<" in page.text
    assert "Gå till lyftkollen.test/w och skriv in koden" in page.text
    assert "<svg" in page.text and 'class="qr"' in page.text
    assert f"http://lyftkollen.test/w/{code}" in page.text
    assert re.search(r'<meta name="description" content="[^"]+">', page.text)
    assert '<link rel="icon"' in page.text


def test_the_projector_speaks_the_workshops_language_whatever_the_advisors(
    advisor: FlaskClient,
) -> None:
    url, _ = create_workshop(advisor)  # a Swedish workshop
    advisor.get("/sprak/en")
    for _round in range(2):  # asked twice: no language carries over to the next request
        assert "Go to lyftkollen.test/w" not in advisor.get(f"{url}/presentera").text
        assert "Gå till lyftkollen.test/w" in advisor.get(f"{url}/presentera").text
        own = advisor.get(url).text
        assert '<html lang="en">' in own and "Start the slides" in own


def test_a_participant_joins_by_a_loosely_typed_code_and_skips_the_profile(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    _, code = create_workshop(advisor)
    phone = app.test_client()
    page = phone.get("/w")
    typed = code[:3].lower() + " " + code[3:].lower()
    entered = phone.post("/w", data={"csrf_token": csrf_token(page.text), "code": typed})
    assert entered.status_code == 302 and entered.location == f"/w/{code}"
    person = Survey(phone, questionnaire)
    token = person.join(code, name="Karin", role="VD")
    first = phone.get(f"/a/{token}", follow_redirects=True)
    assert first.request.path == f"/a/{token}/steg/2"
    assert "Steg 1 av 10" in first.text
    assert phone.get(f"/a/{token}/steg/1").location == f"/a/{token}/steg/2"
    kept = stored(app, token)
    assert (kept.participant_name, kept.participant_role) == ("Karin", "VD")


def test_a_wrong_code_says_so_and_guessing_is_limited(app: Flask, advisor: FlaskClient) -> None:
    app.config["JOIN_CODE_RATE_LIMIT"] = "3 per minute"
    create_workshop(advisor)
    phone = app.test_client()
    page = phone.get("/w")
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
        response = phone.post("/w", data={"csrf_token": csrf_token(page.text), "code": guess})
        assert response.status_code == 404
        assert f"Ingen workshop har koden ”{guess}”" in response.text
    blocked = phone.post("/w", data={"csrf_token": csrf_token(page.text), "code": "DDDDDD"})
    assert blocked.status_code == 429 and "För många försök" in blocked.text


def test_rejoining_from_the_same_device_keeps_the_answers(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    _, code = create_workshop(advisor)
    person = participant(app, questionnaire, code)
    page_two = person.answers_at_level(3)[2]
    assert person.post(2, page_two).status_code == 302
    back = person.client.get(f"/w/{code}", follow_redirects=True)  # connection lost, code again
    assert back.request.path == f"/a/{person.token}/steg/3"
    answers = stored(app, person.token)
    with app.app_context():
        count = db.session.scalar(
            select(func.count(Answer.id)).join(Assessment).where(Assessment.token == person.token)
        )
    assert count == len(page_two) and answers.workshop_id is not None
    other_phone = app.test_client().get(f"/w/{code}")
    assert other_phone.status_code == 200 and "Börja svara" in other_phone.text


def test_team_result_means_spread_disagreement_and_path(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    first_item = next(iter(single_choice(questionnaire, 0)))
    low, high = single_choice(questionnaire, 0), single_choice(questionnaire, 4)
    people = []
    for level, change in ((1, low), (2, {}), (3, high)):
        person = participant(app, questionnaire, code, name=f"Deltagare {level}")
        changes = {first_item: change[first_item]} if change else {}
        person.answer_maturity_pages(level, changes)
        people.append(person)
    page = advisor.get(url)
    assert "Enter the company" not in page.text
    assert "Fyll i företagets profil för att se teamets väg" in page.text
    scores = [stored(app, p.token).scores for p in people]
    assert all(s is not None for s in scores)
    means = team_means(page.text)
    for dimension in (d.id for d in questionnaire.dimensions):
        own = [s["dimensions"][dimension]["score"] for s in scores]  # type: ignore[index]
        assert means[dimension] == round_half_up(fmean(own))
        assert f"{min(own)}–{max(own)}" in page.text
    disagreements = re.findall(r'data-question="(\w+)"', page.text)
    assert disagreements[0] == first_item  # answered 0, 2 and 4: furthest apart
    assert "Baserat på 3 deltagare som svarat klart" in page.text

    assert set_profile(advisor, url).status_code == 302
    with_path = advisor.get(url)
    assert "Nästa steg" in with_path.text
    # The participants' own results now carry a path too, from the same profile.
    assert all(stored(app, p.token).recommendation is not None for p in people)


def test_participants_see_their_result_only_when_revealed(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor, reveal="on_reveal")
    person = participant(app, questionnaire, code)
    finished = person.answer_maturity_pages(2)
    waiting = person.client.get(finished.location)
    assert "Tack – era svar är sparade" in waiting.text and "Totalt" not in waiting.text
    main = re.sub(r"<[^>]+>", " ", waiting.text.split("<main", 1)[1].split("</main>", 1)[0])
    du = set(re.findall(r"\w+", main.lower())) & {"du", "dig", "din", "dina", "ditt"}
    assert not du  # the page says ni, as the whole service does
    assert "Visa resultatet" not in main  # a button that could not show it yet
    assert "Resultaten visas inte än." in main and "Titta igen" in main  # look again by hand
    status_url = f"/w/deltagare/{person.token}/status"
    assert person.client.get(status_url).json == {"visible": False, "open": True}

    page = advisor.get(url)
    asked = advisor.post(f"{url}/visa", data={"csrf_token": csrf_token(page.text), "show": "1"})
    assert asked.status_code == 200 and "Visa deltagarna deras resultat?" in asked.text
    assert person.client.get(status_url).json["visible"] is False  # not before a yes
    confirm = {"csrf_token": csrf_token(asked.text), "show": "1", "confirmed": "1"}
    assert advisor.post(f"{url}/visa", data=confirm).status_code == 302
    assert person.client.get(status_url).json["visible"] is True
    shown = person.client.get(finished.location)
    assert "Ert resultat" in shown.text and "Totalt" in shown.text

    advisor.post(f"{url}/visa", data={"csrf_token": csrf_token(page.text), "show": "0"})
    assert "Tack – era svar är sparade" in person.client.get(finished.location).text


def test_a_closed_workshop_refuses_new_participants_and_changed_answers(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    person = participant(app, questionnaire, code)
    page_two = person.answers_at_level(1)[2]
    person.post(2, page_two)
    page = advisor.get(url)
    closed = advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    assert closed.status_code == 302

    late = app.test_client().get(f"/w/{code}")
    assert late.status_code == 410 and "Workshoppen är avslutad" in late.text

    form = person.client.get(person.url(2))
    assert "men de kan inte längre ändras" in form.text
    changed = dict(page_two, csrf_token=csrf_token(form.text), action="next")
    question = next(iter(page_two))
    changed[question] = person.answers_at_level(4)[2][question]
    refused = person.client.post(person.url(2), data=changed, follow_redirects=True)
    assert "svar kan inte längre ändras" in refused.text
    autosave = person.client.post(person.url(2), data={**changed, "action": "autosave"})
    assert autosave.status_code == 409 and autosave.json == {"error": "workshop_closed"}
    assert stored(app, person.token).workshop_id is not None
    with app.app_context():
        value = db.session.scalar(
            select(Answer.value)
            .join(Assessment)
            .where(Assessment.token == person.token, Answer.question_id == question)
        )
    assert value == page_two[question]  # the answer given before closing stands

    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "1"})
    assert app.test_client().get(f"/w/{code}").status_code == 200


@pytest.mark.parametrize("deleted", ["workshop", "company"])
def test_a_join_as_the_workshop_is_deleted_says_there_is_no_such_workshop(
    app: Flask, advisor: FlaskClient, monkeypatch: pytest.MonkeyPatch, deleted: str
) -> None:
    """The advisor deletes the workshop (or its company) after the join read it and
    before it stored the participant: the person is told the code leads nowhere, as for
    a code that never existed, and nothing is stored (it was a 500 on PostgreSQL)."""
    url, code = create_workshop(advisor)
    if deleted == "workshop":
        delete_url = f"{url}/radera"
    else:
        company = re.search(r'href="(/radgivare/foretag/[\w-]+)"', advisor.get(url).text)
        assert company
        delete_url = f"{company.group(1)}/radera"
    confirm = csrf_token(advisor.get(delete_url).text)
    phone = app.test_client()
    form = csrf_token(phone.get(f"/w/{code}").text)

    join = workshops.join

    def deleted_meanwhile(*args: Any, **kwargs: Any) -> Any:
        with app.app_context():  # the advisor's request: its own session and connection
            gone = advisor.post(delete_url, data={"csrf_token": confirm})
        assert gone.status_code == 302
        return join(*args, **kwargs)

    monkeypatch.setattr(workshops, "join", deleted_meanwhile)
    late = phone.post(f"/w/{code}", data={"csrf_token": form, "name": "Karin"})
    assert late.status_code == 404, late.text
    assert f"Ingen workshop har koden ”{code}”" in late.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Assessment.id))) == 0
        assert db.session.scalar(select(func.count(Workshop.id))) == 0


def test_live_counts_answer_304_until_something_changes(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    empty = advisor.get(f"{url}/status")
    assert empty.json == {
        "joined": 0,
        "in_progress": 0,
        "completed": 0,
        "team_version": empty.json["team_version"],
    }
    etag = empty.headers["ETag"]
    assert advisor.get(f"{url}/status", headers={"If-None-Match": etag}).status_code == 304

    person = participant(app, questionnaire, code)
    joined = advisor.get(f"{url}/status", headers={"If-None-Match": etag})
    assert joined.status_code == 200 and joined.json["joined"] == 1
    assert joined.json["team_version"] == empty.json["team_version"]  # nobody finished yet

    person.answer_maturity_pages(2)
    done = advisor.get(f"{url}/status")
    assert (done.json["in_progress"], done.json["completed"]) == (0, 1)
    assert done.json["team_version"] != joined.json["team_version"]
    fragment = advisor.get(f"{url}/team")
    assert "Baserat på 1 deltagare som svarat klart" in fragment.text


@pytest.fixture
def elsewhere(database_url: str) -> Iterator[Flask]:
    """Another process of the same site on the same database."""
    other = make_app(database_url)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_team_view_follows_a_changed_answer_sent_to_another_process(
    app: Flask, questionnaire: Any, advisor: FlaskClient, elsewhere: Flask
) -> None:
    """The team view follows the answers: a finished participant whose change reaches
    another server process is seen."""
    url, code = create_workshop(advisor)
    steady = participant(elsewhere, questionnaire, code)
    steady.answer_maturity_pages(2)
    changing = participant(elsewhere, questionnaire, code)
    changing.answer_maturity_pages(1)

    def shown() -> tuple[dict[str, int], dict[str, int]]:
        fragment = advisor.get(f"{url}/team").text
        projector = advisor.get(f"{url}/presentera/bilder").text  # every slide
        return team_means(fragment), team_means(projector)

    def means() -> dict[str, int]:
        scores = [stored(app, p.token).scores for p in (steady, changing)]
        return {
            d.id: round_half_up(fmean(s["dimensions"][d.id]["score"] for s in scores))  # type: ignore[index]
            for d in questionnaire.dimensions
        }

    before = means()
    assert shown() == (before, before)
    assert shown() == (before, before)  # asked again, nothing changed
    changing.answer_maturity_pages(4)  # changes every answer after seeing the result
    after = means()
    assert after != before
    assert shown() == (after, after)


def _expected_row(questionnaire: Any, assessment: Assessment, language: str) -> list[Any]:
    answers = {a.question_id: a.value for a in assessment.answers}
    items = [q for s in questionnaire.maturity_sections for q in s.questions]
    row = [answer_cell(q, answers.get(q.id), language) for q in items]
    if assessment.scores:
        row += [assessment.scores["dimensions"][d.id]["score"] for d in questionnaire.dimensions]
        row += [assessment.scores["areas"][a.id] for a in questionnaire.areas]
        row += [assessment.scores["overall"]]
    else:
        row += [None] * (len(questionnaire.dimensions) + len(questionnaire.areas) + 1)
    return row


def test_exports_hold_every_answer_and_score_cell_by_cell(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor, language="en")
    done = participant(app, questionnaire, code, name="=HYPERLINK(evil)")
    done.answer_maturity_pages(3)
    running = participant(app, questionnaire, code, name="Per")
    running.post(2, running.answers_at_level(1)[2])  # still answering

    items = [q for s in questionnaire.maturity_sections for q in s.questions]
    header = [
        "Name", "Role", "Status", "Joined", "Finished",
        *(f"{q.text.get('en')} [{q.id}]" for q in items),
        *(f"{d.name.get('en')} [score_{d.id}]" for d in questionnaire.dimensions),
        *(f"{a.name.get('en')} [index_{a.id}]" for a in questionnaire.areas),
        "Overall [index_overall]",
    ]  # fmt: skip
    assert len(set(header)) == len(header)  # change capability: a dimension and an area
    with app.app_context():
        people = [
            db.session.execute(select(Assessment).where(Assessment.token == p.token)).scalar_one()
            for p in (done, running)
        ]
        expected = [_expected_row(questionnaire, a, "en") for a in people]

    response = advisor.get(f"{url}/export.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0] == header
    assert table[1][:3] == ["'=HYPERLINK(evil)", "", "finished"]  # defused, not a formula
    assert table[2][:3] == ["Per", "", "answering"] and table[2][4] == ""
    for row, want in zip(table[1:], expected, strict=True):
        assert row[5:] == ["" if v is None else str(v) for v in want]

    workbook = load_workbook(io.BytesIO(advisor.get(f"{url}/export.xlsx").data))
    sheet = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert sheet[0] == header
    assert sheet[1][0] == "=HYPERLINK(evil)"  # shown as typed, but as text:
    assert workbook.active["A2"].data_type == "s"
    for row, want in zip(sheet[1:], expected, strict=True):
        assert row[5:] == want
    # A "don't know" on a number reads as words, not as an internal code.
    number = next(q for q in items if q.type == "number")
    assert expected[0][items.index(number)] == number.dont_know.label.get("en")
    assert DONT_KNOW not in table[1]


def test_a_name_with_a_noncharacter_leaves_the_excel_export_readable(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    # U+FFFF reaches the form like any character, but XML cannot hold it: openpyxl wrote
    # it anyway, and Excel then offered to "repair" the file and dropped what it held.
    url, code = create_workshop(advisor)
    participant(app, questionnaire, code, name="Anna\uffff\ufffe Berg")
    workbook = load_workbook(io.BytesIO(advisor.get(f"{url}/export.xlsx").data))
    names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Anna Berg"]


def test_printable_report_has_chart_disagreements_and_path(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    for level in (1, 3):
        participant(app, questionnaire, code).answer_maturity_pages(level)
    report = advisor.get(f"{url}/rapport")
    assert report.status_code == 200
    assert "Teamrapport: Verkstaden i Gnosjö AB" in report.text
    assert 'class="radar"' in report.text and 'class="disagreement"' in report.text
    assert "Nästa steg" in report.text
    # Two people could tell whose thin line is whose: none is drawn until five.
    assert "other-outline" not in report.text
    assert "ritas först när 5 deltagare har svarat klart" in report.text
    for level in (1, 2, 3):
        participant(app, questionnaire, code).answer_maturity_pages(level)
    assert advisor.get(f"{url}/rapport").text.count('class="other-outline"') == 5


def test_workshop_participants_are_not_in_the_public_api(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    _, code = create_workshop(advisor)
    person = participant(app, questionnaire, code)
    person.answer_maturity_pages(2)
    response = app.test_client().get(f"/api/v1/assessments/{person.token}")
    assert response.status_code == 404 and response.json["field"] == "id"


def test_an_advisor_lists_only_their_own_workshops_and_an_admin_all(
    app: Flask, advisor: FlaskClient
) -> None:
    create_workshop(advisor, title="Annas workshop")
    other = logged_in(app, "bertil@example.se")
    create_workshop(other, title="Bertils workshop", new_company="Bertils Bruk AB")
    assert "Bertils workshop" not in advisor.get("/radgivare/").text
    assert "Bertils Bruk AB" not in advisor.get("/radgivare/foretag").text
    admin = logged_in(app, "chef@example.se", role="admin")
    listing = admin.get("/radgivare/").text
    assert "Annas workshop" in listing and "Bertils workshop" in listing


def test_a_second_workshop_starts_from_the_companys_last_profile(
    app: Flask, advisor: FlaskClient
) -> None:
    url, _ = create_workshop(advisor)
    set_profile(advisor, url)
    with app.app_context():
        company = db.session.execute(select(Workshop)).scalar_one().company.public_id
    create_workshop(advisor, company=company, title="Ett år senare", held_on="2027-11-20")
    with app.app_context():
        later = db.session.execute(
            select(Workshop).where(Workshop.title == "Ett år senare")
        ).scalar_one()
        assert later.profile["employees"] == 45 and later.company.public_id == company


def test_control_characters_in_names_are_dropped_not_a_crash(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor, title="Lednings\x00gruppen")
    person = Survey(app.test_client(), questionnaire)
    token = person.join(code, name="Ka\x00rin\x01", role="V\x1bD")
    kept = stored(app, token)
    assert (kept.participant_name, kept.participant_role) == ("Karin", "VD")
    assert advisor.get(f"{url}/export.xlsx").status_code == 200
    assert "Ledningsgruppen" in advisor.get(url).text
    assert app.test_client().get("/w/deltagare/%00/status").status_code == 404
    assert app.test_client().get("/a/%00").status_code == 404


def test_a_link_that_is_no_url_gets_a_message(app: Flask, advisor: FlaskClient) -> None:
    page = advisor.get("/radgivare/foretag")
    created = advisor.post(
        "/radgivare/foretag", data={"csrf_token": csrf_token(page.text), "name": "Bruket AB"}
    )
    company = created.location
    response = advisor.post(
        f"{company}/koppla", data={"csrf_token": csrf_token(page.text), "link": "http://[::1"}
    )
    assert response.status_code == 422
    assert "Ingen självskattning har den länken" in response.text


def test_an_answer_racing_the_close_is_refused(
    app: Flask, questionnaire: Any, advisor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The close lands between the first check and the write: the write must see it."""
    url, code = create_workshop(advisor)
    person = participant(app, questionnaire, code)
    form = person.client.get(person.url(2))
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    from web.assessments import service as assessments

    monkeypatch.setattr(assessments, "accepts_answers", lambda assessment: True)
    data = {**person.answers_at_level(2)[2], "csrf_token": csrf_token(form.text)}
    response = person.client.post(person.url(2), data={**data, "action": "autosave"})
    assert response.status_code == 409
    with app.app_context():
        count = db.session.scalar(
            select(func.count(Answer.id)).join(Assessment).where(Assessment.token == person.token)
        )
    assert count == 0


def test_a_participant_who_finished_before_the_profile_gets_the_path_on_the_result(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    person = participant(app, questionnaire, code)
    finished = person.answer_maturity_pages(2)
    set_profile(advisor, url)
    with app.app_context():  # as if the profile had been saved while this person finished
        row = db.session.execute(
            select(Assessment).where(Assessment.token == person.token)
        ).scalar_one()
        row.profile, row.recommendation = {}, None
        db.session.commit()
    page = person.client.get(finished.location)
    assert "Ert nästa steg" in page.text
    assert stored(app, person.token).recommendation is not None


def _try_to_join(app: Flask, code: str, language: str) -> Any:
    phone = app.test_client()
    phone.get(f"/sprak/{language}")
    page = phone.get(f"/w/{code}")
    return phone.post(f"/w/{code}", data={"csrf_token": csrf_token(page.text), "name": "Sist"})


def test_a_full_workshop_says_so_in_the_singular_and_points_to_whoever_runs_it(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    app.config["WORKSHOP_MAX_PARTICIPANTS"] = 1
    _, code = create_workshop(advisor)
    participant(app, questionnaire, code, name="Först")
    full = _try_to_join(app, code, "sv")
    assert full.status_code == 409
    assert (
        "har redan 1 deltagare, det högsta antalet deltagare som en workshop kan ha, så du "
        "kan inte ansluta." in full.text
    )
    assert "Fråga den som leder workshoppen hur du kan delta i stället." in full.text
    assert "rådgivare" not in full.text and "ta emot" not in full.text
    english = _try_to_join(app, code, "en")
    assert "already has 1 participant, the most one workshop can take" in english.text
    assert "Ask the person running the workshop how you can take part instead." in english.text
    assert "advisor" not in english.text


def test_a_full_workshop_writes_its_limit_as_a_number_in_the_reader_s_language(
    app: Flask, advisor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.workshops import service as workshops

    app.config["WORKSHOP_MAX_PARTICIPANTS"] = 1500
    _, code = create_workshop(advisor)
    monkeypatch.setattr(workshops, "join", lambda *args: None)  # as if 1500 had joined
    assert "har redan 1\xa0500 deltagare" in _try_to_join(app, code, "sv").text
    assert "already has 1,500 participants" in _try_to_join(app, code, "en").text


def test_a_workshop_for_a_new_company_without_a_name_is_refused(advisor: FlaskClient) -> None:
    page = advisor.get("/radgivare/workshop/ny")
    refused = advisor.post(
        "/radgivare/workshop/ny", data=workshop_form(page.text, new_company="   ")
    )
    assert refused.status_code in (200, 422) and "Location" not in refused.headers
    summary = re.search(r'<div class="error-summary".*?</div>', refused.text, re.S)
    assert summary, "no error summary"
    assert 'href="#new_company"' in summary.group(0)
    assert "Skriv det nya företagets namn." in summary.group(0)
    assert 'id="new_company-error"' in refused.text
    companies = advisor.get("/radgivare/foretag")
    assert 'href="/radgivare/foretag/' not in companies.text  # none was made


def test_an_empty_workshop_form_lists_every_problem(advisor: FlaskClient) -> None:
    page = advisor.get("/radgivare/workshop/ny")
    refused = advisor.post(
        "/radgivare/workshop/ny", data={"csrf_token": csrf_token(page.text), "company": "new"}
    )
    summary = re.search(r'<div class="error-summary".*?</div>', refused.text, re.S)
    assert summary
    links = re.findall(r'<a href="#(\w+)">', summary.group(0))
    assert {"new_company", "title"} <= set(links)


def test_the_excel_csv_opens_as_columns_in_swedish_excel(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    """Semicolons between columns, decimal commas, a byte-order mark; the same cells as
    the comma-separated file, which stays where it was for analysts."""
    url, code = create_workshop(advisor)
    person = participant(app, questionnaire, code, name="Åsa Öberg")
    person.answer_maturity_pages(2)
    economic = next(n for n, s in enumerate(questionnaire.sections, 1) if s.id == "economic")
    page = person.answers_at_level(2)[economic]
    page = {k: v for k, v in page.items() if v != "dont_know_box"}
    assert person.post(economic, page | {"economic_margin": "-3,5"}).status_code == 302

    excel = advisor.get(f"{url}/export-excel.csv")
    assert excel.status_code == 200 and "attachment" in excel.headers["Content-Disposition"]
    assert excel.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    table = list(csv.reader(io.StringIO(excel.data.decode("utf-8-sig")), delimiter=";"))
    header = table[0]
    assert len(header) == len(set(header)) > 40  # unique column names
    assert all(len(row) == len(header) for row in table)
    assert "Åsa Öberg" in table[1]
    margin = next(i for i, h in enumerate(header) if h.endswith("[economic_margin]"))
    assert table[1][margin] == "-3,5"  # a decimal comma, and a number, not defused text

    plain = advisor.get(f"{url}/export.csv")
    rows = list(csv.reader(io.StringIO(plain.data.decode("utf-8-sig"))))
    assert rows[0] == header and rows[1][margin] == "-3.5"
    assert [r[:margin] for r in rows] == [r[:margin] for r in table]


def test_the_profile_can_be_given_when_the_workshop_is_created(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    """With size and industry given at creation, the team's path shows as soon as the
    first participant has finished, without a visit to the profile page."""
    page = advisor.get("/radgivare/workshop/ny")
    wrong = advisor.post(
        "/radgivare/workshop/ny", data=workshop_form(page.text, employees="många", sni="25")
    )
    assert wrong.status_code == 422 and 'id="employees-error"' in wrong.text
    assert 'href="#employees"' in wrong.text  # in the summary, as a link to the field
    only_industry = advisor.post(
        "/radgivare/workshop/ny", data=workshop_form(page.text, employees="", sni="25")
    )
    assert only_industry.status_code == 422 and 'id="employees-error"' in only_industry.text
    assert "Ange antalet anställda också" in only_industry.text

    url, code = create_workshop(advisor, employees="45", sni="25")
    participant(app, questionnaire, code).answer_maturity_pages(2)
    view = advisor.get(url).text
    assert "Företagets profil saknas" not in view
    assert "Nästa steg" in view  # the team's path


def test_a_workshop_without_a_profile_given_asks_for_it(advisor: FlaskClient) -> None:
    url, _ = create_workshop(advisor, employees="", sni="")
    assert "Företagets profil saknas" in advisor.get(url).text


def test_a_new_company_named_only_by_invisible_characters_is_refused(
    advisor: FlaskClient,
) -> None:
    page = advisor.get("/radgivare/workshop/ny")
    for invisible in ("\u200b", "\u202e\u200d", "\ufeff "):
        refused = advisor.post(
            "/radgivare/workshop/ny", data=workshop_form(page.text, new_company=invisible)
        )
        assert refused.status_code == 422 and 'id="new_company-error"' in refused.text


def test_showing_results_is_asked_only_where_they_wait_for_it(advisor: FlaskClient) -> None:
    """A workshop whose participants see their results as they finish has nothing to
    reveal: the confirmation is not offered."""
    url, _ = create_workshop(advisor)  # reveal="immediate"
    assert advisor.get(f"{url}/visa").location.endswith(url)
    waiting_url, _ = create_workshop(advisor, reveal="on_reveal")
    assert "Visa deltagarna deras resultat?" in advisor.get(f"{waiting_url}/visa").text


def test_the_join_page_says_a_finished_name_may_be_shown_on_the_screen(
    app: Flask, advisor: FlaskClient
) -> None:
    _, code = create_workshop(advisor)
    join = app.test_client().get(f"/w/{code}").text
    assert "Bara rådgivaren ser ditt namn" not in join
    assert "kan ditt namn (inte din roll) visas på skärmen" in join
    privacy = app.test_client().get("/integritet").text
    assert "i ett team på upp till 30" in privacy


def test_a_whole_number_field_asks_for_a_whole_number(advisor: FlaskClient) -> None:
    """The number of employees takes no "3,5": its message does not offer one."""
    page = advisor.get("/radgivare/workshop/ny")
    wrong = advisor.post(
        "/radgivare/workshop/ny", data=workshop_form(page.text, employees="många", sni="25")
    )
    assert "Skriv ett heltal, till exempel 12." in wrong.text
    assert "3,5" not in wrong.text


def test_a_csv_says_its_charset_once(advisor: FlaskClient) -> None:
    url, _ = create_workshop(advisor)
    for path in (f"{url}/export.csv", f"{url}/export-excel.csv", "/radgivare/statistik.csv"):
        assert advisor.get(path).headers["Content-Type"] == "text/csv; charset=utf-8", path
