"""Peer benchmarks and "companies like yours" on the result page: honest groups only.

The peers are ResultSummary rows inserted directly (each with a minimal completed
assessment behind it, which the row and a decision must point at); the company compared
is a real one, completed through the survey: a 45-person metal workshop (small, metal).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from questionnaire.dimensions import DIMENSION_IDS
from tests.helpers import (
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    participant,
    set_profile,
)
from web.platform.extensions import db
from web.storage.models import Assessment, Decision, ResultSummary, User

PROFILE = {"employees": "45", "sni": "25"}  # small (up to 49), metal industry


def english(client: FlaskClient) -> FlaskClient:
    client.get("/sprak/en?next=/")
    return client


@pytest.fixture
def person(app: Flask, questionnaire: Any) -> Survey:
    client = app.test_client()
    client.get("/sprak/en?next=/")
    return Survey(client, questionnaire)


def own_scores(app: Flask, token: str) -> dict[str, int | None]:
    with app.app_context():
        stored = db.session.scalars(select(Assessment).where(Assessment.token == token)).one()
        return {d: stored.scores["dimensions"][d]["score"] for d in DIMENSION_IDS}


def add_peers(
    app: Flask,
    profiles: Sequence[Mapping[str, int | None]],
    *,
    size_band: str = "small",
    industry_group: str | None = "metal",
    demo: bool = False,
    decisions: Sequence[str] | None = None,
) -> None:
    """One stored company result per profile, each behind a minimal completed assessment;
    with ``decisions``, the advisor's decision for each too."""
    with app.app_context():
        user = db.session.scalars(select(User)).first()
        if user is None and decisions is not None:
            user = User(email="peer.advisor@example.se", password_hash="x")
            db.session.add(user)
        for i, scores in enumerate(profiles):
            source = Assessment(questionnaire_version="test", status="completed", demo=demo)
            db.session.add(source)
            db.session.flush()
            db.session.add(
                ResultSummary(
                    assessment_id=source.id,
                    demo=demo,
                    completed_on=date(2026, 11, 1),
                    size_band=size_band,
                    industry_group=industry_group,
                    **{d: scores.get(d) for d in DIMENSION_IDS},
                )
            )
            if decisions is not None:
                assert user is not None
                db.session.add(
                    Decision(assessment_id=source.id, offering=decisions[i], decided_by=user)
                )
        db.session.commit()


def flat(score: int | None) -> dict[str, int | None]:
    return dict.fromkeys(DIMENSION_IDS, score)


def result_page(client: FlaskClient, token: str) -> str:
    response = client.get(f"/a/{token}/resultat")
    assert response.status_code == 200
    return response.text


def peers_section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="peers-title".*?</section>', html, re.S)
    assert match, "the result page has no peer comparison"
    return re.sub(r"[ \t\r\n]+", " ", match.group(0))  # a no-break space stays


def standings(section: str) -> dict[str, tuple[int, int]]:
    """Per dimension: (percentile, peers) as the page shows them."""
    shown = {}
    for dimension, row in re.findall(r'<tr data-dimension="(\w+)">(.*?)</tr>', section):
        found = re.search(r'data-percentile="(\d+)" data-peers="(\d+)"', row)
        if found:
            shown[dimension] = (int(found.group(1)), int(found.group(2)))
    return shown


def test_nine_comparable_companies_give_no_comparison_and_say_how_many_are_needed(
    app: Flask, person: Survey
) -> None:
    add_peers(app, [flat(50)] * 9)
    add_peers(app, [flat(50)] * 20, size_band="medium")  # another size: not comparable
    person.complete(PROFILE)  # its own row is stored too, and is not its own peer
    section = peers_section(result_page(person.client, person.token))
    assert "So far: 9 of 10." in section
    assert "(fewer than 50 employees)" in section
    assert "data-percentile" not in section and "median" not in section


def test_ten_comparable_companies_give_percentile_and_median_with_the_count(
    app: Flask, person: Survey
) -> None:
    add_peers(app, [flat(score) for score in range(0, 100, 10)])  # 0, 10, ..., 90
    person.complete(PROFILE)
    mine = own_scores(app, person.token)
    section = peers_section(result_page(person.client, person.token))
    assert "You are compared with 10 comparable companies" in section
    assert "(fewer than 50 employees, metal industry)" in section
    shown = standings(section)
    for d in DIMENSION_IDS:
        score = mine[d]
        if score is None:
            assert d not in shown
            continue
        below = sum(1 for s in range(0, 100, 10) if s < score)
        same = sum(1 for s in range(0, 100, 10) if s == score)
        assert shown[d] == (round(100 * (below + same / 2) / 10), 10)
        assert f"higher than {shown[d][0]}\N{NO-BREAK SPACE}% of 10" in section
    assert section.count("median 45<") == len(DIMENSION_IDS)  # the median of 0..90


