"""An edit of data/ never changes or breaks what was answered before it.

Each test answers on today's content, then starts the app again on an edited copy of
``data/`` (new version, reworded question, renamed dimension, a question removed and
one added) against the same database, and checks what people and advisors then see.
"""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from sqlalchemy import func, select

from questionnaire.content import ContentError
from tests.helpers import (
    DATA_DIR,
    PASSWORD,
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    make_app,
    participant,
    set_profile,
)
from web.platform.extensions import db
from web.storage.content import load_content
from web.storage.models import Assessment, ContentVersion

PROFILE = {"employees": "45", "sni": "25", "county": "06"}
OLD_NAME, NEW_NAME = "Digital affärsstrategi", "Affärsstrategi för det digitala"


def edited_data(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of data/ as a later edit might leave it; returns it and what changed."""
    target = tmp_path / "data-2027"
    shutil.copytree(DATA_DIR, target)
    path = target / "questionnaire.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["version"] = "2027.1"
    strategy = next(d for d in document["dimensions"] if d["id"] == "strategy")
    strategy["name"]["sv"] = NEW_NAME
    section = next(s for s in document["sections"] if s.get("dimension") == "strategy")
    reworded = section["questions"][0]
    old_text = reworded["text"]["sv"]
    reworded["text"]["sv"] = "En helt omskriven fråga om er strategi?"
    removed = section["questions"].pop()
    added = copy.deepcopy(removed)
    added["id"] = "strategy_new_question"
    added["text"] = {"sv": "En ny fråga om strategi?", "en": "A new question on strategy?"}
    section["questions"].append(added)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return target, {"old_text": old_text, "removed": removed["id"]}


@pytest.fixture
def later_app(database_url: str) -> Iterator[Callable[[Path], Flask]]:
    """The app started again on the same database, on another copy of data/."""
    started: list[Flask] = []

    def start(data_dir: Path) -> Flask:
        started.append(make_app(database_url, DATA_DIR=str(data_dir)))
        return started[-1]

    yield start
    for app in started:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def result_scores(html: str) -> list[str]:
    """The dimension names and scores in the result page's table, in order."""
    return re.findall(r'<th scope="row">([^<]+)</th>\s*<td><span class="score">([^<]+)<', html)


def test_a_result_is_shown_as_it_was_after_the_questionnaire_changes(
    app: Flask, survey: Survey, later_app: Callable[[Path], Flask], tmp_path: Path
) -> None:
    survey.complete(PROFILE, level=3)
    before = survey.client.get(f"/a/{survey.token}/resultat")
    assert before.status_code == 200
    api_before = survey.client.get(f"/api/v1/assessments/{survey.token}").get_json()

    data_dir, _ = edited_data(tmp_path)
    later = later_app(data_dir)
    client = later.test_client()
    after = client.get(f"/a/{survey.token}/resultat")
    assert after.status_code == 200
    assert OLD_NAME in after.text and NEW_NAME not in after.text
    assert result_scores(after.text) == result_scores(before.text) != []
    api_after = client.get(f"/api/v1/assessments/{survey.token}").get_json()
    assert api_after == api_before
    assert api_after["questionnaire_version"] == "2026.3"

    # A new assessment is answered on the edited questionnaire.
    fresh = Survey(client, later.extensions["lyftkollen.content"].questionnaire)
    fresh.start()
    assert fresh.post(1, PROFILE).status_code == 302
    assert "En helt omskriven fråga om er strategi?" in client.get(fresh.url(2)).text
    with later.app_context():
        versions = db.session.scalars(select(ContentVersion.questionnaire_version)).all()
    assert sorted(versions) == ["2026.3", "2027.1"]


def test_an_unfinished_assessment_goes_on_with_the_questions_it_began_with(
    app: Flask,
    survey: Survey,
    later_app: Callable[[Path], Flask],
    tmp_path: Path,
    questionnaire: Any,
) -> None:
    survey.start()
    assert survey.post(1, PROFILE).status_code == 302
    data_dir, changed = edited_data(tmp_path)
    later = later_app(data_dir)
    person = Survey(later.test_client(), questionnaire)  # the questions it began with
    person.token = survey.token
    page = person.client.get(person.url(2))
    assert page.status_code == 200
    assert changed["old_text"] in page.text
    assert f'name="{changed["removed"]}"' in page.text
    assert "strategy_new_question" not in page.text
    response = person.answer_maturity_pages(level=2)
    assert response.location.endswith(f"/a/{survey.token}/resultat")
    result = person.client.get(response.location)
    assert result.status_code == 200 and OLD_NAME in result.text
    with later.app_context():
        stored = db.session.scalar(select(Assessment).where(Assessment.token == survey.token))
        assert stored is not None and stored.questionnaire_version == "2026.3"
        assert changed["removed"] in stored.answer_map()


def test_a_workshop_keeps_its_questions_for_late_joiners_its_team_view_and_export(
    app: Flask, later_app: Callable[[Path], Flask], tmp_path: Path, questionnaire: Any
) -> None:
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    participant(app, questionnaire, code).answer_maturity_pages(level=1)

    data_dir, changed = edited_data(tmp_path)
    later = later_app(data_dir)
    late = participant(later, questionnaire, code)  # joins after the edit
    assert changed["old_text"] in late.client.get(late.url(2)).text
    late.answer_maturity_pages(level=3)

    advisor = later.test_client()
    page = advisor.get("/radgivare/logga-in")
    login = {"csrf_token": csrf_token(page.text), "email": "anna@example.se", "password": PASSWORD}
    assert advisor.post("/radgivare/logga-in", data=login).status_code == 302
    view = advisor.get(url)
    assert view.status_code == 200 and OLD_NAME in view.text
    assert '<span class="count" data-count="completed">2</span>' in view.text
    export = advisor.get(f"{url}/export.csv")
    assert export.status_code == 200
    header = export.data.decode("utf-8-sig").splitlines()[0]
    assert changed["old_text"] in header
    assert "En ny fråga om strategi?" not in header


def test_records_from_before_versions_were_kept_are_adopted_by_the_same_version(
    app: Flask, survey: Survey
) -> None:
    survey.start()
    with app.app_context():
        db.session.execute(
            Assessment.__table__.update().values(content_id=None)  # as migration 0004 left them
        )
        db.session.execute(ContentVersion.__table__.delete())
        db.session.commit()
    Survey(app.test_client(), survey.questionnaire).start()  # keeps today's content again
    with app.app_context():
        orphans = db.session.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.content_id.is_(None))
        )
        kept = db.session.scalar(select(func.count()).select_from(ContentVersion))
    assert (orphans, kept) == (0, 1)


