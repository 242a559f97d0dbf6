"""The comparison T0 → T1: change, spread and path per measurement, for its advisor only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean, pstdev
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from questionnaire.profile import company_profile
from recommender.ranking import recommend
from tests.helpers import Survey, create_workshop, csrf_token, set_profile
from web.platform.extensions import db
from web.storage.models import Assessment, Workshop
from web.workshops.service import measurements

PASSWORD = "ett-långt-lösenord"
ANNA = "anna@example.se"
PROFILE = {"employees": "45", "sni": "25"}


def _users(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["users", *args])
    assert result.exit_code == 0, result.output


def _login(client: FlaskClient, email: str) -> None:
    page = client.get("/radgivare/logga-in")
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": PASSWORD}
    assert client.post("/radgivare/logga-in", data=data).status_code == 302


@pytest.fixture
def advisor(app: Flask, client: FlaskClient) -> FlaskClient:
    """Anna, logged in, reading in English."""
    _users(app, "create", "--email", ANNA, "--password", PASSWORD)
    _login(client, ANNA)
    client.get("/sprak/en")
    return client


def _new_workshop(
    client: FlaskClient, title: str, held_on: str, company: str = "", new: str = ""
) -> str:
    """Create a workshop through the form, for ``company`` (a public id) or a ``new`` one."""
    url, _ = create_workshop(
        client, title=title, held_on=held_on, company=company or "new", new_company=new
    )
    return url.rstrip("/").split("/")[-1]


def _workshop(app: Flask, public_id: str) -> Workshop:
    return db.session.execute(select(Workshop).where(Workshop.public_id == public_id)).scalar_one()


def _company_id(app: Flask, workshop_id: str) -> str:
    with app.app_context():
        return _workshop(app, workshop_id).company.public_id


def _participant(
    app: Flask,
    questionnaire: Any,
    workshop_id: str,
    level: int,
    changes: dict[str, Any] | None = None,
) -> None:
    """Someone on their own phone joins with the code and answers everything at ``level``
    (but the single answers in ``changes``)."""
    with app.app_context():
        code = _workshop(app, workshop_id).code
    phone = app.test_client()
    page = phone.get(f"/w/{code}")
    joined = phone.post(f"/w/{code}", data={"csrf_token": csrf_token(page.text), "role": "VD"})
    assert joined.status_code == 302
    token = joined.location.rstrip("/").split("/")[-1]
    assert phone.get(f"/a/{token}").location.endswith(f"/a/{token}/steg/2")
    survey = Survey(phone, questionnaire)
    survey.token = token
    survey.answer_maturity_pages(level, changes)


def _set_profile(client: FlaskClient, workshop_id: str) -> None:
    response = set_profile(client, f"/radgivare/workshop/{workshop_id}", PROFILE)
    assert response.status_code == 302, response.text


def _half_up(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class Stored:
    """A workshop's figures computed here from the participants' stored scores."""

    means: dict[str, int | None]
    spreads: dict[str, int | None]
    primary: str | None  # the team path's first offering, in English


def _stored(app: Flask, workshop_id: str) -> Stored:
    with app.app_context():
        workshop = _workshop(app, workshop_id)
        people = db.session.execute(
            select(Assessment).where(
                Assessment.workshop_id == workshop.id, Assessment.status == "completed"
            )
        ).scalars()
        by_dimension: dict[str, list[int]] = {}
        for person in people:
            for dimension, scored in person.scores["dimensions"].items():
                values = by_dimension.setdefault(dimension, [])
                if scored["score"] is not None:
                    values.append(scored["score"])
        means = {d: _half_up(fmean(v)) if v else None for d, v in by_dimension.items()}
        spreads = {d: _half_up(pstdev(v)) if v else None for d, v in by_dimension.items()}
        catalogue = app.extensions["lyftkollen.content"].catalogue
        path = recommend(company_profile(workshop.profile), means, catalogue)
        primary = catalogue.offering(path.primary.offering).name.get("en") if path.primary else None
        return Stored(means, spreads, primary)


# ---------------------------------------------------------------- reading the page


def _without(html: str, cls: str) -> str:
    return re.sub(rf"<span [^>]*{cls}[^>]*>[^<]*</span>", "", html)


def _seen(html: str) -> str:
    """What a sighted reader sees in a cell."""
    return re.sub(r"<[^>]+>", "", _without(html, 'class="visually-hidden"')).strip()


def _heard(html: str) -> str:
    """What a screen reader says for a cell."""
    return re.sub(r"<[^>]+>", "", _without(html, 'aria-hidden="true"')).strip()


def _row(page: str, attribute: str, key: str) -> dict[str, str]:
    match = re.search(rf'<tr {attribute}="{key}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {key}"
    return dict(re.findall(r'<td data-col="([^"]+)">(.*?)</td>', match.group(1), re.S))


def _signed(change: int) -> str:
    return f"+{change}" if change > 0 else f"−{-change}" if change < 0 else "0"


def _path_section(page: str, which: str) -> str:
    match = re.search(rf'<section [^>]*data-path="{which}">(.*?)</section>', page, re.S)
    assert match
    return match.group(1)


def _primary(page: str, which: str) -> str:
    match = re.search(r'<dd data-step="primary">(.*?)</dd>', _path_section(page, which), re.S)
    assert match, f"no path {which}"
    return match.group(1).strip()


def _options(page: str, field: str) -> list[tuple[str, bool, str]]:
    select_html = re.search(rf'<select id="{field}" name="{field}">(.*?)</select>', page, re.S)
    assert select_html
    return [
        (value, bool(selected), label.strip())
        for value, selected, label in re.findall(
            r'<option value="([^"]+)"( selected)?>([^<]*)</option>', select_html.group(1)
        )
    ]


# ---------------------------------------------------------------- the company's history


@pytest.fixture
def history(app: Flask, advisor: FlaskClient, questionnaire: Any) -> tuple[str, str, str]:
    """Verkstaden AB: T0 in January (two people, levels 1 and 2), T1 in June (three, 3–4)."""
    t0 = _new_workshop(advisor, "Ledningsgruppen, start", "2025-01-15", new="Verkstaden AB")
    company = _company_id(app, t0)
    for level in (1, 2):
        _participant(app, questionnaire, t0, level)
    _set_profile(advisor, t0)  # T1 starts from the latest profile
    t1 = _new_workshop(advisor, "Ledningsgruppen, uppföljning", "2025-06-10", company)
    for level in (3, 4, 4):
        _participant(app, questionnaire, t1, level)
    return company, t0, t1


def test_the_change_per_area_is_the_difference_of_the_team_means(
    app: Flask, advisor: FlaskClient, history: tuple[str, str, str]
) -> None:
    company, t0, t1 = history
    then, now = _stored(app, t0), _stored(app, t1)
    assert then.means != now.means  # the test means something only if the team moved

    company_page = advisor.get(f"/radgivare/foretag/{company}")
    assert f"/radgivare/foretag/{company}/jamforelse" in company_page.text
    page = advisor.get(f"/radgivare/foretag/{company}/jamforelse")
    assert page.status_code == 200
    text = page.text

    assert "Digital business strategy" in text  # the advisor reads English
    assert "2025-01-15" in text and "2025-06-10" in text
    assert re.search(r'data-then="respondents">2<', text)
    assert re.search(r'data-now="respondents">3<', text)
    for dimension in questionnaire_dimensions(app):
        row = _row(text, "data-dimension", dimension)
        before, after = then.means[dimension], now.means[dimension]
        assert _seen(row["then"]) == str(before)
        assert _seen(row["now"]) == str(after)
        assert before is not None and after is not None
        change = after - before
        assert _seen(row["change"]) == _signed(change)
        spoken = _heard(row["change"])
        assert (f"up {change} point" if change > 0 else "unchanged") in spoken
        assert _seen(row["spread-then"]) == f"±{then.spreads[dimension]}"
        assert _seen(row["spread-now"]) == f"±{now.spreads[dimension]}"
    assert any(s for s in then.spreads.values())  # two people at different levels disagree

    overall = _row(text, "data-area", "overall")
    assert _seen(overall["change"]).startswith("+")

    assert then.primary and now.primary
    assert _primary(text, "then") == then.primary
    assert _primary(text, "now") == now.primary
    assert "profile is missing" not in text


def questionnaire_dimensions(app: Flask) -> list[str]:
    return [d.id for d in app.extensions["lyftkollen.content"].questionnaire.dimensions]


def test_choosing_then_and_now_swaps_the_direction(
    app: Flask, advisor: FlaskClient, history: tuple[str, str, str]
) -> None:
    company, t0, t1 = history
    default = advisor.get(f"/radgivare/foretag/{company}/jamforelse").text
    assert [(v, s) for v, s, _ in _options(default, "fran")] == [
        (f"w-{t0}", True),
        (f"w-{t1}", False),
    ]
    assert [(v, s) for v, s, _ in _options(default, "till")] == [
        (f"w-{t0}", False),
        (f"w-{t1}", True),
    ]
    assert "2025-06-10: Ledningsgruppen, uppföljning (3 respondents)" in [
        label for _, _, label in _options(default, "till")
    ]

    swapped = advisor.get(f"/radgivare/foretag/{company}/jamforelse?fran=w-{t1}&till=w-{t0}")
    assert swapped.status_code == 200
    then, now = _stored(app, t1), _stored(app, t0)
    row = _row(swapped.text, "data-dimension", "strategy")
    drop = then.means["strategy"] - now.means["strategy"]
    assert drop > 0
    assert _seen(row["change"]) == f"−{drop}"
    assert f"down {drop} point" in _heard(row["change"])

    advisor.get("/sprak/sv")  # the table follows the advisor's language
    swedish = advisor.get(f"/radgivare/foretag/{company}/jamforelse").text
    assert "Digital affärsstrategi" in swedish and "Digital business strategy" not in swedish


def test_a_path_without_the_company_profile_says_it_is_missing(
    app: Flask, advisor: FlaskClient, questionnaire: Any
) -> None:
    t0 = _new_workshop(advisor, "Start", "2025-02-01", new="Gjuteriet AB")
    company = _company_id(app, t0)
    _participant(app, questionnaire, t0, 1)
    t1 = _new_workshop(advisor, "Uppföljning", "2025-09-01", company)
    _participant(app, questionnaire, t1, 3)
    page = advisor.get(f"/radgivare/foretag/{company}/jamforelse").text
    for which in ("then", "now"):
        assert "Not available: the company’s profile is missing." in _path_section(page, which)
    # one participant: no disagreement, so the spread is ±0, not "–"
    assert _seen(_row(page, "data-dimension", "strategy")["spread-then"]) == "±0"


def test_another_advisors_company_and_unknown_measurements_are_not_found(
    app: Flask, advisor: FlaskClient, history: tuple[str, str, str]
) -> None:
    company, t0, _ = history
    url = f"/radgivare/foretag/{company}/jamforelse"
    assert advisor.get(f"{url}?fran=w-finnsinte").status_code == 404
    assert advisor.get(f"{url}?fran=w-{t0}&till=a-000000000000").status_code == 404
    assert advisor.get("/radgivare/foretag/finnsinte/jamforelse").status_code == 404

    _users(app, "create", "--email", "bo@example.se", "--password", PASSWORD)
    other = app.test_client()
    _login(other, "bo@example.se")
    assert other.get(url).status_code == 404
    assert other.get(f"{url}?fran=w-{t0}").status_code == 404


def test_fewer_than_two_results_says_so_and_links_back(advisor: FlaskClient) -> None:
    page = advisor.get("/radgivare/foretag")
    created = advisor.post(
        "/radgivare/foretag", data={"csrf_token": csrf_token(page.text), "name": "Svetsen AB"}
    )
    company = created.location.rstrip("/").split("/")[-1]
    response = advisor.get(f"/radgivare/foretag/{company}/jamforelse")
    assert response.status_code == 200
    assert "A comparison needs at least two results" in response.text
    assert f'href="/radgivare/foretag/{company}"' in response.text
    assert "<select" not in response.text


def test_a_linked_self_assessment_can_be_compared_with_a_workshop(
    app: Flask, advisor: FlaskClient, questionnaire: Any
) -> None:
    t0 = _new_workshop(advisor, "Start", "2025-01-20", new="Plåtslageriet AB")
    company = _company_id(app, t0)
    _participant(app, questionnaire, t0, 1)
    _participant(app, questionnaire, t0, 2)
    _set_profile(advisor, t0)

    own = Survey(app.test_client(), questionnaire)
    own.complete({"employees": "45", "sni": "25"}, level=4)  # later, online, on its own
    page = advisor.get(f"/radgivare/foretag/{company}")
    linked = advisor.post(
        f"/radgivare/foretag/{company}/koppla",
        data={"csrf_token": csrf_token(page.text), "link": f"http://lyftkollen.test/a/{own.token}"},
    )
    assert linked.status_code == 302

    text = advisor.get(f"/radgivare/foretag/{company}/jamforelse").text
    now_options = _options(text, "till")
    assert len(now_options) == 2
    self_key, selected, label = now_options[1]
    assert self_key.startswith("a-") and own.token not in text  # the private link stays private
    assert selected and "Self-assessment online (1 respondent)" in label

    then = _stored(app, t0)
    with app.app_context():
        mine = db.session.execute(select(Assessment).where(Assessment.token == own.token))
        stored = mine.scalar_one()
        own_scores = stored.scores["dimensions"]
        own_primary = stored.recommendation["primary"]["id"]
    catalogue = app.extensions["lyftkollen.content"].catalogue
    row = _row(text, "data-dimension", "strategy")
    change = own_scores["strategy"]["score"] - then.means["strategy"]
    assert _seen(row["change"]) == _signed(change) and change > 0
    assert _seen(row["spread-then"]) == f"±{then.spreads['strategy']}"
    assert _seen(row["spread-now"]) == "–"
    assert "no spread" in _heard(row["spread-now"])
    assert re.search(r'data-now="respondents">1<', text)
    assert _primary(text, "then") == then.primary
    assert _primary(text, "now") == catalogue.offering(own_primary).name.get("en")

    chosen = advisor.get(f"/radgivare/foretag/{company}/jamforelse?fran={self_key}&till=w-{t0}")
    assert chosen.status_code == 200
    assert _seen(_row(chosen.text, "data-dimension", "strategy")["spread-then"]) == "–"


def _progress(page: str) -> dict[str, str]:
    """The then-plan's items on the page: question text -> "Reached" or "Not yet"."""
    found = {}
    for item in re.findall(r'<li class="plan-(?:reached|open)">(.*?)</li>', page, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
        question = re.search(r": (.*?\?)", text)
        assert question
        found[question.group(1)] = "Reached" if "Reached" in text else "Not yet"
    return found


def test_then_and_now_marks_the_steps_of_the_first_plan_that_were_reached(
    app: Flask, advisor: FlaskClient, questionnaire: Any
) -> None:
    """T0 plans a step up from level 1 on each of its items. At T1 the team answers
    everything at level 2, except one planned item, still at 1: only that is not reached."""
    t0 = _new_workshop(advisor, "Start", "2025-02-01", new="Gjuteriet AB")
    company = _company_id(app, t0)
    for _ in range(2):
        _participant(app, questionnaire, t0, 1)
    _set_profile(advisor, t0)
    with app.app_context():
        found = measurements(_workshop(app, t0).company)
        plan = found[0].plan
    singles = [i for i in plan if i.kind == "single"]
    assert len(singles) >= 2 and all(i.now.level == 1 and i.next.level == 2 for i in singles)
    stuck = questionnaire.question(singles[0].question)
    still = next(o.value for o in stuck.options if o.level == 1)
    t1 = _new_workshop(advisor, "Uppföljning", "2025-09-01", company)
    for _ in range(2):
        _participant(app, questionnaire, t1, 2, {stuck.id: still})

    page = advisor.get(f"/radgivare/foretag/{company}/jamforelse").text
    progress = _progress(page)
    texts = {i.question: questionnaire.question(i.question).text.get("en") for i in plan}
    assert set(progress) == set(texts.values())
    assert progress.pop(texts[stuck.id]) == "Not yet"
    single_texts = {texts[i.question] for i in singles[1:]}
    assert single_texts and all(progress[t] == "Reached" for t in single_texts)
