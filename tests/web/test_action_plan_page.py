"""The action plan as a company meets it: on the result page and in the API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from sqlalchemy import select

from questionnaire.answers import parse_answer
from questionnaire.profile import parse_profile_answers
from recommender.outcome import assess
from tests.helpers import Survey, create_workshop, logged_in, participant, set_profile
from web.assessments.results import plan_rows
from web.platform.extensions import db
from web.storage.models import Assessment

COMPANIES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "companies.yaml").read_text("utf-8")
)


def _plan_section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="plan-title".*?</section>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))) if match else ""


def test_the_result_shows_the_plan_in_the_options_own_words(survey: Survey, app: Flask) -> None:
    survey.start()
    profile = {"employees": "30", "sni": "25", "goal": "Kortare ledtider"}
    assert survey.post(1, profile).status_code == 302
    survey.answer_maturity_pages(1)
    plan = _plan_section(survey.client.get(f"/a/{survey.token}/resultat").text)
    assert "Er handlingsplan" in plan and "Ert eget mål: Kortare ledtider" in plan
    # Level 1 everywhere: today the level-1 option, next the level-2 one, in their words.
    q = survey.questionnaire
    backup = q.question("data_backup")
    assert backup is not None
    today = next(o for o in backup.options if o.level == 1).label.sv
    up = next(o for o in backup.options if o.level == 2)
    assert up.step is not None  # "Backup tas automatiskt, men vi har aldrig provat …"
    if "Hur tar ni backup" in plan:
        assert f"I dag: {today}" in plan and f"Nästa steg: {up.step.sv}" in plan
        assert f"Nästa steg: {up.label.sv}" not in plan  # never a shortcoming to aim for
    assert plan.count("I dag:") == plan.count("Nästa steg:") > 0
    with app.app_context():
        stored = db.session.scalars(select(Assessment)).one()
        kept = stored.recommendation["action_plan"]
    assert kept and all(i["next"]["level"] > i["now"]["level"] for i in kept)
    document = survey.client.get(f"/api/v1/assessments/{survey.token}").get_json()
    assert document["action_plan"] == kept  # the plan kept with the result


def test_a_result_kept_before_plans_gets_one_made_from_its_answers(
    survey: Survey, app: Flask
) -> None:
    survey.complete({"employees": "30", "sni": "25"}, level=1)
    with app.app_context():
        stored = db.session.scalars(select(Assessment)).one()
        kept = dict(stored.recommendation)
        plan = kept.pop("action_plan")
        stored.recommendation = kept
        db.session.commit()
    page = _plan_section(survey.client.get(f"/a/{survey.token}/resultat").text)
    assert page.count("Nästa steg:") == len(plan) > 0


def test_no_plan_while_more_answers_are_needed(survey: Survey) -> None:
    page = survey.complete_not_knowing({"employees": "30", "sni": "25"})
    assert "Er handlingsplan" not in page and "Vi behöver fler svar" in page


def test_the_api_document_carries_the_plan(client: Any, questionnaire: Any) -> None:
    answers: dict[str, Any] = {}
    for section in questionnaire.maturity_sections:
        for q in section.questions:
            if q.type == "single":
                answers[q.id] = next(o.value for o in q.options if o.level == 1)
            elif q.type == "multi":
                answers[q.id] = [q.answer_options[0].value]
            else:
                answers[q.id] = q.thresholds[0]
    created = client.post(
        "/api/v1/assessments", json={"profile": {"employees": 30, "sni": "25"}, "answers": answers}
    )
    assert created.status_code == 201
    plan = created.get_json()["action_plan"]
    assert 0 < len(plan) <= 8
    assert [i["gain"] for i in plan] == sorted((i["gain"] for i in plan), reverse=True)
    for item in plan:
        assert item["kind"] in ("single", "checklist", "number")
        assert item["next"]["level"] > item["now"]["level"]
        if item["kind"] == "single":
            assert item["now"]["value"] == answers[item["question"]]
            assert set(item["next"]["label"]) == {"sv", "en"}
    again = client.get(f"/api/v1/assessments/{created.get_json()['id']}").get_json()
    assert again["action_plan"] == plan


def test_a_number_step_is_said_plainly_with_the_unit_agreeing(survey: Survey) -> None:
    survey.complete({"employees": "30", "sni": "25"}, level=1)
    q = survey.questionnaire
    step = next(n for n, s in enumerate(q.sections, 1) if s.id == "people")
    section = q.sections[step - 1]
    data = {x.id: next(o.value for o in x.options if o.level == 0) for x in section.questions
            if x.type == "single"}  # fmt: skip
    data["people_training_hours"] = "1"
    assert survey.post(step, data).status_code == 302
    plan = _plan_section(survey.client.get(f"/a/{survey.token}/resultat").text)
    assert "I dag: 1 timme " in plan and "Nästa steg: Minst 2 timmar " in plan
    assert "1 timmar" not in plan


def test_a_result_is_never_a_step_of_its_own(survey: Survey) -> None:
    """No robots, a loss and one big customer weigh in the score, but buying a robot or
    making a profit is not planned as a step (action_plan › not_steps)."""
    survey.complete({"employees": "30", "sni": "25"}, level=1)
    q = survey.questionnaire
    for dimension, changes in (
        ("automation", {"automation_robots": "0"}),
        ("economic", {"economic_margin": "-5"}),
    ):
        step = next(n for n, s in enumerate(q.sections, 1) if s.id == dimension)
        section = q.sections[step - 1]
        data = {x.id: next(o.value for o in x.options if o.level == 0) for x in section.questions
                if x.type == "single"}  # fmt: skip
        assert survey.post(step, data | changes).status_code == 302
    plan = _plan_section(survey.client.get(f"/a/{survey.token}/resultat").text)
    assert "Automation och AI" in plan and "Ekonomisk hållbarhet" in plan  # weakest
    for question in ("automation_robots", "economic_margin", "economic_largest_customer"):
        text = q.question(question).text.sv
        assert text not in plan, question


def _team_plan_items(html: str) -> list[str]:
    """The team plan's items as plain text, one per item."""
    match = re.search(
        r'<section class="plan" aria-labelledby="team-plan-title">.*?</section>', html, re.S
    )
    assert match, "the workshop page has no team plan"
    items = re.findall(r"<li[^>]*>(.*?)</li>", match.group(0), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", i)).strip() for i in items]


def test_the_workshop_page_plans_for_the_team_and_talks_first_where_it_splits(
    app: Flask, questionnaire: Any
) -> None:
    """Strategy is the team's weakest dimension: everyone answers it at level 0, but
    its first item at 0, 4 and 0. That item is the team's top disagreement, so it is
    marked to talk about first; the others are planned from level 0 to level 1."""
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    strategy = next(s for s in questionnaire.maturity_sections if s.id == "strategy")
    singles = [q for q in strategy.questions if q.type == "single"]
    split, rest = singles[0], singles[1:]

    def at(question: Any, level: int) -> str:
        return str(next(o.value for o in question.options if o.level == level))

    for level in (0, 4, 0):
        person = participant(app, questionnaire, code)
        person.answer_maturity_pages(
            2, {split.id: at(split, level)} | {q.id: at(q, 0) for q in rest}
        )
    assert set_profile(advisor, url).status_code == 302

    items = _team_plan_items(advisor.get(url).text)
    talk = [i for i in items if split.text.sv in i]
    assert talk and "Prata om det här först" in talk[0] and "I dag:" not in talk[0]
    planned = {q.id: next((i for i in items if q.text.sv in i), None) for q in rest}
    assert any(planned.values())
    for question in rest:
        item = planned[question.id]
        if item is None:
            continue
        now, up = question.option(at(question, 0)), question.option(at(question, 1))
        assert f"I dag: {now.label.sv}" in item
        assert f"Nästa steg: {(up.step or up.label).sv}" in item


def test_the_result_carries_the_companys_own_name_and_the_date(survey: Survey) -> None:
    name = "Svarvarna i Anderstorp <AB>"
    survey.complete({"employees": "12", "sni": "25", "company_name": name})
    page = survey.client.get(f"/a/{survey.token}/resultat").text
    heading = re.search(r'<p class="result-company">(.*?)</p>\s*<h1>', page)
    assert heading and heading.group(1) == "Svarvarna i Anderstorp &lt;AB&gt;"
    assert re.search(r"Ifylld \d{4}-\d{2}-\d{2}", page)
    step_one = survey.client.get(survey.url(1)).text
    assert "Vad heter företaget?" in step_one
    field = re.search(r'<input [^>]*id="company_name"[^>]*>', step_one)
    assert field and 'type="text"' in field.group(0)  # one line, not a text box
    assert 'value="Svarvarna i Anderstorp &lt;AB&gt;"' in field.group(0)


def test_a_workshop_profile_does_not_ask_for_the_companys_name(
    app: Flask, questionnaire: Any
) -> None:
    """The advisor named the company when creating the workshop; the participants'
    results carry that name."""
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    form = advisor.get(f"{url}/profil").text
    assert 'name="employees"' in form and 'name="company_name"' not in form
    person = participant(app, questionnaire, code)
    finished = person.answer_maturity_pages(2)
    shown = person.client.get(finished.location).text
    assert '<p class="result-company">Verkstaden i Gnosjö AB</p>' in shown


def test_an_optional_question_says_optional_once(survey: Survey) -> None:
    survey.start()
    page = re.sub(r"<[^>]+>", "", survey.client.get(survey.url(1)).text)
    assert "(frivilligt) (frivilligt)" not in page
    assert "Vad vill ni helst bli bättre på de närmaste två åren? (frivilligt)" in page


def _rows_of(app: Flask, name: str) -> list[Any]:
    """A made-up company's plan as the result page words it."""
    content = app.extensions["lyftkollen.content"]
    q = content.questionnaire
    company = next(c for c in COMPANIES if c["name"] == name)
    profile, _ = parse_profile_answers(q, company["profile"])
    answers = {k: parse_answer(q.question(k), v) for k, v in company["answers"].items()}
    outcome = assess(answers, profile, content)
    assert outcome.action_plan
    with app.test_request_context():
        return plan_rows(
            outcome.action_plan, q, content.catalogue, "sv", path=outcome.recommendation
        )


def test_the_plan_says_when_and_how_an_offering_helps(app: Flask) -> None:
    """Gnosjö's path starts short and takes EDIH about half a year later: the plan says
    so rather than "help now". Norrlands is pointed to Kunskapslyft industri, a focus
    area with routes to it, not a programme to apply for."""
    gnosjo = _rows_of(app, "Gnosjö Tråd & Fjäder")
    edih = [r for r in gnosjo if r.offering and "EDIH" in r.offering]
    assert edih and {r.offering_as for r in edih} == {"later"}
    norrland = _rows_of(app, "Norrlands Stålkomponenter")
    skills = [r for r in norrland if r.offering == "Kunskapslyft industri"]
    assert skills and {r.offering_as for r in skills} == {"routes"}
    bergslagen = _rows_of(app, "Bergslagens Gruvservice")
    assert {r.offering_as for r in bergslagen if r.offering} == {"help"}


def test_how_we_score_explains_the_plan_from_its_settings(app: Flask) -> None:
    settings = app.extensions["lyftkollen.content"].catalogue.action_plan
    page = re.sub(r"\s+", " ", app.test_client().get("/sa-raknar-vi").text)
    assert f"era {settings.dimensions} svagaste mätta områden" in page
    assert f"färre än {settings.min_gain} poäng" in page
    assert f"högst {settings.max_items} stycken" in page
    assert f"minst {int(settings.discuss_distance)} nivåer isär" in page
