"""The JSON API as an integrator would use it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.scoring import score_assessment
from web.platform.extensions import db
from web.storage.models import Assessment


def _full_answers(questionnaire: Any, level: int = 2) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for section in questionnaire.maturity_sections:
        for q in section.questions:
            if q.type == "single":
                answers[q.id] = next(o.value for o in q.options if o.level == level)
            elif q.type == "multi":
                answers[q.id] = [q.answer_options[0].value]
            elif q.type == "number":
                answers[q.id] = q.thresholds[level - 1] if level else q.min
    return answers


def test_questionnaire_document(client: FlaskClient, questionnaire: Any) -> None:
    doc = client.get("/api/v1/questionnaire").get_json()
    assert doc["version"] == questionnaire.version
    assert [d["id"] for d in doc["dimensions"]] == list(DIMENSION_IDS)
    by_id = {q["id"]: q for q in doc["questions"]}
    assert by_id["employees"]["dimension"] is None and by_id["employees"]["required"] is True
    assert by_id["employees"]["type"] == "number" and by_id["employees"]["min"] == 1
    plan = by_id["strategy_plan"]
    assert plan["dimension"] == "strategy" and plan["type"] == "single"
    assert {"value": "dont_know", "level": None} == {
        k: v for k, v in plan["options"][-1].items() if k in ("value", "level")
    }
    assert set(plan["options"][0]["label"]) == {"sv", "en"}
    assert {q["type"] for q in doc["questions"]} == {"single", "multi", "number", "text"}


def test_create_and_fetch_an_assessment(client: FlaskClient, questionnaire: Any) -> None:
    answers = _full_answers(questionnaire, level=3)
    answers["change_resources"] = "dont_know"
    body = {"profile": {"employees": 90, "sni": "28.110", "completed": []}, "answers": answers}
    created = client.post("/api/v1/assessments", json=body)
    assert created.status_code == 201, created.get_json()
    doc = created.get_json()
    assert len(doc["id"]) >= 22
    assert created.headers["Location"].endswith(f"/api/v1/assessments/{doc['id']}")
    assert doc["url"].endswith(f"/a/{doc['id']}/resultat")
    expected = score_assessment(questionnaire, answers)
    assert doc["scores"] == expected.scores
    assert doc["bands"]["strategy"] == "moderate"
    assert doc["areas"] == expected.areas
    assert doc["coverage"]["change"] == 0.75
    assert doc["recommendation"]["primary"]["id"]
    reason = doc["recommendation"]["primary"]["reasons"][0]
    assert set(reason["text"]) == {"sv", "en"}
    fetched = client.get(f"/api/v1/assessments/{doc['id']}")
    assert fetched.status_code == 200
    assert fetched.get_json()["scores"] == doc["scores"]
    # The person's result page exists for the same id.
    assert client.get(f"/a/{doc['id']}/resultat").status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["profile"].pop("employees"), "profile.employees"),
        (lambda b: b["profile"].update(employees=0), "profile.employees"),
        (lambda b: b["profile"].update(employees=12.5), "profile.employees"),
        (lambda b: b["profile"].update(employees="many"), "profile.employees"),
        (lambda b: b["profile"].update(turnover_msek=-1), "profile.turnover_msek"),
        (lambda b: b["profile"].update(sni="2"), "profile.sni"),
        (lambda b: b["profile"].update(sni="04"), "profile.sni"),  # no such SNI division
        (lambda b: b["profile"].update(region="99"), "profile.region"),
        (lambda b: b["profile"].update(completed=["rymdprogram"]), "profile.completed"),
        (lambda b: b["profile"].update(favourite_colour="blå"), "profile.favourite_colour"),
        (lambda b: b["answers"].pop("strategy_plan"), "answers.strategy_plan"),
        (lambda b: b["answers"].update(strategy_plan="excellent"), "answers.strategy_plan"),
        (lambda b: b["answers"].update(no_such_question="x"), "answers.no_such_question"),
        (lambda b: b["answers"].update(employees=5), "answers.employees"),
        (
            lambda b: b["answers"].update(readiness_systems=["none", "erp"]),
            "answers.readiness_systems",
        ),
        (lambda b: b["answers"].update(people_training_hours=-3), "answers.people_training_hours"),
        (lambda b: b.update(profile="big"), "profile"),
        (lambda b: b.pop("answers"), "answers"),
        (lambda b: b.update(extra=1), "extra"),
    ],
)
def test_invalid_assessments_are_422_naming_the_field(
    client: FlaskClient, questionnaire: Any, change: Any, field: str
) -> None:
    body = {"profile": {"employees": 20}, "answers": _full_answers(questionnaire)}
    change(body)
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 422
    error = response.get_json()
    assert error["field"] == field
    assert error["error"]


def _multi(questionnaire: Any) -> str:
    return next(
        q.id for s in questionnaire.maturity_sections for q in s.questions if q.type == "multi"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b, q: b["profile"].update(goal="Kortare ledtider \ud800"), "profile.goal"),
        (lambda b, q: b["profile"].update(goal="\udfff"), "profile.goal"),
        (
            lambda b, q: b["answers"].update(strategy_plan="dont_know\ud800"),
            "answers.strategy_plan",
        ),
        (lambda b, q: b["answers"].update({_multi(q): ["none", "\ud83d"]}), "answers.{multi}.1"),
        # Keys too: the surrogate is shown as U+FFFD in the field's name.
        (lambda b, q: b["profile"].update({"go\ud800al": "x"}), "profile.go\ufffdal"),
        (lambda b, q: b.update({"\ud800": 1}), "\ufffd"),
    ],
)
def test_a_lone_surrogate_anywhere_in_the_body_is_422_naming_the_field(
    app: Any, client: FlaskClient, questionnaire: Any, change: Any, field: str
) -> None:
    body = {"profile": {"employees": 20}, "answers": _full_answers(questionnaire)}
    change(body, questionnaire)
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert error["field"] == field.replace("{multi}", _multi(questionnaire))
    assert "lone UTF-16 surrogate" in error["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Assessment.id))) == 0


def test_a_lone_surrogate_is_refused_by_the_recommendations_too(client: FlaskClient) -> None:
    body = {"profile": {"employees": 40, "goal": "\ud800"}, "scores": {"change": 20}}
    response = client.post("/api/v1/recommendations", json=body)
    assert response.status_code == 422
    assert response.get_json()["field"] == "profile.goal"


@pytest.mark.parametrize("path", ["/api/v1/recommendations", "/api/v1/assessments"])
def test_a_number_of_four_hundred_digits_is_a_422_naming_the_field(
    client: FlaskClient, questionnaire: Any, path: str
) -> None:
    # JSON has no limit on digits, and Python parses them all into an int with no float.
    huge = "1" + "0" * 400
    rest = '"scores": {"change": 20}'
    if path.endswith("assessments"):
        rest = f'"answers": {json.dumps(_full_answers(questionnaire))}'
    body = f'{{"profile": {{"employees": {huge}}}, {rest}}}'
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["field"] == "profile.employees"


def test_a_pair_of_surrogates_is_one_character_and_welcome(
    client: FlaskClient, questionnaire: Any
) -> None:
    goal = "Fler \U0001f680"  # json.dumps writes it as the pair "\ud83d\ude80"
    body = {"profile": {"employees": 20, "goal": goal}, "answers": _full_answers(questionnaire)}
    raw = json.dumps(body)
    assert "\\ud83d\\ude80" in raw
    created = client.post("/api/v1/assessments", data=raw, content_type="application/json")
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["profile"]["goal"] == goal


def test_control_characters_in_api_text_are_removed_as_the_forms_do(
    client: FlaskClient, questionnaire: Any
) -> None:
    goal = "Kortare\x00 ledtider\x07,\tfärre\x1b kassationer\x9b\nnästa år"
    body = {"profile": {"employees": 20, "goal": goal}, "answers": _full_answers(questionnaire)}
    created = client.post("/api/v1/assessments", json=body)
    assert created.status_code == 201, created.get_json()
    token = created.get_json()["id"]
    kept = "Kortare ledtider,\tfärre kassationer\nnästa år"
    assert created.get_json()["profile"]["goal"] == kept
    assert client.get(f"/api/v1/assessments/{token}").get_json()["profile"]["goal"] == kept


def test_malformed_json_is_400(client: FlaskClient) -> None:
    for raw in (b"{not json", b"", b"[" * 100000):
        response = client.post("/api/v1/assessments", data=raw, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"]


def test_unknown_assessment_is_404_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/assessments/does-not-exist")
    assert response.status_code == 404
    assert response.get_json() == {"error": "no completed assessment has this id", "field": "id"}
    assert client.get("/api/v1/no-such-endpoint").get_json()["error"]


def test_recommendations_for_given_scores(client: FlaskClient) -> None:
    scores = dict.fromkeys(DIMENSION_IDS, 55) | {"automation": 12, "change": 60}
    response = client.post(
        "/api/v1/recommendations",
        json={"profile": {"employees": 40, "sni": "22"}, "scores": scores},
    )
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["status"] == "ready" and doc["missing"] is None and doc["referrals"] == []
    assert doc["primary"]["id"] == "utvecklingsprogram" and doc["primary"]["when"] == "now"
    # Robotlyftet ended in 2021: its successor takes its place, and says so.
    ids = [c["id"] for c in doc["complementary"]]
    assert "edih" in ids and "robotlyftet" not in ids
    edih = next(c for c in doc["complementary"] if c["id"] == "edih")
    assert "(12)" in edih["reasons"][0]["text"]["sv"]
    assert "Robotlyftet har avslutats" in " ".join(r["text"]["sv"] for r in edih["reasons"])
    assert doc["later"]["id"] == "fordjupningsprogram" and doc["later"]["when"] == "1_2_years"
    assert all({"id", "reason"} <= set(e) for e in doc["excluded"])
    excluded = {e["id"]: e["reason"]["code"] for e in doc["excluded"]}
    assert excluded["robotlyftet"] == "offering_ended"


def test_missing_dimension_means_not_measured(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/recommendations",
        json={"profile": {"employees": 40}, "scores": {"change": 20, "strategy": None}},
    )
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["status"] == "needs_more_answers"
    assert doc["primary"] is None and doc["complementary"] == [] and doc["later"] is None
    # Only change capability was given: every other dimension, and the industry, is missing.
    assert doc["missing"] == {
        "dimensions": [d for d in DIMENSION_IDS if d != "change"],
        "profile": ["sni"],
    }
    assert {e["id"] for e in doc["excluded"]} >= {"robotlyftet", "digitaliseringslyftet"}


def test_a_company_outside_the_target_group_is_referred(client: FlaskClient) -> None:
    scores = dict.fromkeys(DIMENSION_IDS, 50)
    for sni in ("62", "other"):
        doc = client.post(
            "/api/v1/recommendations",
            json={"profile": {"employees": 6, "sni": sni}, "scores": scores},
        ).get_json()
        assert doc["status"] == "outside_target_group", sni
        assert doc["primary"] is None and doc["missing"] is None
        assert [r["id"] for r in doc["referrals"]] == ["almi"]
        assert doc["referrals"][0]["reasons"][0]["text"]["en"]


def test_the_offering_catalogue_is_listed(client: FlaskClient) -> None:
    response = client.get("/api/v1/offerings")
    assert response.status_code == 200
    offerings = {o["id"]: o for o in response.get_json()["offerings"]}
    robot = offerings["robotlyftet"]
    assert (robot["status"], robot["ended_on"], robot["successor"]) == ("ended", "2021-12", "edih")
    assert robot["eligibility"]["industries"]["id"] == "manufacturing"
    assert robot["eligibility"]["industries"]["divisions"] == [[10, 33]]
    assert offerings["digitaliseringslyftet"]["status"] == "paused"
    assert offerings["almi"]["kind"] == "referral" and offerings["edih"]["kind"] == "initiative"
    assert offerings["hallbar_produktion"]["remedies"] == ["ecological", "social"]
    assert set(robot) == {
        "id", "kind", "name", "summary", "status", "ended_on", "successor", "url",
        "verified_on", "remedies", "eligibility",
    }  # fmt: skip


@pytest.mark.parametrize("sni", ["٢٥", "2５", "x" * 5000])
def test_an_industry_code_is_ascii_digits_and_a_long_one_is_not_echoed(
    client: FlaskClient, sni: str
) -> None:
    response = client.post(
        "/api/v1/recommendations", json={"profile": {"employees": 6, "sni": sni}, "scores": {}}
    )
    assert response.status_code == 422 and response.get_json()["field"] == "profile.sni"
    assert len(response.get_json()["error"]) < 200


def test_a_number_question_takes_not_relevant_only_where_offered(
    client: FlaskClient, questionnaire: Any
) -> None:
    answers = _full_answers(questionnaire)
    answers["automation_robots"] = "not_relevant"
    created = client.post(
        "/api/v1/assessments", json={"profile": {"employees": 15, "sni": "71"}, "answers": answers}
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["answers"]["automation_robots"] == "not_relevant"
    answers["people_training_hours"] = "not_relevant"  # offers "don't know" only
    refused = client.post(
        "/api/v1/assessments", json={"profile": {"employees": 15, "sni": "71"}, "answers": answers}
    )
    assert refused.status_code == 422
    assert refused.get_json()["field"] == "answers.people_training_hours"


def test_an_unknown_industry_word_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/recommendations",
        json={"profile": {"employees": 6, "sni": "annan"}, "scores": {}},
    )
    assert response.status_code == 422 and response.get_json()["field"] == "profile.sni"


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"change": 101}, "scores.change"),
        ({"change": "high"}, "scores.change"),
        ({"mood": 50}, "scores.mood"),
        ({"change": True}, "scores.change"),
    ],
)
def test_invalid_scores_are_422(client: FlaskClient, scores: Any, field: str) -> None:
    response = client.post(
        "/api/v1/recommendations", json={"profile": {"employees": 40}, "scores": scores}
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_openapi_document_describes_every_api_route(client: FlaskClient, app: Any) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {path.replace("{id}", "<token>") for path in doc["paths"]}
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json")
    }
    assert routes == documented
