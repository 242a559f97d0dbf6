"""The self-assessment in the browser's shoes: pages, saving, errors, result."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from questionnaire.scoring import score_assessment
from tests.helpers import Survey, csrf_token
from web.storage.models import Assessment

PROFILE = {"employees": "45", "sni": "25", "region": "06"}


def _assessment(app: Flask, token: str) -> Assessment:
    with app.app_context():
        from web.platform.extensions import db

        found = db.session.query(Assessment).filter_by(token=token).one()
        found.answer_map()  # load answers while the session is open
        db.session.expunge(found)
        return found


def test_home_page_is_swedish_and_starts_an_assessment(client: FlaskClient) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert '<html lang="sv">' in home.text
    assert "Starta självskattningen" in home.text
    start = client.post("/start", data={"csrf_token": csrf_token(home.text)})
    assert start.status_code == 302
    assert re.fullmatch(r"/a/[A-Za-z0-9_-]{22}/steg/1", start.location)


def test_the_site_icon_is_linked_and_served_where_browsers_look_for_it(
    client: FlaskClient,
) -> None:
    home = client.get("/").text
    linked = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', home)
    assert linked, "the page names no icon"
    for url in (linked.group(1), "/favicon.ico"):
        with client.get(url, follow_redirects=True) as icon:
            assert icon.status_code == 200, url
            assert icon.mimetype == "image/svg+xml" and b"<svg" in icon.data


def test_forms_refuse_a_post_without_csrf_token(client: FlaskClient, app: Flask) -> None:
    response = client.post("/start")
    assert response.status_code == 400
    with app.app_context():
        from web.platform.extensions import db

        assert db.session.query(Assessment).count() == 0


def test_progress_is_shown_on_every_page(survey: Survey) -> None:
    survey.start()
    page = survey.client.get(survey.url(3))
    total = len(survey.questionnaire.sections)
    assert f"Steg 3 av {total}" in page.text
    assert f'<progress max="{total}" value="3"' in page.text


def test_answers_are_saved_on_each_page_and_shown_again(survey: Survey, app: Flask) -> None:
    survey.start()
    assert survey.post(1, PROFILE).status_code == 302
    chosen = survey.answers_at_level(3)[2]
    response = survey.post(2, chosen)
    assert response.location.endswith("/steg/3")
    stored = _assessment(app, survey.token)
    assert stored.profile == {"employees": 45, "sni": "25", "region": "06"}
    single = next(q for q in survey.questionnaire.sections[1].questions if q.type == "single")
    assert stored.answer_map()[single.id] == chosen[single.id]
    # Coming back to the page shows the saved choice as checked.
    again = survey.client.get(survey.url(2))
    assert re.search(
        rf'checked[^>]*value="{chosen[single.id]}"|value="{chosen[single.id]}"[^>]*checked',
        again.text,
    )


def test_missing_required_answer_is_explained_next_to_the_field_and_nothing_is_lost(
    survey: Survey, app: Flask
) -> None:
    survey.start()
    section = survey.questionnaire.sections[1]
    first, second = section.questions[0], section.questions[1]
    partial = {first.id: survey.answers_at_level(2)[2][first.id]}
    response = survey.post(2, partial)
    assert response.status_code == 422
    html = response.text
    assert f'id="{second.id}-error"' in html
    assert "Svara på den här frågan." in html
    # The answer that was given is kept, both stored and on the page.
    assert _assessment(app, survey.token).answer_map()[first.id] == partial[first.id]
    assert re.search(
        rf'checked[^>]*value="{partial[first.id]}"|value="{partial[first.id]}"[^>]*checked', html
    )


def test_invalid_number_gets_a_message_in_swedish(survey: Survey) -> None:
    survey.start()
    response = survey.post(1, {"employees": "många", "turnover_msek": "mycket"})
    assert response.status_code == 422
    message = re.search(r'id="employees-error">(.*?)</p>', response.text, re.S)
    assert message is not None
    assert "Skriv ett heltal, till exempel 12." in message.group(1)  # a head count
    turnover = re.search(r'id="turnover_msek-error">(.*?)</p>', response.text, re.S)
    assert turnover is not None
    assert "Skriv ett tal, till exempel 12 eller 3,5." in turnover.group(1)  # a decimal
    assert 'aria-invalid="true"' in response.text


def test_back_saves_without_demanding_the_rest(survey: Survey, app: Flask) -> None:
    survey.start()
    section = survey.questionnaire.sections[2]
    first = section.questions[0]
    value = survey.answers_at_level(1)[3][first.id]
    response = survey.post(3, {first.id: value}, action="back")
    assert response.status_code == 302 and response.location.endswith("/steg/2")
    assert _assessment(app, survey.token).answer_map()[first.id] == value


def test_private_link_resumes_at_the_first_unanswered_page(survey: Survey) -> None:
    survey.start()
    survey.post(1, PROFILE)
    survey.post(2, survey.answers_at_level(2)[2])
    # A new browser (no cookies) with only the link.
    fresh = survey.client.application.test_client()
    response = fresh.get(f"/a/{survey.token}")
    assert response.status_code == 302
    assert response.location.endswith("/steg/3")


def test_finishing_with_gaps_sends_the_person_to_the_gap(survey: Survey) -> None:
    survey.start()
    survey.post(1, PROFILE)
    total = len(survey.questionnaire.sections)
    last = survey.answers_at_level(2)[total]
    response = survey.post(total, last, action="finish")
    assert response.status_code == 302 and response.location.endswith("/steg/2")
    assert survey.client.get(f"/a/{survey.token}/resultat").status_code == 302


def test_complete_assessment_shows_scores_path_and_exclusions(survey: Survey, app: Flask) -> None:
    response = survey.complete({"employees": "600", "sni": "29"}, level=1)
    assert response.location.endswith("/resultat")
    page = survey.client.get(response.location)
    assert page.status_code == 200
    html = page.text
    stored = _assessment(app, survey.token)
    expected = score_assessment(survey.questionnaire, stored.answer_map())
    # The table's figures are the scoring's figures.
    for dimension in survey.questionnaire.dimensions:
        name = dimension.name.get("sv")
        score = expected.dimensions[dimension.id].score
        row = rf'<th scope="row">{re.escape(name)}</th>\s*<td><span class="score">{score}</span>'
        assert re.search(row, html), name
    # A large company with low change capability: Utvecklingsprogram, SME offerings excluded.
    assert stored.recommendation is not None
    assert stored.recommendation["primary"]["id"] == "utvecklingsprogram"
    assert "<h3>Utvecklingsprogram</h3>" in html
    assert "ni har 600" in html  # the exclusion reason quotes their own head count
    assert '<svg class="radar"' in html


def test_english_switch_translates_interface_and_questions(survey: Survey) -> None:
    survey.start()
    client = survey.client
    switched = client.get(f"/sprak/en?next=/a/{survey.token}/steg/2")
    assert switched.location.endswith(f"/a/{survey.token}/steg/2")
    page = client.get(survey.url(2))
    assert '<html lang="en">' in page.text
    question = survey.questionnaire.sections[1].questions[0]
    assert question.text.en in page.text.replace("&#39;", "'").replace("&amp;", "&")


def test_language_switch_never_redirects_off_site(client: FlaskClient) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.get("/sprak/en", query_string={"next": target})
        assert response.location in ("/", "http://lyftkollen.test/")


def test_unknown_links_answer_404_in_the_site_layout(client: FlaskClient) -> None:
    for url in ("/a/not-a-token", "/a/not-a-token/steg/1", "/a/not-a-token/resultat", "/nope"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Lyftkollen" in response.text


def test_step_numbers_outside_the_questionnaire_are_404(survey: Survey) -> None:
    survey.start()
    total = len(survey.questionnaire.sections)
    assert survey.client.get(survey.url(0)).status_code == 404
    assert survey.client.get(survey.url(total + 1)).status_code == 404


def test_changing_an_answer_after_the_result_updates_the_result(survey: Survey, app: Flask) -> None:
    survey.complete(PROFILE, level=1)
    before = _assessment(app, survey.token).scores
    assert before is not None
    change_page = 1 + [s.id for s in survey.questionnaire.sections].index("change")
    top = survey.answers_at_level(4)[change_page]
    survey.post(change_page, top)
    after = _assessment(app, survey.token).scores
    assert after is not None
    assert before["dimensions"]["change"]["score"] == 25
    assert after["dimensions"]["change"]["score"] == 100


def test_how_we_score_is_generated_from_the_questionnaire(client: FlaskClient, app: Flask) -> None:
    html = client.get("/sa-raknar-vi").text
    content: Any = app.extensions["lyftkollen.content"]
    for section in content.questionnaire.maturity_sections:
        for question in section.questions:
            assert question.text.sv.replace("'", "&#39;") in html.replace("&#34;", '"')
    assert "0–25" in html and "76–100" in html
    # The rules are stated with the thresholds the ranking reads from data.
    client.get("/sprak/en?next=/")
    english = client.get("/sa-raknar-vi").text
    t = content.catalogue.thresholds
    expected = [
        f"an overall index and change capability both below {t.low:g}",
        f"Inspiration seminar when both are at most {t.basic:g}",
        f"With an overall index below {t.broad_needs:g} and at least half of the measured "
        f"dimensions below {t.weak_dimension:g}",
        f"Overall index of at least {t.high:g} with no dimension below {t.high_floor:g}",
        f"A dimension at most {t.lag_ceiling:g} and at least {t.lag_gap:g} points below",
        f"at most {content.catalogue.company.small_max_employees} employees",
        f"economic sustainability is at most {content.catalogue.economy.lag:g}",
        f"at level {content.catalogue.capacity.little_at_most:g} or lower, or no answer in a "
        f"company of fewer than {content.catalogue.capacity.unknown_small_below} employees",
    ]
    for sentence in expected:
        assert sentence in english, sentence


def test_autosave_keeps_a_half_answered_page(survey: Survey, app: Flask) -> None:
    survey.start()
    section = survey.questionnaire.sections[1]
    first = section.questions[0]
    value = survey.answers_at_level(4)[2][first.id]
    response = survey.post(2, {first.id: value}, action="autosave")
    assert response.status_code == 204  # no required-answer errors while typing
    assert _assessment(app, survey.token).answer_map() == {first.id: value}


def test_autosave_of_an_invalid_answer_says_so(survey: Survey) -> None:
    survey.start()
    response = survey.post(1, {"employees": "12abc"}, action="autosave")
    assert response.status_code == 422
    assert response.get_json() == {"invalid": ["employees"]}


def test_emptying_a_required_answer_after_the_result_reopens_the_assessment(
    survey: Survey, app: Flask
) -> None:
    survey.complete(PROFILE, level=2)
    for action in ("autosave", "back"):
        response = survey.post(1, {"employees": ""}, action=action)
        assert response.status_code in (204, 302)
    stored = _assessment(app, survey.token)
    assert stored.status == "in_progress" and "employees" not in stored.profile
    # The result now waits for the gap, and the private link leads there.
    assert survey.client.get(f"/a/{survey.token}/resultat").status_code == 302
    assert survey.client.get(f"/a/{survey.token}").location.endswith("/steg/1")
    survey.post(1, PROFILE, action="finish")
    total = len(survey.questionnaire.sections)
    last = survey.answers_at_level(2)[total]
    response = survey.post(total, last, action="finish")
    assert response.location.endswith("/resultat")


def test_simultaneous_saves_of_one_page_all_succeed(survey: Survey, app: Flask) -> None:
    from concurrent.futures import ThreadPoolExecutor

    survey.start()
    section = survey.questionnaire.sections[1]
    answers = survey.answers_at_level(3)[2]

    def save(action: str) -> int:
        person = Survey(app.test_client(), survey.questionnaire)
        person.token = survey.token
        return person.post(2, answers, action=action).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(save, ["autosave", "next"] * 6))
    assert set(statuses) <= {204, 302}, statuses
    stored = _assessment(app, survey.token).answer_map()
    assert {q.id for q in section.questions} <= set(stored)


def test_an_industry_code_from_the_api_survives_an_edit_on_the_web(
    client: FlaskClient, app: Flask, questionnaire: Any
) -> None:
    answers = {}
    for section in questionnaire.maturity_sections:
        for q in section.questions:
            answers[q.id] = ["dont_know"] if q.type == "multi" else "dont_know"
    answers["change_improvement"] = next(
        o.value for o in questionnaire.question("change_improvement").options if o.level == 2
    )
    for code in ("25.620", "01"):  # finer than the list, and not on the list at all
        created = client.post(
            "/api/v1/assessments",
            json={"profile": {"employees": 30, "sni": code}, "answers": answers},
        ).get_json()
        person = Survey(client, questionnaire)
        person.token = created["id"]
        page = client.get(person.url(1)).text
        assert re.search(rf'<option selected value="{code[:2]}"|value="{code[:2]}" selected', page)
        person.post(1, {"employees": "31", "sni": code[:2]})
        assert _assessment(app, person.token).profile["sni"] == code


def test_private_pages_are_not_cached_and_leak_no_referrer(survey: Survey) -> None:
    survey.start()
    for url in (survey.url(1), f"/a/{survey.token}"):
        response = survey.client.get(url)
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "same-origin"  # not to other sites


def test_control_characters_typed_into_the_goal_are_dropped_as_the_api_drops_them(
    survey: Survey, app: Flask
) -> None:
    # A crafted post can carry what no keyboard types; the API drops the same characters.
    survey.start()
    goal = "Kortare\x00 ledtider\x07,\tfärre\x1b kassationer\x9b\nnästa år"
    assert survey.post(1, {**PROFILE, "goal": goal}).status_code == 302
    stored = _assessment(app, survey.token).profile["goal"]
    assert stored == "Kortare ledtider,\tfärre kassationer\nnästa år"
    assert "nästa år" in survey.client.get(survey.url(1)).text