def test_a_dimension_with_fewer_than_ten_measured_peers_shows_no_percentile(
    app: Flask, person: Survey
) -> None:
    first = DIMENSION_IDS[0]
    add_peers(app, [{**flat(40), first: None if i < 2 else 40} for i in range(10)])
    person.complete(PROFILE)
    section = peers_section(result_page(person.client, person.token))
    shown = standings(section)
    assert first not in shown and "too few to compare yet (8 of 10)" in section
    assert all(shown[d][1] == 10 for d in DIMENSION_IDS[1:] if d in shown)


def test_the_industry_group_is_used_only_when_ten_companies_share_it(
    app: Flask, questionnaire: Any, person: Survey
) -> None:
    add_peers(app, [flat(50)] * 6)  # metal
    add_peers(app, [flat(50)] * 5, industry_group="food")
    person.complete(PROFILE)
    section = peers_section(result_page(person.client, person.token))
    assert "You are compared with 11 comparable companies (fewer than 50 employees)." in section
    assert "Fewer than 10 companies in your industry have answered so far" in section

    add_peers(app, [flat(50)] * 4)  # now 10 metal companies
    section = peers_section(result_page(person.client, person.token))
    assert "10 comparable companies (fewer than 50 employees, metal industry)" in section
    assert "in your industry" not in section


def test_demo_rows_never_count_outside_demo_mode_and_count_inside_it(
    app: Flask, person: Survey
) -> None:
    add_peers(app, [flat(50)] * 50, demo=True)
    add_peers(app, [flat(50)] * 9)
    person.complete(PROFILE)
    section = peers_section(result_page(person.client, person.token))
    assert "So far: 9 of 10." in section and "Demo data" not in section

    app.config["DEMO_MODE"] = True
    section = peers_section(result_page(person.client, person.token))
    assert "You are compared with 59 comparable companies" in section
    assert "Demo data is included" in section
    assert {n for _, n in standings(section).values()} == {59}


def test_a_workshop_participant_gets_no_peer_comparison(app: Flask, questionnaire: Any) -> None:
    add_peers(app, [flat(50)] * 20)
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    person = participant(app, questionnaire, code)
    person.answer_maturity_pages(2)
    page = result_page(person.client, person.token)
    assert 'id="peers-title"' not in page


OFFERINGS = ("robotlyftet", "digitaliseringslyftet", "hallbar_produktion")


def test_companies_like_yours_show_what_was_most_often_decided_for_the_nearest(
    app: Flask, person: Survey
) -> None:
    person.complete(PROFILE)
    mine = own_scores(app, person.token)

    def near(delta: int) -> dict[str, int | None]:
        return {d: None if s is None else max(0, min(100, s + delta)) for d, s in mine.items()}

    # The 15 nearest: 9 chose robotlyftet, 6 digitaliseringslyftet; the 14 far ones all
    # chose hållbar produktion, which is the most often decided overall.
    nearest = [near(1 if i % 2 else -1) for i in range(15)]
    add_peers(app, nearest, decisions=[OFFERINGS[0]] * 9 + [OFFERINGS[1]] * 6)
    far = [flat(100 if i % 2 else 0) for i in range(14)]
    add_peers(app, far, decisions=[OFFERINGS[2]] * 14)
    section = peers_section(result_page(person.client, person.token))
    assert "Companies like yours" not in section  # 29 decided results: not enough yet

    add_peers(app, [flat(0)], decisions=[OFFERINGS[2]])  # the 30th
    section = peers_section(result_page(person.client, person.token))
    assert "Companies like yours" in section
    shown = re.findall(r'data-offering="(\w+)" data-count="(\d+)"', section)
    assert shown == [(OFFERINGS[0], "9"), (OFFERINGS[1], "6")]
    assert re.search(r"Robotlyftet[^<]*: 9 of 15<", section)
    assert "For the 15 companies of your size whose scores are most like yours" in section


