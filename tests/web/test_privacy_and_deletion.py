"""Personal data: the privacy page, deleting an assessment or a workshop, purging old ones."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tests.helpers import (
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    participant,
    set_profile,
)
from web.assessments import answering
from web.assessments import service as assessments
from web.platform.extensions import db
from web.reporting import overview
from web.storage.models import (
    Answer,
    Assessment,
    Company,
    Decision,
    ResultSummary,
    User,
    Workshop,
    utcnow,
)
from web.storage.retention import UNFINISHED_KEPT_DAYS

PROFILE = {"employees": "45", "sni": "25", "region": "06"}


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def assessment_id(app: Flask, token: str) -> int:
    with app.app_context():
        return db.session.execute(
            select(Assessment.id).where(Assessment.token == token)
        ).scalar_one()


def answers_of(app: Flask, ident: int) -> int:
    return count(app, Answer, Answer.assessment_id == ident)


@pytest.fixture
def advisor(app: Flask) -> FlaskClient:
    return logged_in(app, "anna@example.se")


# ---------------------------------------------------------------- the privacy page


def test_privacy_page_in_swedish_renders_and_is_linked_from_every_page(
    client: FlaskClient,
) -> None:
    page = client.get("/integritet")
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert page.text.count("<h1") == 1
    assert 'href="/integritet"' in client.get("/").text
    # Company names are stored, and the page says so (it once said no names were).
    assert "Namnen på de företag som rådgivarna arbetar med" in page.text
    assert "inga e-postadresser, telefonnummer eller postadresser" in page.text
    assert "Rådgivaren kan ta bort ett företag med allt som sparats om det" in page.text
    # The interface says "ta bort" for deleting; the page once said "radera" too.
    assert "radera" not in page.text.lower()
    # Who sees a company's name: its workshops' join page shows it to every participant.
    assert "de som ansluter till en av företagets workshoppar ser namnet" in page.text
    assert "Bara den rådgivaren" not in page.text
    # An advisor's logins are stored (advisor_sessions), and for how long.
    assert "Medan en rådgivare är inloggad sparas också inloggningen" in page.text
    assert "(30 minuter utan aktivitet eller 12 timmar efter inloggningen)" in page.text
    assert "inloggning upphör efter 30 minuter utan aktivitet eller 12 timmar." in page.text
    # No command deletes an advisor's account: it is deactivated and keeps its address.
    assert "tills organisationen som driver tjänsten inaktiverar dem" in page.text
    assert "Har företaget delat länken med en rådgivare tas de också bort" in page.text
    assert "Ingen rad sticker ut" not in page.text
    assert "om det besvarades på webben eller i en workshop" in page.text
    assert "webb eller workshop, antal svarande, storleksklass" in page.text


def test_privacy_page_in_english_says_what_is_kept_and_for_how_long(client: FlaskClient) -> None:
    client.get("/sprak/en")
    page = client.get("/integritet")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    assert "Privacy: what we store and why" in page.text
    assert "We store no contact details" in page.text
    assert "The names of the companies that advisors work with" in page.text
    assert "The advisor can delete a company with everything stored about it" in page.text
    assert "The advisor can remove one participant" in page.text
    assert "is shared by at least 5 rows" in page.text
    assert "No row stands out" not in page.text
    assert "To make single companies hard to recognise, facts are left out" in page.text
    assert "Only that advisor and the service’s administrators see it." not in page.text
    assert "and the people who join one of its workshops see it." in page.text
    assert "no e-mail addresses, phone numbers or postal addresses" in page.text
    assert "when the account was created and when the advisor last logged in" in page.text
    assert "(30 minutes unused or 12 hours after logging in)" in page.text
    assert "an advisor’s login ends after 30 minutes without use or 12 hours." in page.text
    assert "removes them" not in page.text
    assert "deactivates them; a deactivated account keeps its e-mail address." in page.text
    assert "We store no IP addresses with anything you give us" in page.text
    assert (
        "Unfinished assessments are removed automatically once they have not been changed "
        f"for {UNFINISHED_KEPT_DAYS} days." in page.text
    )
    assert "Finished assessments are kept until the company deletes them" in page.text
    assert "Anyone who has your private link can see" in page.text


def test_privacy_page_gives_the_configured_login_limits_as_numbers(
    app: Flask, client: FlaskClient
) -> None:
    # The settings are floats from the environment (config._positive): the page must say
    # "45", not "45.0", and a fraction the Swedish way.
    app.config.update(ADVISOR_IDLE_MINUTES=45.0, ADVISOR_SESSION_HOURS=1.5)
    page = client.get("/integritet").text
    assert "(45 minuter utan aktivitet eller 1,5 timmar efter inloggningen)" in page
    assert "45.0" not in page
    client.get("/sprak/en")
    page = client.get("/integritet").text
    assert "(45 minutes unused or 1.5 hours after logging in)" in page


# ---------------------------------------------------------------- deleting an assessment


def test_a_company_deletes_its_assessment_and_every_answer(
    app: Flask, survey: Survey, questionnaire: Any
) -> None:
    other = Survey(app.test_client(), questionnaire)
    other.complete(PROFILE)
    survey.complete(PROFILE)
    token = survey.token
    ident = assessment_id(app, token)
    assert answers_of(app, ident) > 0
    kept_answers = answers_of(app, assessment_id(app, other.token))

    result = survey.client.get(f"/a/{token}/resultat")
    assert f'href="/a/{token}/radera"' in result.text
    assert f'href="/a/{token}/radera"' in survey.client.get(survey.url(3)).text
    confirm = survey.client.get(f"/a/{token}/radera")
    assert confirm.status_code == 200
    assert f'action="/a/{token}/radera"' in confirm.text
    assert confirm.headers["Cache-Control"] == "no-store"

    response = survey.client.post(
        f"/a/{token}/radera", data={"csrf_token": csrf_token(confirm.text)}
    )
    assert response.status_code == 302 and response.location == "/"
    home = survey.client.get("/")
    assert home.status_code == 200 and 'role="status"' in home.text

    assert count(app, Assessment, Assessment.id == ident) == 0
    assert answers_of(app, ident) == 0
    assert count(app, Answer) == kept_answers  # only the other company's answers are left
    for path in ("", "/resultat", "/steg/2", "/radera"):
        assert survey.client.get(f"/a/{token}{path}").status_code == 404
    again = survey.client.post(f"/a/{token}/radera", data={"csrf_token": csrf_token(home.text)})
    assert again.status_code == 404


def test_deleting_in_english_says_it_cannot_be_undone(survey: Survey) -> None:
    survey.client.get("/sprak/en")
    survey.complete(PROFILE)
    confirm = survey.client.get(f"/a/{survey.token}/radera")
    assert "Delete your answers?" in confirm.text and "This cannot be undone." in confirm.text
    survey.client.post(f"/a/{survey.token}/radera", data={"csrf_token": csrf_token(confirm.text)})
    assert "Your answers are deleted." in survey.client.get("/").text


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_deleting_without_the_right_csrf_token_is_refused(
    app: Flask, survey: Survey, token: str | None
) -> None:
    survey.complete(PROFILE)
    ident = assessment_id(app, survey.token)
    answers = answers_of(app, ident)
    data = {} if token is None else {"csrf_token": token}
    response = survey.client.post(f"/a/{survey.token}/radera", data=data)
    assert response.status_code == 400
    assert count(app, Assessment, Assessment.id == ident) == 1
    assert answers_of(app, ident) == answers
    other_client = app.test_client()  # a valid token of another session does not do either
    stranger = other_client.get("/")
    foreign = survey.client.post(
        f"/a/{survey.token}/radera", data={"csrf_token": csrf_token(stranger.text)}
    )
    assert foreign.status_code == 400 and answers_of(app, ident) == answers


def test_unknown_and_malformed_tokens_are_404(client: FlaskClient) -> None:
    page = client.get("/")
    for token in ("AAAAAAAAAAAAAAAAAAAAAA", "x" * 200, "%00", "ä"):
        assert client.get(f"/a/{token}/radera").status_code == 404
        data = {"csrf_token": csrf_token(page.text)}
        assert client.post(f"/a/{token}/radera", data=data).status_code == 404


@pytest.mark.parametrize("number", [1, 2], ids=["profile page", "answers page"])
def test_an_assessment_deleted_while_a_page_is_saved_answers_404(
    app: Flask, survey: Survey, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    survey.start()
    assert survey.post(1, PROFILE).status_code == 302
    ident = assessment_id(app, survey.token)
    original = answering._keep

    def deleted_first(assessment: Assessment, section: Any, values: Any) -> None:
        # Another tab deletes the assessment between reading it and saving the page.
        with db.engine.connect() as other:
            other.execute(Assessment.__table__.delete().where(Assessment.id == ident))
            other.commit()
        original(assessment, section, values)

    page = survey.client.get(survey.url(number))
    monkeypatch.setattr(answering, "_keep", deleted_first)
    answers = PROFILE if number == 1 else survey.answers_at_level(2)[2]
    data = {"csrf_token": csrf_token(page.text), "action": "next", **answers}
    assert survey.client.post(survey.url(number), data=data).status_code == 404
    assert answers_of(app, ident) == 0


def test_a_participant_deletes_their_answers_while_the_workshop_is_open(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    leaving = participant(app, questionnaire, code, name="Karin")
    staying = participant(app, questionnaire, code, name="Per")
    leaving.answer_maturity_pages(2)
    staying.answer_maturity_pages(3)
    ident = assessment_id(app, leaving.token)
    leaving.client.get("/sprak/en")
    confirm = leaving.client.get(f"/a/{leaving.token}/radera")
    assert confirm.status_code == 200
    assert "also removed from the workshop and its team result" in confirm.text
    response = leaving.client.post(
        f"/a/{leaving.token}/radera", data={"csrf_token": csrf_token(confirm.text)}
    )
    assert response.status_code == 302
    assert count(app, Assessment, Assessment.id == ident) == 0 and answers_of(app, ident) == 0
    assert answers_of(app, assessment_id(app, staying.token)) > 0
    assert "Karin" not in advisor.get(url).text and "Per" in advisor.get(url).text
    rejoin = leaving.client.get(f"/w/{code}")  # the same phone may join afresh
    assert rejoin.status_code == 200


def test_after_the_workshop_closes_only_the_advisor_deletes_the_answers(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    person = participant(app, questionnaire, code)
    person.answer_maturity_pages(2)
    ident = assessment_id(app, person.token)
    answers = answers_of(app, ident)
    confirm = person.client.get(f"/a/{person.token}/radera")  # opened before the close
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})

    person.client.get("/sprak/en")
    explained = person.client.get(f"/a/{person.token}/radera")
    assert explained.status_code == 200
    assert "This workshop is closed" in explained.text
    assert 'method="post"' not in explained.text
    result = person.client.get(f"/a/{person.token}/resultat")
    assert f"/a/{person.token}/radera" not in result.text
    refused = person.client.post(
        f"/a/{person.token}/radera", data={"csrf_token": csrf_token(confirm.text)}
    )
    assert refused.status_code == 409
    assert count(app, Assessment, Assessment.id == ident) == 1
    assert answers_of(app, ident) == answers


# ---------------------------------------------------------------- deleting a workshop


def test_an_advisor_deletes_a_workshop_its_participants_and_their_answers(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    other_url, other_code = create_workshop(advisor, title="Andra gruppen")
    people = [participant(app, questionnaire, code, name=f"P{n}") for n in range(3)]
    people[0].answer_maturity_pages(2)
    people[1].answer_maturity_pages(3)
    assert people[2].post(2, people[2].answers_at_level(1)[2]).status_code == 302
    kept = participant(app, questionnaire, other_code)
    kept.answer_maturity_pages(2)
    idents = [assessment_id(app, p.token) for p in people]
    public_id = url.rsplit("/", 1)[1]
    kept_answers = answers_of(app, assessment_id(app, kept.token))
    assert sum(answers_of(app, i) for i in idents) > 0
    with app.app_context():  # each workshop's decision, as the advisor recorded it
        advisor_id = db.session.execute(select(User.id)).scalars().first()
        for workshop in db.session.execute(select(Workshop)).scalars():
            db.session.add(
                Decision(workshop_id=workshop.id, offering="iuc", decided_by_id=advisor_id)
            )
        db.session.commit()
        db.session.remove()
    assert count(app, Decision) == 2

    advisor.get("/sprak/en")
    page = advisor.get(url)
    assert "Danger zone" in page.text and f'href="{url}/radera"' in page.text
    confirm = advisor.get(f"{url}/radera")
    assert confirm.status_code == 200 and "3 participants have joined it." in confirm.text
    response = advisor.post(f"{url}/radera", data={"csrf_token": csrf_token(confirm.text)})
    assert response.status_code == 302 and response.location == "/radgivare/"
    home = advisor.get("/radgivare/")
    assert "Ledningsgruppen, start" in home.text  # in the flash message, not in the list
    assert f"/radgivare/workshop/{public_id}" not in home.text

    assert count(app, Workshop, Workshop.public_id == public_id) == 0
    assert count(app, Assessment, Assessment.id.in_(idents)) == 0
    assert count(app, Answer, Answer.assessment_id.in_(idents)) == 0
    assert count(app, Answer) == kept_answers
    assert count(app, Decision) == 1  # the other workshop's
    assert count(app, Workshop) == 1 and count(app, Company) == 2  # companies stay
    assert advisor.get(url).status_code == 404
    assert advisor.get(other_url).status_code == 200
    for person in people:
        assert person.client.get(f"/a/{person.token}").status_code == 404
    assert app.test_client().get(f"/w/{code}").status_code == 404


def test_another_advisor_gets_404_and_deletes_nothing(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    person = participant(app, questionnaire, code)
    person.answer_maturity_pages(2)
    answers = count(app, Answer)
    other = logged_in(app, "bo@example.se")
    own_page = other.get("/radgivare/workshop/ny")
    assert other.get(f"{url}/radera").status_code == 404
    response = other.post(f"{url}/radera", data={"csrf_token": csrf_token(own_page.text)})
    assert response.status_code == 404
    anonymous = app.test_client()
    login_page = anonymous.get("/radgivare/logga-in")
    refused = anonymous.post(f"{url}/radera", data={"csrf_token": csrf_token(login_page.text)})
    assert refused.status_code == 302 and "/radgivare/logga-in" in refused.location
    wrong = advisor.post(f"{url}/radera", data={"csrf_token": "wrong"})
    assert wrong.status_code == 400
    assert count(app, Workshop) == 1 and count(app, Assessment) == 1
    assert count(app, Answer) == answers


def test_an_admin_may_delete_any_workshop(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    participant(app, questionnaire, code).answer_maturity_pages(2)
    admin = logged_in(app, "admin@example.se", role="admin")
    confirm = admin.get(f"{url}/radera")
    assert confirm.status_code == 200
    assert admin.post(f"{url}/radera", data={"csrf_token": csrf_token(confirm.text)}).status_code
    assert count(app, Workshop) == 0 and count(app, Assessment) == 0 and count(app, Answer) == 0


# ---------------------------------------------------------------- removing a participant


def remove_link(page: str, name: str) -> str:
    """The advisor's "Remove …" link next to ``name`` in the list of participants."""
    found = re.search(rf"<li>{name}\b[^<]*<a [^>]*href=\"([^\"]+/ta-bort)\"", page)
    assert found, f"no remove link for {name}"
    return found.group(1)


