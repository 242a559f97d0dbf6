"""The gate as a company meets it: no path from too few answers or outside the target
group, what to do instead, and old results that name an offering that has ended."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.helpers import Survey, create_workshop, logged_in, participant, set_profile
from web.platform.extensions import db
from web.storage.models import Assessment

MANUFACTURER = {"employees": "30", "sni": "25"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _path_section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="path-title".*?</section>', html, re.S)
    assert match, "the result page has a path section"
    return _text(match.group(0))


def _dont_know_everywhere_but(survey: Survey, answered: int) -> dict[str, Any]:
    """Form data changes: "don't know" on every single choice outside the first
    ``answered`` maturity sections (checklists and numbers as the level's own)."""
    changes: dict[str, Any] = {}
    for section in survey.questionnaire.maturity_sections[answered:]:
        for q in section.questions:
            if q.type == "single" and not q.dont_know_scores_zero:
                changes[q.id] = "dont_know"
    return changes


def test_too_few_answers_lead_back_to_the_steps_that_need_them(survey: Survey, app: Flask) -> None:
    survey.start()
    assert survey.post(1, MANUFACTURER).status_code == 302
    survey.answer_maturity_pages(2, _dont_know_everywhere_but(survey, 2))
    page = survey.client.get(f"/a/{survey.token}/resultat")
    assert page.status_code == 200
    path = _path_section(page.text)
    assert "Vi behöver fler svar innan vi kan föreslå ett nästa steg." in path
    assert "Ert nästa steg" not in path
    assert "Fråga en kollega som vet" in path
    # Each missing area links to its own step of the questionnaire.
    change_step = next(
        n for n, s in enumerate(survey.questionnaire.sections, 1) if s.id == "change"
    )
    assert f'href="/a/{survey.token}/steg/{change_step}">Förändringsförmåga: svara' in page.text
    assert "Digital affärsstrategi" not in path  # the first two areas were answered
    with app.app_context():
        stored = db.session.scalars(select(Assessment)).one()
        assert stored.status == "completed"  # the assessment is done; the advice waits
        assert stored.recommendation["status"] == "needs_more_answers"


def test_no_industry_asks_for_it_on_the_first_step(survey: Survey) -> None:
    survey.complete({"employees": "30"})
    path = _path_section(survey.client.get(f"/a/{survey.token}/resultat").text)
    assert "Ange er bransch" in path and "industrin och industrinära verksamhet" in path
    assert "(SNI 05–09, 10–33, 35–39, 71–72)" in path


def test_another_industry_is_referred_not_given_a_programme(survey: Survey) -> None:
    survey.complete({"employees": "6", "sni": "other"})
    page = survey.client.get(f"/a/{survey.token}/resultat").text
    path = _path_section(page)
    assert "Er bransch hör inte till dem som programmen här är gjorda för" in path
    assert "Vart ni kan vända er i stället" in path and "Almi" in path
    assert "Ert nästa steg" not in path and "Utvecklingsprogram" not in path
    english = survey.client.get("/sprak/en", headers={"Referer": f"/a/{survey.token}/resultat"})
    assert english.status_code == 302
    path_en = _path_section(survey.client.get(f"/a/{survey.token}/resultat").text)
    assert "Where to turn instead" in path_en and "Your industry is not one of those" in path_en


def test_the_profile_lists_the_target_group_and_another_industry(survey: Survey) -> None:
    survey.start()
    page = survey.client.get(survey.url(1)).text
    values = re.findall(
        r'<option value="([^"]*)"', page.split('name="sni"')[1].split("</select>")[0]
    )
    assert "07" in values and "36" in values and "71" in values and "other" in values
    assert "62" not in values and "46" not in values
    assert ">Annan bransch</option>" in page


def test_not_relevant_is_offered_beside_dont_know_where_it_fits(survey: Survey) -> None:
    survey.start()
    survey.post(1, MANUFACTURER)
    readiness = next(
        n for n, s in enumerate(survey.questionnaire.sections, 1) if s.id == "readiness"
    )
    page = survey.client.get(survey.url(readiness)).text
    assert "Inte aktuellt för oss" in page and 'value="not_relevant"' in page
    data_step = next(n for n, s in enumerate(survey.questionnaire.sections, 1) if s.id == "data")
    data_page = survey.client.get(survey.url(data_step)).text
    assert "Vet inte (räknas som att det inte finns på plats)" in data_page


def test_strongest_names_only_measured_areas(survey: Survey) -> None:
    """Strategy answered with a single top answer scores 100 but is not measured: it is
    not named the strongest."""
    changes = {
        "strategy_plan": "reviewed_plan",
        "strategy_priority": "dont_know",
        "strategy_investment": "dont_know",
        "strategy_groundwork": ["dont_know"],
    }
    survey.start()
    survey.post(1, MANUFACTURER)
    survey.answer_maturity_pages(2, changes)
    page = survey.client.get(f"/a/{survey.token}/resultat").text
    strongest = page.split("<h3>Starkast</h3>")[1].split("</ul>")[0]
    assert "Digital affärsstrategi" not in strongest
    assert "Digital affärsstrategi</th>" in page  # its score is still shown, marked
    row = page.split("Digital affärsstrategi</th>")[1].split("</tr>")[0]
    assert "100" in row and "för få svar" in row


def test_an_old_result_that_names_an_ended_offering_says_so(survey: Survey, app: Flask) -> None:
    survey.complete(MANUFACTURER)
    with app.app_context():
        stored = db.session.scalars(select(Assessment)).one()
        kept = dict(stored.recommendation)
        # As a path from before issue 18 was stored: format 1, Robotlyftet as a complement.
        kept.pop("status")
        kept["complementary"] = [
            {"id": "robotlyftet", "reasons": [{"code": "dimension_lags",
             "params": {"dimension": "automation", "score": 20, "others": 45}}]}
        ]  # fmt: skip
        stored.recommendation = kept
        stored.scores = {**stored.scores, "format": 1}
        db.session.commit()
    path = _path_section(survey.client.get(f"/a/{survey.token}/resultat").text)
    assert "Robotlyftet har avslutats (december 2021)." in path
    assert "Närmast motsvarande i dag är Europeiska digitala innovationshubbar (EDIH)." in path
    assert path.count("Robotlyftet har avslutats") == 1


def test_how_we_score_shows_the_gate_and_the_target_group(client: Any) -> None:
    page = _text(client.get("/sa-raknar-vi").text)
    assert "När vi föreslår en röd tråd" in page
    assert "minst 50 % av dess vikt, från minst 2 frågor" in page
    assert "minst 8 av de tio områdena, varav minst 4 digitala" in page
    assert "industrin och industrinära verksamhet (SNI 05–09, 10–33, 35–39, 71–72)" in page
    assert "Robotlyftet har avslutats (december 2021)." in page


def test_the_team_path_waits_for_the_industry(app: Flask, questionnaire: Any) -> None:
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url, {"employees": "45", "sni": "other"})
    participant(app, questionnaire, code).answer_maturity_pages(2)
    team = _text(advisor.get(url).text)
    assert "Företagets bransch hör inte till dem som programmen här är gjorda för" in team
    assert "Almi" in team


