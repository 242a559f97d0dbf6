"""The action plan as a company meets it: on the result page and in the API."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.helpers import Survey
from web.platform.extensions import db
from web.storage.models import Assessment


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
    up = next(o for o in backup.options if o.level == 2).label.sv
    if "Hur tar ni backup" in plan:
        assert f"Idag: {today}" in plan and f"Nästa steg: {up}" in plan
    assert plan.count("Idag:") == plan.count("Nästa steg:") > 0
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
    step = next(n for n, s in enumerate(q.sections, 1) if s.id == "automation")
    section = q.sections[step - 1]
    data = {x.id: next(o.value for o in x.options if o.level == 1) for x in section.questions
            if x.type == "single"}  # fmt: skip
    data["automation_robots"] = "0"
    assert survey.post(step, data).status_code == 302
    plan = _plan_section(survey.client.get(f"/a/{survey.token}/resultat").text)
    assert "Idag: 0 robotar" in plan and "Nästa steg: Minst 1 robot " in plan + " "
    assert "1 robotar" not in plan
