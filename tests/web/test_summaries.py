"""The plain rows that benchmarks and the overview count follow the results they summarise."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from questionnaire.dimensions import DIMENSION_IDS
from tests.helpers import Survey, create_workshop, csrf_token, logged_in, participant, set_profile
from web.platform.extensions import db
from web.storage.models import Assessment, ResultSummary

COLUMNS = (
    "size_band",
    "industry_group",
    "sni_division",
    "region",
    "overall",
    "recommended",
    "decision",
    "decision_agreed",
)


def summaries(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session.scalars(select(ResultSummary).order_by(ResultSummary.id)).all()
        return [
            {
                c: getattr(r, c)
                for c in ("assessment_id", "workshop_id", "respondents", *COLUMNS, *DIMENSION_IDS)
            }
            for r in rows
        ]


def test_a_finished_self_assessment_is_summarised_with_the_scores_it_showed(
    app: Flask, questionnaire: Any
) -> None:
    person = Survey(app.test_client(), questionnaire)
    person.complete({"employees": "120", "sni": "25", "region": "06"}, level=3)
    unfinished = Survey(app.test_client(), questionnaire)
    unfinished.start()
    [row] = summaries(app)
    with app.app_context():
        query = select(Assessment).where(Assessment.token == person.token)
        stored = db.session.scalars(query).one()
        assert row["assessment_id"] == stored.id
        assert row["overall"] == stored.scores["overall"]
        for d in DIMENSION_IDS:
            assert row[d] == stored.scores["dimensions"][d]["score"]
        assert row["recommended"] == stored.recommendation["primary"]["id"]
    assert (row["size_band"], row["industry_group"], row["sni_division"], row["region"]) == (
        "medium",
        "metal",
        25,
        "06",
    )


def test_a_workshop_counts_once_closed_as_one_team_and_stops_when_reopened(
    app: Flask, questionnaire: Any
) -> None:
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url, {"employees": "30", "sni": "62"})
    for level in (1, 3):
        participant(app, questionnaire, code).answer_maturity_pages(level)
    assert summaries(app) == []  # participants are individuals, never rows; still open

    def switch(is_open: str) -> None:
        page = advisor.get(url)
        data = {"csrf_token": csrf_token(page.text), "open": is_open}
        assert advisor.post(f"{url}/stang", data=data).status_code == 302

    switch("0")
    [team] = summaries(app)
    assert team["assessment_id"] is None and team["respondents"] == 2
    assert (team["size_band"], team["industry_group"]) == ("small", "non_manufacturing")

    set_profile(advisor, url, {"employees": "300", "sni": "62"})  # closed: kept up to date
    assert summaries(app)[0]["size_band"] == "large"

    switch("1")
    assert summaries(app) == []


def test_rebuild_recreates_exactly_the_rows_the_app_keeps(app: Flask, questionnaire: Any) -> None:
    for employees, level in (("8", 1), ("75", 2), ("900", 4)):
        Survey(app.test_client(), questionnaire).complete(
            {"employees": employees, "region": "12"}, level=level
        )
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    participant(app, questionnaire, code).answer_maturity_pages(2)
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    kept = summaries(app)
    assert len(kept) == 4

    def comparable(rows: list[dict[str, Any]]) -> list[str]:
        return sorted(repr(sorted(r.items())) for r in rows)

    with app.app_context():
        db.session.execute(ResultSummary.__table__.delete())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["summaries", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "4 results summarised" in result.output
    assert comparable(summaries(app)) == comparable(kept)


def test_training_reads_a_team_the_same_whether_open_or_closed(
    app: Flask, questionnaire: Any
) -> None:
    """Closed, a team's case comes from its summary row; open, from the answers."""
    from web.learning.decisions import training_data
    from web.storage.content import content_for
    from web.storage.models import Workshop
    from web.workshops import service as workshops

    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    for level in (1, 2, 4):
        participant(app, questionnaire, code).answer_maturity_pages(level)
    page = advisor.get(url)
    data = {"csrf_token": csrf_token(page.text), "offering": "utvecklingsprogram", "reason": ""}
    assert advisor.post(f"{url}/beslut", data=data).status_code == 302

    def case_scores() -> dict[str, Any]:
        with app.app_context():
            [decision] = training_data().decisions
            return dict(decision.case.scores)

    with app.app_context():
        workshop = db.session.scalars(select(Workshop)).one()
        team = workshops.team(workshop, content_for(workshop))
        assert team is not None
        expected = dict(team.result.scores)
    assert case_scores() == expected  # open: computed from the answers
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    [row] = summaries(app)
    assert row["decision"] == "utvecklingsprogram"  # the decision made before closing
    assert case_scores() == expected  # closed: read from the summary
    with app.app_context():
        db.session.execute(ResultSummary.__table__.delete())
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["summaries", "rebuild"]).exit_code == 0
    assert summaries(app) == [row]


def test_a_result_taken_back_stops_counting_and_an_unchanged_save_keeps_its_row(
    app: Flask, questionnaire: Any
) -> None:
    person = Survey(app.test_client(), questionnaire)
    person.complete({"employees": "120", "sni": "25"}, level=3)
    with app.app_context():
        [before] = db.session.scalars(select(ResultSummary.id)).all()

    page_two = person.answers_at_level(3)[2]
    assert person.post(2, page_two).status_code == 302  # the same answers again
    with app.app_context():
        assert db.session.scalars(select(ResultSummary.id)).all() == [before]

    assert person.post(1, {"employees": ""}).status_code in (302, 422)  # required, cleared
    assert summaries(app) == []
    assert person.post(1, {"employees": "120", "sni": "25"}).status_code == 302
    person.answer_maturity_pages(3)  # finished again
    [row] = summaries(app)
    assert row["size_band"] == "medium"