def test_content_that_json_cannot_keep_is_refused_at_start_naming_the_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    offerings = target / "offerings.yaml"
    offerings.write_text(offerings.read_text("utf-8") + "\nreviewed: 2026-11-21\n", "utf-8")
    with pytest.raises(ContentError, match=r"offerings\.yaml.*\n.*only text, numbers"):
        load_content(target)


def test_a_kept_version_todays_code_refuses_still_shows_its_records_and_check_names_it(
    app: Flask, survey: Survey
) -> None:
    survey.complete(PROFILE, level=3)
    before = result_scores(survey.client.get(f"/a/{survey.token}/resultat").text)
    with app.app_context():
        kept = db.session.scalars(select(ContentVersion)).one()
        documents = copy.deepcopy(kept.documents)
        documents["recommender"]["a_setting_the_code_has_dropped"] = 1
        db.session.add(
            ContentVersion(id="f" * 64, questionnaire_version="2025.9", documents=documents)
        )
        db.session.execute(
            Assessment.__table__.update().values(content_id="f" * 64)  # as if answered on it
        )
        db.session.commit()
    after = survey.client.get(f"/a/{survey.token}/resultat")
    assert after.status_code == 200
    assert result_scores(after.text) == before
    checked = app.test_cli_runner().invoke(args=["questionnaire", "check"])
    assert checked.exit_code == 1
    assert "1 of 2 kept content versions no longer load" in checked.output
    assert "a_setting_the_code_has_dropped" in checked.output


def test_then_and_now_words_the_first_plan_as_it_was_asked(
    app: Flask, later_app: Callable[[Path], Flask], tmp_path: Path, questionnaire: Any
) -> None:
    """The first workshop's plan names strategy questions that a later edit rewords and
    removes: the comparison still lists them, in the words the team answered."""
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    strategy = next(s for s in questionnaire.maturity_sections if s.id == "strategy")
    lowest: dict[str, Any] = {
        q.id: next(o.value for o in q.options if o.level == 0)
        for q in strategy.questions
        if q.type == "single"
    }
    lowest |= {  # a checklist: "none of these"
        q.id: [next(o.value for o in q.options if o.exclusive and o.level == 0)]
        for q in strategy.questions
        if q.type == "multi"
    }
    for _ in range(2):
        participant(app, questionnaire, code).answer_maturity_pages(level=2, changes=lowest)

    data_dir, changed = edited_data(tmp_path)
    edited = data_dir / "questionnaire.yaml"  # and a planned question removed too
    document = yaml.safe_load(edited.read_text(encoding="utf-8"))
    section = next(s for s in document["sections"] if s.get("dimension") == "strategy")
    section["questions"] = [q for q in section["questions"] if q["id"] != "strategy_priority"]
    edited.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    later = later_app(data_dir)
    client = later.test_client()
    page = client.get("/radgivare/logga-in")
    login = {"csrf_token": csrf_token(page.text), "email": "anna@example.se", "password": PASSWORD}
    assert client.post("/radgivare/logga-in", data=login).status_code == 302
    company = re.search(r"/radgivare/foretag/([\w-]+)", client.get(url).text)
    assert company
    url2, code2 = create_workshop(client, company=company.group(1), held_on="2027-03-01")
    later_questions = later.extensions["lyftkollen.content"].questionnaire
    participant(later, later_questions, code2).answer_maturity_pages(level=3)

    compared = client.get(f"/radgivare/foretag/{company.group(1)}/jamforelse").text
    items = re.findall(r'<li class="plan-(?:reached|open)">(.*?)</li>', compared, re.S)
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", i)) for i in items]
    removed = questionnaire.question("strategy_priority").text.sv
    for text in (changed["old_text"], removed):
        assert any(text in t for t in texts), text  # kept, in the words then
    gone = next(t for t in texts if removed in t)
    assert "Inte ännu" in gone and "inte besvarad på ett sätt som räknas" in gone
    assert "En helt omskriven fråga om er strategi?" not in compared