def test_while_more_answers_are_needed_no_index_rests_on_too_few(survey: Survey) -> None:
    survey.start()
    assert survey.post(1, MANUFACTURER).status_code == 302
    survey.answer_maturity_pages(2, _dont_know_everywhere_but(survey, 2))
    page = survey.client.get(f"/a/{survey.token}/resultat").text
    indices = page.split('class="indices"')[1].split("</section>")[0]
    overall = indices.split('class="index overall"')[1].split("</div>")[0]
    assert '<p class="index-value">–</p>' in overall  # no overall index
    change = indices.split('class="index area-change"')[1].split("</div>")[0]
    assert '<p class="index-value">–</p>' in change  # its one dimension is not measured
    digital = indices.split('class="index area-digital"')[1].split("</div>")[0]
    assert '<p class="index-value">–</p>' not in digital  # half its dimensions measured


def test_a_company_outside_the_target_group_is_not_told_what_it_misses(
    survey: Survey,
) -> None:
    survey.complete({"employees": "6", "sni": "other"})
    page = survey.client.get(f"/a/{survey.token}/resultat").text
    assert "Inte aktuellt för er just nu" not in page and "Robotlyftet" not in page


def test_only_what_can_be_completed_is_offered_as_completed(survey: Survey) -> None:
    survey.start()
    page = survey.client.get(survey.url(1)).text
    completed = re.findall(r'name="completed" type="checkbox" value="([^"]+)"', page)
    assert "utvecklingsprogram" in completed and "robotlyftet" in completed
    assert not {"iuc", "almi", "edih", "kunskapslyft", "testbadd"} & set(completed)


def test_another_industry_stays_chosen_when_step_one_is_opened_again(survey: Survey) -> None:
    survey.start()
    assert survey.post(1, {"employees": "20", "sni": "other"}).status_code == 302
    page = survey.client.get(survey.url(1)).text
    select = page.split('name="sni"')[1].split("</select>")[0]
    assert '<option selected value="other">Annan bransch</option>' in select
    assert "SNI ot" not in page
    again = survey.post(1, {"employees": "20", "sni": "other"})  # saved unchanged
    assert again.status_code == 302


def test_strengths_are_not_judged_from_too_few_answers(survey: Survey) -> None:
    page = survey.complete_not_knowing(MANUFACTURER)
    assert "<h3>Starkast</h3>" not in page and "Vi behöver fler svar" in page


def test_a_number_can_be_not_relevant_and_shows_so_again(survey: Survey, app: Flask) -> None:
    """An engineering consultancy has no robots to count: "Inte aktuellt för oss" leaves
    the item out, instead of a zero that makes automation lag."""
    survey.start()
    survey.post(1, {"employees": "15", "sni": "71"})
    step = next(n for n, s in enumerate(survey.questionnaire.sections, 1) if s.id == "automation")
    data = {
        "automation_production": "not_relevant",
        "automation_machine_data": "not_relevant",
        "automation_admin": "automatic_flows",
        "automation_robots__not_relevant": "y",
    }
    assert survey.post(step, data).status_code == 302
    page = survey.client.get(survey.url(step)).text
    box = page.split('name="automation_robots__not_relevant"')[0].rsplit("<input", 1)[1]
    assert "checked" in box
    with app.app_context():
        stored = db.session.scalars(select(Assessment)).one().answer_map()
    assert stored["automation_robots"] == "not_relevant"
    both = {**data, "automation_robots__dont_know": "y"}
    refused = survey.post(step, both)
    assert refused.status_code == 422 and "kryssa i en av rutorna, inte båda" in refused.text
    with_number = {**data, "automation_robots": "2"}
    assert survey.post(step, with_number).status_code == 422