def test_companies_like_yours_leave_out_demo_decisions_outside_demo_mode(
    app: Flask, person: Survey
) -> None:
    person.complete(PROFILE)
    add_peers(app, [flat(50)] * 40, demo=True, decisions=[OFFERINGS[0]] * 40)
    add_peers(app, [flat(50)] * 10)
    section = peers_section(result_page(person.client, person.token))
    assert "Companies like yours" not in section
    app.config["DEMO_MODE"] = True
    section = peers_section(result_page(person.client, person.token))
    assert "Companies like yours" in section and "15 of 15" in section


def close(advisor: FlaskClient, url: str) -> None:
    page = advisor.get(url)
    data = {"csrf_token": csrf_token(page.text), "open": "0"}
    assert advisor.post(f"{url}/stang", data=data).status_code == 302


def test_a_closed_workshops_team_is_compared_as_its_company_on_the_advisors_page(
    app: Flask, questionnaire: Any
) -> None:
    add_peers(app, [flat(score) for score in range(0, 100, 10)])  # 10 small metal firms
    advisor = english(logged_in(app, "anna@example.se"))
    url, code = create_workshop(advisor)
    set_profile(advisor, url, PROFILE)
    for level in (1, 3):
        participant(app, questionnaire, code).answer_maturity_pages(level)
    page = advisor.get(url).text
    assert 'id="peers-title"' not in page  # open: the team is still changing
    assert "Once the workshop is closed" in page

    close(advisor, url)
    section = peers_section(advisor.get(url).text)
    # Its own stored row (the 11th in the group) is not one of its peers.
    assert "The team’s result is compared with 10 comparable companies" in section
    assert "(fewer than 50 employees, metal industry)" in section
    with app.app_context():
        team = db.session.scalars(
            select(ResultSummary).where(ResultSummary.workshop_id.is_not(None))
        ).one()
        scores = {d: getattr(team, d) for d in DIMENSION_IDS}
    shown = standings(section)
    assert shown  # the team's measured dimensions are placed among the ten
    for d, (percentile, peers) in shown.items():
        score = scores[d]
        assert score is not None
        below = sum(1 for s in range(0, 100, 10) if s < score)
        same = sum(1 for s in range(0, 100, 10) if s == score)
        assert (percentile, peers) == (round(100 * (below + same / 2) / 10), 10)

    reopened = advisor.get(url)
    data = {"csrf_token": csrf_token(reopened.text), "open": "1"}
    assert advisor.post(f"{url}/stang", data=data).status_code == 302
    assert 'id="peers-title"' not in advisor.get(url).text


def test_a_workshops_own_decision_is_not_one_of_the_companies_like_it(
    app: Flask, questionnaire: Any
) -> None:
    advisor = english(logged_in(app, "anna@example.se"))
    url, code = create_workshop(advisor)
    set_profile(advisor, url, PROFILE)
    participant(app, questionnaire, code).answer_maturity_pages(2)
    close(advisor, url)
    page = advisor.get(url)
    data = {"csrf_token": csrf_token(page.text), "offering": "iuc", "reason": ""}
    assert advisor.post(f"{url}/beslut", data=data).status_code == 302
    with app.app_context():
        team = db.session.scalars(select(ResultSummary)).one()
        scores = {d: getattr(team, d) for d in DIMENSION_IDS}
    # 30 others (the least that shows), each a point off the team in every dimension:
    # had its own decision been counted as a neighbour's, it would be the nearest.
    near = {d: None if s is None else (s + 1 if s < 100 else 99) for d, s in scores.items()}
    add_peers(app, [near] * 30, decisions=[OFFERINGS[0]] * 30)
    section = peers_section(advisor.get(url).text)
    assert "Companies like this one" in section
    shown = re.findall(r'data-offering="(\w+)" data-count="(\d+)"', section)
    assert shown == [(OFFERINGS[0], "15")]  # never its own "iuc"


def test_a_closed_workshop_without_the_companys_profile_says_what_is_missing(
    app: Flask, questionnaire: Any
) -> None:
    add_peers(app, [flat(50)] * 20)
    advisor = english(logged_in(app, "anna@example.se"))
    url, code = create_workshop(advisor)
    participant(app, questionnaire, code).answer_maturity_pages(2)
    close(advisor, url)
    page = advisor.get(url).text
    assert 'id="peers-title"' not in page  # no size band: no group to compare with
    assert "Enter the company’s profile to compare the team’s result" in page
    set_profile(advisor, url, PROFILE)
    assert "The team’s result is compared with 20 comparable companies" in peers_section(
        advisor.get(url).text
    )