def team_row(app: Flask) -> tuple[int, int | None] | None:
    """The closed workshop's stored team result: its respondents and strategy score."""
    with app.app_context():
        row = db.session.execute(
            select(ResultSummary.respondents, ResultSummary.strategy).where(
                ResultSummary.workshop_id.is_not(None)
            )
        ).one_or_none()
        return None if row is None else (row[0], row[1])


def test_an_advisor_removes_a_participant_and_their_answers_from_an_open_workshop(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    people = {name: participant(app, questionnaire, code, name=name) for name in ("Karin", "Olle")}
    people["Karin"].answer_maturity_pages(2)
    people["Olle"].answer_maturity_pages(3)
    karin, olle = (assessment_id(app, p.token) for p in people.values())
    olle_answers = answers_of(app, olle)
    assert answers_of(app, karin) > 0

    link = remove_link(advisor.get(url).text, "Karin")
    confirm = advisor.get(link)
    assert confirm.status_code == 200 and "Ta bort Karin ur workshoppen?" in confirm.text
    assert count(app, Assessment, Assessment.id == karin) == 1  # asking removes nothing
    done = advisor.post(link, data={"csrf_token": csrf_token(confirm.text)})
    assert done.status_code == 302 and done.location == url
    page = advisor.get(url).text
    assert "Karin har tagits bort ur workshoppen, med alla sina svar." in page
    assert "Karin" not in page.split("Karin har tagits bort", 1)[1]  # no longer listed

    assert count(app, Assessment, Assessment.id == karin) == 0
    assert answers_of(app, karin) == 0
    assert answers_of(app, olle) == olle_answers
    assert people["Karin"].client.get(f"/a/{people['Karin'].token}").status_code == 404
    assert advisor.get(link).status_code == 404  # gone: the link leads nowhere now


@pytest.mark.parametrize("action", ["next", "autosave"])
def test_answers_sent_as_the_participant_is_removed_get_404(
    app: Flask,
    questionnaire: Any,
    advisor: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    action: str,
) -> None:
    """The advisor removes Karin after her answers were read and before they are
    written: she is told the assessment is gone (404), not a 500, and nothing of hers
    is stored."""
    url, code = create_workshop(advisor)
    karin = participant(app, questionnaire, code, name="Karin")
    link = remove_link(advisor.get(url).text, "Karin")
    confirm = csrf_token(advisor.get(link).text)
    form = karin.client.get(karin.url(2))
    lock = assessments.lock_workshop

    def removed_meanwhile(assessment: Assessment) -> None:
        with app.app_context():  # the advisor's request: its own session and connection
            assert advisor.post(link, data={"csrf_token": confirm}).status_code == 302
        lock(assessment)

    monkeypatch.setattr(assessments, "lock_workshop", removed_meanwhile)
    data = {"csrf_token": csrf_token(form.text), "action": action, **karin.answers_at_level(2)[2]}
    late = karin.client.post(karin.url(2), data=data)
    assert late.status_code == 404, late.text
    assert count(app, Assessment) == 0 and count(app, Answer) == 0


def test_removing_from_a_closed_workshop_recalculates_the_stored_team_result(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    for name, level in (("Karin", 1), ("Olle", 4), ("Stina", 4)):
        participant(app, questionnaire, code, name=name).answer_maturity_pages(level)
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    before = team_row(app)
    assert before is not None and before[0] == 3
    with app.app_context():
        counter = overview.fingerprint()

    advisor.get("/sprak/en")
    page = advisor.get(url).text
    confirm = advisor.get(remove_link(page, "Karin"))
    assert "its stored team result" in confirm.text and "is recalculated" in confirm.text
    advisor.post(remove_link(page, "Karin"), data={"csrf_token": csrf_token(confirm.text)})
    told = advisor.get(url).text
    assert (
        "Karin and their answers are removed from the workshop. The workshop is closed, so "
        "its stored team result was recalculated without their answers" in told
    )
    after = team_row(app)
    assert after is not None and after[0] == 2
    assert before[1] is not None and after[1] is not None and after[1] > before[1]
    with app.app_context():
        assert overview.fingerprint() != counter  # the overview's cache sees the change
        figures = overview.overview(overview.Filters(), questionnaire.bands)
    assert (figures.results, figures.respondents) == (1, 2)

    # The last two: nobody who finished is left, and the stored result goes too.
    advisor.get("/sprak/sv")
    for name in ("Olle", "Stina"):
        page = advisor.get(url).text
        advisor.post(remove_link(page, name), data={"csrf_token": csrf_token(page)})
    assert "så dess sparade teamresultat är också borttaget" in advisor.get(url).text
    assert team_row(app) is None
    assert count(app, Assessment) == 0 and count(app, Answer) == 0


def test_a_participant_without_a_name_is_not_called_by_a_name(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    """The fallback once went into "Remove %(name)s …": "Ta bort Deltagaren utan namn
    ur workshoppen?". A participant without a name has sentences of their own, with the
    role when there is one, so that two of them can be told apart."""
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    for role in ("VD", "", "Produktion"):
        person = Survey(app.test_client(), questionnaire)
        person.join(code, role=role)
        person.answer_maturity_pages(2)
    links = re.findall(r'href="([^"]+/ta-bort)"', advisor.get(url).text)
    assert len(links) == 3
    asked = {}
    for link in links:
        question = re.search(r"<h1>([^<]+)</h1>", advisor.get(link).text)
        assert question
        asked[question.group(1)] = link
    assert set(asked) == {
        "Ta bort deltagaren utan namn (VD) ur workshoppen?",
        "Ta bort deltagaren utan namn ur workshoppen?",
        "Ta bort deltagaren utan namn (Produktion) ur workshoppen?",
    }
    # Nor does the page promise to remove a name that was never given.
    nameless = advisor.get(asked["Ta bort deltagaren utan namn ur workshoppen?"]).text
    assert "med namn och roll om de angavs" in nameless and "Deltagaren, med namn" not in nameless

    def remove(question: str) -> str:
        page = advisor.get(asked[question])
        advisor.post(asked[question], data={"csrf_token": csrf_token(page.text)})
        return advisor.get(url).text

    told = remove("Ta bort deltagaren utan namn (VD) ur workshoppen?")
    assert "Deltagaren utan namn (VD) har tagits bort ur workshoppen, med alla sina svar." in told

    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    told = remove("Ta bort deltagaren utan namn ur workshoppen?")
    assert (
        "Deltagaren utan namn har tagits bort ur workshoppen, med alla sina svar. "
        "Workshoppen är avslutad, så dess sparade teamresultat har räknats om utan "
        "deltagarens svar: programöversikten" in told
    )
    assert "utan dem" not in told

    advisor.get("/sprak/en")
    link = asked["Ta bort deltagaren utan namn (Produktion) ur workshoppen?"]
    assert "Remove the participant without a name (Produktion) from the workshop?" in (
        advisor.get(link).text
    )
    page = advisor.get(link)
    advisor.post(link, data={"csrf_token": csrf_token(page.text)})
    told = advisor.get(url).text
    assert (
        "The participant without a name (Produktion) and their answers are removed from the "
        "workshop. The workshop is closed and nobody who finished is left" in told
    )
    assert "The participant without a name from" not in told


def test_another_advisor_cannot_remove_a_participant(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    participant(app, questionnaire, code, name="Karin").answer_maturity_pages(2)
    answers = count(app, Answer)
    link = remove_link(advisor.get(url).text, "Karin")
    other = logged_in(app, "bo@example.se")
    own_page = other.get("/radgivare/workshop/ny")
    assert other.get(link).status_code == 404
    assert other.post(link, data={"csrf_token": csrf_token(own_page.text)}).status_code == 404
    assert advisor.post(link, data={"csrf_token": "wrong"}).status_code == 400
    assert advisor.get(f"{url}/deltagare/a-000000000000/ta-bort").status_code == 404
    assert count(app, Assessment) == 1 and count(app, Answer) == answers


# ---------------------------------------------------------------- deleting a company


def rows_per_table(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables
        }


def company_url(app: Flask, name: str) -> str:
    with app.app_context():
        public_id = db.session.scalar(select(Company.public_id).where(Company.name == name))
    return f"/radgivare/foretag/{public_id}"


def decide(app: Flask, **target: int) -> None:
    with app.app_context():
        by = db.session.scalars(select(User.id)).first()
        db.session.add(Decision(offering="iuc", decided_by_id=by, **target))
        db.session.commit()


def test_an_advisor_deletes_a_company_with_everything_that_belongs_to_it(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    # Verkstaden: a closed workshop (stored team result, decision), an open one, and a
    # linked self-assessment with a decision. Kvarnen, another company, must stay whole.
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    for level in (1, 3):
        participant(app, questionnaire, code, name=f"P{level}").answer_maturity_pages(level)
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    _, open_code = create_workshop(advisor, company=url_company(advisor, url), title="Uppföljning")
    participant(app, questionnaire, open_code, name="Halvvägs").post(2, {})
    online = Survey(app.test_client(), questionnaire)
    online.complete(PROFILE)
    home = company_url(app, "Verkstaden i Gnosjö AB")
    form = advisor.get(home)
    advisor.post(
        f"{home}/koppla",
        data={"csrf_token": csrf_token(form.text), "link": f"/a/{online.token}"},
    )
    other_url, other_code = create_workshop(advisor, new_company="Kvarnen AB")
    participant(app, questionnaire, other_code).answer_maturity_pages(2)
    kept_online = Survey(app.test_client(), questionnaire)
    kept_online.complete(PROFILE)  # linked to no company
    with app.app_context():
        closed = db.session.scalar(select(Workshop.id).where(Workshop.status == "closed"))
        db.session.remove()
    decide(app, workshop_id=closed)
    decide(app, assessment_id=assessment_id(app, online.token))
    its_assessments = [
        *participants_of(app, "Verkstaden i Gnosjö AB"),
        assessment_id(app, online.token),
    ]
    before = rows_per_table(app)
    mine = {
        "companies": 1,
        "workshops": 2,
        "assessments": 4,  # three participants and the linked self-assessment
        "answers": count(app, Answer, Answer.assessment_id.in_(its_assessments)),
        "decisions": 2,
        "result_summaries": 2,  # the closed workshop's team and the linked self-assessment
    }
    with app.app_context():
        counter = overview.fingerprint()

    advisor.get("/sprak/en")
    company_page = advisor.get(home).text
    assert f'href="{home}/radera"' in company_page
    confirm = advisor.get(f"{home}/radera")
    assert confirm.status_code == 200
    for said in (
        "2 workshops",
        "3 workshop participants",
        "1 self-assessment linked",
        "The company cannot open the linked self-assessment any more either: tell the "
        "company before you delete it.",
        "the decisions on the company’s next step recorded for these workshops and "
        "self-assessments.",
    ):
        assert said in confirm.text
    assert "the decisions recorded for any of these" not in confirm.text
    assert rows_per_table(app) == before  # asking deletes nothing
    done = advisor.post(f"{home}/radera", data={"csrf_token": csrf_token(confirm.text)})
    assert done.status_code == 302 and done.location == "/radgivare/foretag"
    listed = advisor.get("/radgivare/foretag").text
    assert "Verkstaden i Gnosjö AB and everything stored about it are deleted." in listed

    after = rows_per_table(app)
    assert {t: before[t] - after[t] for t in before if before[t] != after[t]} == mine
    assert "Verkstaden i Gnosjö AB" not in listed.split("are deleted.", 1)[1]
    assert advisor.get(home).status_code == 404 and advisor.get(url).status_code == 404
    assert online.client.get(f"/a/{online.token}").status_code == 404
    assert advisor.get(other_url).status_code == 200
    assert kept_online.client.get(f"/a/{kept_online.token}").status_code != 404
    with app.app_context():
        assert overview.fingerprint() != counter  # the overview's cache sees the change


def test_deleting_a_company_in_swedish_lists_only_what_it_has(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    _, code = create_workshop(advisor)  # one workshop, nobody has joined, no linked self-assessment
    home = company_url(app, "Verkstaden i Gnosjö AB")
    assert "Tar du bort företaget försvinner för gott namnet" in advisor.get(home).text
    confirm = advisor.get(f"{home}/radera").text
    assert "Ta bort Verkstaden i Gnosjö AB och allt som sparats om företaget?" in confirm
    assert "1 workshop, med sin företagsprofil och sitt teamresultat;" in confirm
    assert "de beslut om nästa steg som registrerats för workshopparna" in confirm
    assert "Ta bort företaget och allt som sparats om det" in confirm
    # Nothing of what it does not have: no "0 workshopdeltagare", no linked warning.
    assert "workshopdeltagare" not in confirm and "som kopplats till företaget" not in confirm
    assert "Företaget kan då inte heller" not in confirm
    # A participant may give no name or role: the list does not claim one.
    with_one = Survey(app.test_client(), questionnaire)
    with_one.join(code)
    joined = advisor.get(f"{home}/radera").text
    assert "1 workshopdeltagare, med alla svar och namn och roll om de angavs;" in joined
    assert "radera" not in re.sub(r'"[^"]*"', "", confirm).lower()  # outside attributes
    advisor.post(f"{home}/radera", data={"csrf_token": csrf_token(confirm)})
    listed = advisor.get("/radgivare/foretag").text
    assert "Verkstaden i Gnosjö AB och allt som sparats om företaget har tagits bort." in listed


def url_company(client: FlaskClient, workshop_url: str) -> str:
    """The public id of a workshop's company, from the link on its page."""
    found = re.search(r'href="/radgivare/foretag/([\w-]+)"', client.get(workshop_url).text)
    assert found
    return found.group(1)


def participants_of(app: Flask, company: str) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Assessment.id)
                .join(Workshop, Assessment.workshop_id == Workshop.id)
                .join(Company)
                .where(Company.name == company)
            )
        )


def test_only_the_owner_or_an_admin_deletes_a_company(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor)
    participant(app, questionnaire, code).answer_maturity_pages(2)
    home = company_url(app, "Verkstaden i Gnosjö AB")
    before = rows_per_table(app)
    other = logged_in(app, "bo@example.se")
    own_page = other.get("/radgivare/workshop/ny")
    assert other.get(f"{home}/radera").status_code == 404
    refused = other.post(f"{home}/radera", data={"csrf_token": csrf_token(own_page.text)})
    assert refused.status_code == 404
    assert advisor.post(f"{home}/radera", data={"csrf_token": "wrong"}).status_code == 400
    # Nothing changed but the other advisor's account and login.
    logged_in_too = {
        "users": before["users"] + 1,
        "advisor_sessions": before["advisor_sessions"] + 1,
    }
    assert rows_per_table(app) == {**before, **logged_in_too}
    admin = logged_in(app, "admin@example.se", role="admin")
    confirm = admin.get(f"{home}/radera")
    admin.post(f"{home}/radera", data={"csrf_token": csrf_token(confirm.text)})
    assert count(app, Company) == 0 and count(app, Assessment) == 0 and count(app, Answer) == 0


# ---------------------------------------------------------------- purging abandoned ones


def _workshop(owner: User, status: str, closed_days_ago: int | None = None) -> Workshop:
    company = Company(name="Verkstaden AB", owner=owner)
    closed_at = utcnow() - timedelta(days=closed_days_ago) if closed_days_ago else None
    return Workshop(
        company=company,
        title=f"Workshop {status}",
        held_on=utcnow().date(),
        questionnaire_version="test",
        status=status,
        closed_at=closed_at,
    )


def seed(app: Flask) -> dict[str, tuple[int, int]]:
    """Assessments of every kind; name -> (id, number of answers)."""
    with app.app_context():
        owner = User(email="anna@example.se", password_hash="x")
        open_workshop = _workshop(owner, "open")
        closed_long_ago = _workshop(owner, "closed", closed_days_ago=200)
        closed_lately = _workshop(owner, "closed", closed_days_ago=5)
        # name: (days since the last change, status, completed before, workshop, answers)
        kinds: dict[str, tuple[int, str, bool, Workshop | None, int]] = {
            "old_unfinished": (120, "in_progress", False, None, 3),
            "old_unfinished_empty": (365, "in_progress", False, None, 0),
            "month_old_unfinished": (30, "in_progress", False, None, 2),
            "recent_unfinished": (1, "in_progress", False, None, 4),
            "old_finished": (400, "completed", True, None, 5),
            "old_reopened": (200, "in_progress", True, None, 2),
            "old_in_open_workshop": (150, "in_progress", False, open_workshop, 2),
            "old_in_workshop_closed_long_ago": (150, "in_progress", False, closed_long_ago, 4),
            "old_finished_in_closed_workshop": (150, "completed", True, closed_long_ago, 3),
            "old_in_workshop_closed_lately": (150, "in_progress", False, closed_lately, 1),
        }
        made = {}
        for name, (days, status, finished, workshop, answers) in kinds.items():
            assessment = Assessment(
                questionnaire_version="test",
                status=status,
                workshop=workshop,
                completed_at=utcnow() if finished else None,
            )
            assessment.answers = [Answer(question_id=f"q{n}", value=n) for n in range(answers)]
            db.session.add(assessment)
            made[name] = (assessment, days, answers)
        db.session.commit()
        for assessment, days, _ in made.values():
            db.session.execute(  # as if nobody had touched it since
                update(Assessment)
                .where(Assessment.id == assessment.id)
                .values(updated_at=utcnow() - timedelta(days=days))
            )
        db.session.commit()
        return {name: (a.id, answers) for name, (a, _, answers) in made.items()}


def purge(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["purge", *args])


def left(app: Flask, seeded: dict[str, tuple[int, int]]) -> set[str]:
    with app.app_context():
        ids = set(db.session.scalars(select(Assessment.id)))
    return {name for name, (ident, _) in seeded.items() if ident in ids}


PURGED = {"old_unfinished", "old_unfinished_empty", "old_in_workshop_closed_long_ago"}


def test_purge_dry_run_counts_and_deletes_nothing(app: Flask) -> None:
    seeded = seed(app)
    answers = count(app, Answer)
    result = purge(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would remove 3 unfinished assessments and 7 answers" in result.output
    assert "nothing removed" in result.output
    assert left(app, seeded) == set(seeded) and count(app, Answer) == answers


def test_purge_removes_only_old_unfinished_assessments_and_their_answers(app: Flask) -> None:
    seeded = seed(app)
    answers = count(app, Answer)
    result = purge(app)
    assert result.exit_code == 0, result.output
    assert "Removed 3 unfinished assessments and 7 answers" in result.output
    assert f"not changed for {UNFINISHED_KEPT_DAYS} days" in result.output
    assert left(app, seeded) == set(seeded) - PURGED
    assert count(app, Answer) == answers - 7
    for name in PURGED:
        assert answers_of(app, seeded[name][0]) == 0
    for name in set(seeded) - PURGED:
        assert answers_of(app, seeded[name][0]) == seeded[name][1]
    assert count(app, Workshop) == 3  # workshops stay: the advisor deletes them

    again = purge(app)
    assert "Removed 0 unfinished assessments and 0 answers" in again.output


def test_purge_takes_the_age_from_older_than(app: Flask) -> None:
    seeded = seed(app)
    result = purge(app, "--older-than", "20")
    assert result.exit_code == 0, result.output
    assert "Removed 4 unfinished assessments and 9 answers" in result.output
    assert left(app, seeded) == set(seeded) - PURGED - {"month_old_unfinished"}


def test_purge_with_a_single_assessment_says_it_in_the_singular(app: Flask) -> None:
    seeded = seed(app)
    result = purge(app, "--older-than", "300")
    assert "Removed 1 unfinished assessment and 0 answers" in result.output
    assert left(app, seeded) == set(seeded) - {"old_unfinished_empty"}


@pytest.mark.parametrize("days", ["0", "-5", "ninety", "1.5", "99999999999"])
def test_purge_refuses_a_nonsense_age(app: Flask, days: str) -> None:
    seed(app)
    before = count(app, Assessment)
    result = purge(app, "--older-than", days)
    assert result.exit_code == 2, result.output
    assert "--older-than" in result.output
    assert count(app, Assessment) == before


def test_purge_spares_people_answering_a_real_survey_now(app: Flask, survey: Survey) -> None:
    survey.start()
    assert survey.post(1, PROFILE).status_code == 302
    result = purge(app, "--older-than", "1")
    assert "Removed 0 unfinished assessments" in result.output
    assert survey.client.get(f"/a/{survey.token}").status_code == 302


def test_every_way_to_delete_looks_destructive_and_is_left_off_paper(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    """Red, never the green of the next step: a tired advisor must not take "delete the
    company" for "go on"; and none of it is printed with the workshop's page."""
    url, code = create_workshop(advisor)
    participant(app, questionnaire, code, name="Anna")
    workshop_page = advisor.get(url).text
    remove = re.search(r'<a class="([^"]*)" href="([^"]*/ta-bort[^"]*)"', workshop_page)
    assert remove and "remove-link" in remove.group(1).split()
    company = company_url(app, "Verkstaden i Gnosjö AB")
    for page, confirm in (
        (workshop_page, f"{url}/radera"),
        (advisor.get(company).text, f"{company}/radera"),
        (None, remove.group(2)),
    ):
        if page is not None:
            link = re.search(rf'<a class="([^"]*)" href="{re.escape(confirm)}"', page)
            assert link and "danger-outline" in link.group(1).split(), confirm
        button = re.search(r'<button type="submit" class="([^"]*)"', advisor.get(confirm).text)
        assert button and "danger" in button.group(1).split(), confirm
    style = (Path(app.static_folder or "") / "style.css").read_text("utf-8")
    assert re.search(r"\.button\.danger \{[^}]*background: var\(--error\)", style)
