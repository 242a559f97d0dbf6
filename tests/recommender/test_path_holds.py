"""A path that holds: every dimension has somewhere to go, a small firm is not given too
much at once, and the reasons neither contradict each other nor claim what the numbers
do not show."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.dimensions import AREA_OF, CHANGE_CAPABILITY, DIMENSION_IDS
from questionnaire.model import Questionnaire
from questionnaire.profile import CompanyProfile
from questionnaire.scoring import area_indices, overall_index
from recommender.catalogue import Catalogue
from recommender.evidence import Evidence, Quote
from recommender.outcome import assess
from recommender.path import Reason, Recommendation, Step, render_reason
from recommender.ranking import recommend
from tests.recommender.conftest import Content

TRACKS = ("inspirationsseminarium", "startprogram", "utvecklingsprogram", "fordjupningsprogram")


def _steps(path: Recommendation) -> list[Step]:
    return [s for s in (path.primary, *path.complementary, *path.deferred, path.later) if s]


def _claims_hold(
    reason: Reason,
    step: Step,
    path: Recommendation,
    profile: CompanyProfile,
    scores: dict[str, int],
    evidence: Evidence | None,
    catalogue: Catalogue,
) -> bool:
    """Whether what ``reason`` says is what the company's figures and answers show."""
    t, p = catalogue.thresholds, reason.params
    areas = area_indices(scores)
    overall = overall_index(areas)
    change = scores.get(CHANGE_CAPABILITY)
    weak = [d for d, s in scores.items() if s < t.weak_dimension]
    checks: dict[str, Any] = {
        "overall_low": lambda: p["overall"] == overall and overall < t.low,
        "change_low": lambda: p["change"] == change and change is not None and change < t.low,
        "some_readiness": lambda: p["overall"] == overall and t.basic < overall < t.low,
        "change_adequate": lambda: p["change"] == change and change >= t.low,
        "broad_needs": lambda: (
            p["count"] == len(weak)
            and p["measured"] == len(scores)
            and 2 * len(weak) >= len(scores)
        ),
        "some_needs": lambda: p["count"] == len(weak) and 0 < 2 * len(weak) < len(scores),
        "solid_base": lambda: p["overall"] == overall and overall >= t.low,
        "build_change_capability": lambda: change is not None and change < t.low <= overall,
        "large_company_change": lambda: (
            profile.employees > catalogue.company.sme_max_employees
            and change is not None
            and change < t.low
        ),
        "high_maturity": lambda: (
            overall >= t.high
            and min(scores.values()) >= t.high_floor
            and p["lowest"] == min(scores.values())
        ),
        "dimension_lags": lambda: (
            scores[p["dimension"]] == p["score"] <= t.lag_ceiling
            and p["others"] - p["score"] >= t.lag_gap - 0.5
        ),
        "digital_lags": lambda: (
            p["digital"] == areas["digital"] <= t.lag_ceiling
            and change is not None
            and change >= t.low
        ),
        "stable_enough": lambda: change is not None and change >= t.low,
        "small_company": lambda: profile.employees <= catalogue.company.small_max_employees,
        "economy_weak": lambda: (
            p["score"] == scores.get("economic") and p["score"] <= catalogue.economy.lag
        ),
        "economy_loss": lambda: evidence is not None and evidence.margin == p["margin"] < 0,
        "economy_one_customer": lambda: (
            evidence is not None and evidence.dominant_customer is not None
        ),
        "short_first": lambda: any(r.code.startswith("economy_") for r in step.reasons),
        "capacity_answered": lambda: (
            evidence is not None
            and evidence.development is not None
            and evidence.development.level <= catalogue.capacity.little_at_most
        ),
        "capacity_unknown": lambda: (
            evidence is not None
            and evidence.development is None
            and profile.employees < catalogue.capacity.unknown_small_below
        ),
        "after_primary": lambda: (
            path.primary is not None and p["offering"] == path.primary.offering
        ),
    }
    check = checks.get(reason.code)
    return True if check is None else bool(check())


def _little_time(evidence: Evidence | None, profile: CompanyProfile, catalogue: Catalogue) -> bool:
    if evidence is None:
        return False
    answer, capacity = evidence.development, catalogue.capacity
    if answer is None:
        return profile.employees < capacity.unknown_small_below
    return answer.level <= capacity.little_at_most


def _level(evidence: Evidence | None, params: Any) -> float:
    """The level of the answer a reason quotes, from the evidence it was quoted from."""
    assert evidence is not None
    return next(q.level for q in evidence.quotes if q.question == params["question"])


QUESTIONS = {
    "strategy": "strategy_plan", "readiness": "readiness_order_flow", "people": "people_skills",
    "data": "data_backup", "automation": "automation_production",
    "green_digital": "green_digital_energy_metering", "social": "social_safety",
    "ecological": "ecological_energy", "economic": "economic_productivity",
    "change": "change_improvement",
}  # fmt: skip
quote_sets = st.lists(
    st.tuples(st.sampled_from(sorted(QUESTIONS)), st.integers(0, 4)),
    unique_by=lambda pair: pair[0],
).map(lambda pairs: tuple(Quote(d, QUESTIONS[d], f"level_{n}", float(n)) for d, n in pairs))

scores_strategy = st.fixed_dictionaries({d: st.integers(0, 100) for d in DIMENSION_IDS})
profiles = st.builds(
    CompanyProfile,
    employees=st.integers(1, 3000),
    sni=st.sampled_from(["10", "22", "25", "28", "33", "07", "35", "71"]),
    completed=st.frozensets(st.sampled_from(TRACKS), max_size=2),
)
evidences = st.one_of(
    st.none(),
    st.builds(
        Evidence,
        quotes=quote_sets,
        margin=st.one_of(st.none(), st.integers(-30, 30).map(float)),
        dominant_customer=st.sampled_from(
            [None, Quote("economic", "economic_largest_customer", "over_50", 0.0)]
        ),
        development=st.one_of(
            st.none(),
            st.sampled_from(
                ["none", "spare_time", "some_time", "protected_budget", "built_in"]
            ).map(
                lambda v: Quote(
                    "change",
                    "change_resources",
                    v,
                    float(
                        ["none", "spare_time", "some_time", "protected_budget", "built_in"].index(v)
                    ),
                )
            ),
        ),  # fmt: skip
    ),
)


@settings(max_examples=400, deadline=None)
@given(profile=profiles, scores=scores_strategy, evidence=evidences)
def test_no_path_contradicts_itself_or_its_numbers(
    profile: CompanyProfile, scores: dict[str, int], evidence: Evidence | None, catalogue: Catalogue
) -> None:
    path = recommend(profile, scores, catalogue, evidence)
    steps = _steps(path)
    codes = [r.code for s in steps for r in s.reasons]
    for pair in catalogue.conflicts:
        assert not pair <= set(codes), (sorted(pair), codes)
    for step in steps:
        assert step.reasons, f"{step.offering} has no reason"
        assert all(r.code in catalogue.reasons for r in step.reasons)
        for reason in step.reasons:
            assert _claims_hold(reason, step, path, profile, scores, evidence, catalogue), reason
    if path.primary is not None:
        assert path.primary.when == "now"
    assert all(s.when == "now" for s in path.complementary)
    assert all(s.when == "6_months" for s in path.deferred)
    little = _little_time(evidence, profile, catalogue)
    if little:
        assert len(path.complementary) <= catalogue.capacity.complements_now
        if path.later is not None and path.primary is not None:
            months = catalogue.offering(path.primary.offering).months
            brief = months is not None and months < 1  # a seminar of a few hours
            assert path.later.when == ("6_months" if brief else "1_2_years")
    else:
        assert path.deferred == ()


def test_a_loss_making_sme_starts_short_with_almi_and_its_path_names_the_economy(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    """A subcontractor with a loss and over half its sales to one customer, otherwise ready
    for the long programme: it starts short, Almi beside it, and the reasons say why."""
    scores = {**dict.fromkeys(DIMENSION_IDS, 50), "change": 60, "economic": 45}
    customer = Quote("economic", "economic_largest_customer", "over_50", 0.0)
    evidence = Evidence(margin=-4.0, dominant_customer=customer)
    profile = CompanyProfile(employees=35, sni="25")
    path = recommend(profile, scores, catalogue, evidence)
    # Change capability (60) is adequate: the short track that launches, not the seminar
    # that sparks the will.
    assert path.primary is not None and path.primary.offering == "startprogram"
    assert "almi" in [s.offering for s in path.complementary]
    names = {d.id: d.name for d in questionnaire.dimensions}
    words = [render_reason(r, "sv", catalogue, names, questionnaire) for r in path.primary.reasons]
    assert "Ni angav en rörelsemarginal på \u22124 %, alltså en förlust." in words
    assert any("”Mer än hälften”" in w for w in words), words
    assert any("börja med ett kortare steg innan ni binder er" in w for w in words)
    # Without the loss and the customer, the same company gets the long programme.
    steady = recommend(profile, scores, catalogue, Evidence())
    assert steady.primary is not None and steady.primary.offering == "utvecklingsprogram"


def test_a_large_company_keeps_its_track_with_the_economic_reason(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    scores = {**dict.fromkeys(DIMENSION_IDS, 70), "change": 70, "economic": 30}
    path = recommend(CompanyProfile(employees=400, sni="28"), scores, catalogue, Evidence())
    assert path.primary is not None and path.primary.offering == "utvecklingsprogram"
    codes = [r.code for r in path.primary.reasons]
    assert "economy_weak" in codes and "economy_in_track" in codes
    assert "solid_base" not in codes  # a weak economy is no solid base
    assert "almi" not in path.path  # Almi is for SMEs
    names = {d.id: d.name for d in questionnaire.dimensions}
    weak = next(r for r in path.primary.reasons if r.code == "economy_weak")
    assert render_reason(weak, "sv", catalogue, names) == (
        "Er ekonomiska hållbarhet (30) är låg (35 eller lägre)."
    )


def test_a_small_firm_developing_on_spare_time_gets_one_complement_now(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    """12 people, development "on evenings or when it is quiet": IUC and a lagging
    dimension's initiative would both run now; one waits."""
    scores = {**dict.fromkeys(DIMENSION_IDS, 55), "people": 20, "change": 60}
    spare = Quote("change", "change_resources", "spare_time", 1.0)
    profile = CompanyProfile(employees=12, sni="25")
    path = recommend(profile, scores, catalogue, Evidence(development=spare))
    assert len(path.complementary) == 1
    assert len(path.deferred) == 1 and path.deferred[0].when == "6_months"
    names = {d.id: d.name for d in questionnaire.dimensions}
    why = render_reason(path.deferred[0].reasons[-1], "sv", catalogue, names, questionnaire)
    assert "”Utveckling görs på kvällar eller när det är lugnt i verkstaden”" in why
    # With time set aside, both run now; and figures alone count as full capacity.
    budget = Quote("change", "change_resources", "protected_budget", 3.0)
    assert (
        len(recommend(profile, scores, catalogue, Evidence(development=budget)).complementary) == 2
    )
    assert len(recommend(profile, scores, catalogue).complementary) == 2
    # Not answered, in a firm of fewer than 20: little capacity too.
    unknown = recommend(profile, scores, catalogue, Evidence())
    assert len(unknown.complementary) == 1 and len(unknown.deferred) == 1


def test_the_later_step_is_timed_by_the_primary_step_s_length(catalogue: Catalogue) -> None:
    long = recommend(
        CompanyProfile(employees=90, sni="28"),
        {**dict.fromkeys(DIMENSION_IDS, 45), "change": 65},
        catalogue,
    )
    assert long.later is not None and long.later.when == "1_2_years"  # after 18 months
    short = recommend(
        CompanyProfile(employees=18, sni="25"), dict.fromkeys(DIMENSION_IDS, 20), catalogue
    )
    assert short.primary is not None and short.primary.offering == "inspirationsseminarium"
    assert short.later is not None and short.later.when == "6_months"  # after a seminar


def _answers_at(q: Questionnaire, level: int) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for _, section in q.dimension_sections:
        for x in section.questions:
            if x.type == "single":
                answers[x.id] = next(o.value for o in x.options if o.level == level)
            elif x.type == "multi":
                answers[x.id] = ["none"] if level == 0 else [x.answer_options[0].value]
            else:
                assert x.thresholds is not None
                answers[x.id] = x.thresholds[level - 1] if level else x.min
    return answers


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("employees", [8, 60, 400])
def test_an_assessment_s_path_quotes_an_answer_in_its_own_words(
    content: Content, level: int, employees: int
) -> None:
    q = content.questionnaire
    answers = _answers_at(q, level)
    outcome = assess(answers, {"employees": employees, "sni": "25"}, content)
    path = outcome.recommendation
    assert path is not None and path.status == "ready"
    names = {d.id: d.name for d in q.dimensions}
    labels = {
        o.label.sv
        for x in q.questions
        if isinstance(answers.get(x.id), str)
        for o in x.options
        if o.value == answers[x.id]
    }
    texts = [
        render_reason(r, "sv", content.catalogue, names, q) for s in _steps(path) for r in s.reasons
    ]
    assert any(f"”{label}”" in t for t in texts for label in labels), texts


def test_figures_alone_quote_nothing(content: Content) -> None:
    from recommender.outcome import assess_scores

    outcome = assess_scores(
        dict.fromkeys(DIMENSION_IDS, 30), {"employees": 8, "sni": "25"}, content
    )
    path = outcome.recommendation
    assert path is not None and path.status == "ready"
    assert not [r for s in _steps(path) for r in s.reasons if "question" in r.params]
    assert path.deferred == ()  # capacity unknown from figures counts as full


def test_every_dimension_has_somewhere_to_go(catalogue: Catalogue) -> None:
    remedied = {d for o in catalogue.offerings if o.active for d in o.remedies}
    digital_area = {d for d in DIMENSION_IDS if AREA_OF[d] == "digital"}
    # Change capability is answered by the tracks themselves; every other dimension
    # has an active offering that remedies it.
    assert set(DIMENSION_IDS) - {CHANGE_CAPABILITY} <= remedied, remedied
    assert digital_area <= remedied


def test_a_mature_sme_with_one_big_customer_is_not_sent_back_to_the_start(
    catalogue: Catalogue,
) -> None:
    """Well ahead everywhere, profitable, one customer above half the sales: the
    dependence is named in the path, but no seminar to spark a will it already has."""
    scores = {**dict.fromkeys(DIMENSION_IDS, 78), "economic": 60}
    customer = Quote("economic", "economic_largest_customer", "over_50", 0.0)
    path = recommend(
        CompanyProfile(employees=120, sni="29"), scores, catalogue,
        Evidence(margin=8.0, dominant_customer=customer),
    )  # fmt: skip
    assert path.primary is not None and path.primary.offering == "testbadd"
    assert not {"inspirationsseminarium", "startprogram"} & set(path.path)
    assert "economy_one_customer" in [r.code for r in path.primary.reasons]


def test_the_will_building_seminar_comes_first_only_when_the_will_is_low(
    catalogue: Catalogue,
) -> None:
    """Only where the rules would start with the seminar anyway (overall index and
    change capability both at most 25) does a lagging economy start there too."""
    low = recommend(
        CompanyProfile(employees=25, sni="25"),
        {**dict.fromkeys(DIMENSION_IDS, 20), "economic": 20, "change": 20},
        catalogue,
    )
    assert low.primary is not None and low.primary.offering == "inspirationsseminarium"
    assert "change_low" in [r.code for r in low.primary.reasons]  # why the seminar
    for change in (31, 55):
        able = recommend(
            CompanyProfile(employees=25, sni="25"),
            {**dict.fromkeys(DIMENSION_IDS, 40), "economic": 20, "change": change},
            catalogue,
        )
        assert able.primary is not None and able.primary.offering == "startprogram", change


def test_an_ended_offering_is_mentioned_only_to_companies_it_served(
    catalogue: Catalogue,
) -> None:
    """An engineering consultancy (SNI 71) was never one Robotlyftet served: EDIH may be
    proposed for its automation, without a word about Robotlyftet."""
    scores = {**dict.fromkeys(DIMENSION_IDS, 55), "automation": 10, "change": 60}
    consultancy = recommend(CompanyProfile(employees=40, sni="71"), scores, catalogue)
    codes = [r.code for s in consultancy.complementary for r in s.reasons]
    assert "replaces_ended" not in codes
    manufacturer = recommend(CompanyProfile(employees=40, sni="25"), scores, catalogue)
    assert "replaces_ended" in [r.code for s in manufacturer.complementary for r in s.reasons]


def test_a_step_s_reasons_stay_few_when_many_dimensions_lag(catalogue: Catalogue) -> None:
    """Digitally weak all round: one lagging dimension (the furthest behind), the digital
    area's own reason and one successor line, not a list of every lag."""
    scores = {**dict.fromkeys(DIMENSION_IDS, 60), "strategy": 25, "readiness": 30,
              "data": 28, "automation": 20, "green_digital": 22, "people": 45}  # fmt: skip
    path = recommend(CompanyProfile(employees=40, sni="25"), scores, catalogue)
    edih = next(s for s in path.complementary if s.offering == "edih")
    codes = [r.code for r in edih.reasons]
    assert codes.count("dimension_lags") == 1
    lag = next(r for r in edih.reasons if r.code == "dimension_lags")
    assert lag.params["dimension"] == "automation"  # 20: the furthest behind
    assert sum(c.startswith("replaces_") for c in codes) == 1
    assert len(codes) <= 4, codes


def test_a_quote_shows_a_weakness_only_where_the_answer_is_weak(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    scores = {**dict.fromkeys(DIMENSION_IDS, 60), "people": 20, "change": 65}
    names = {d.id: d.name for d in questionnaire.dimensions}
    profile = CompanyProfile(employees=60, sni="25")
    budget = Quote("change", "change_resources", "protected_budget", 3.0)
    middling = Quote("people", "people_skills", "own_tasks", 2.0)
    weak = Quote("people", "people_skills", "basics", 1.0)
    for quote in (middling, weak):
        path = recommend(
            profile, scores, catalogue, Evidence(development=budget, quotes=(quote, budget))
        )
        step = next(s for s in path.complementary if s.offering == "kunskapslyft")
        # A middling answer is never quoted as the lag; a weak one may be.
        lag_quotes = [r for r in step.reasons if r.code == "answer_quote"]
        assert not lag_quotes or quote is weak
        # Whatever quotes it, an answer is quoted once in the path.
        quoting = [
            r
            for s in _steps(path)
            for r in s.reasons
            if r.params.get("question") == "people_skills"
        ]
        assert len(quoting) <= 1, quoting
    weak_path = recommend(
        profile, scores, catalogue, Evidence(development=budget, quotes=(weak, budget))
    )
    texts = [
        render_reason(r, "sv", catalogue, names, questionnaire)
        for s in _steps(weak_path)
        for r in s.reasons
    ]
    assert sum("De flesta klarar grunderna" in t for t in texts) == 1, texts
    # Beside "change capability is enough", no weak change answer is quoted.
    spare = Quote("change", "change_resources", "spare_time", 1.0)
    path = recommend(profile, scores, catalogue, Evidence(development=spare, quotes=(spare,)))
    assert path.primary is not None and path.primary.offering == "utvecklingsprogram"
    assert not [r for r in path.primary.reasons if r.params.get("question") == "change_resources"]
    assert "capacity_caveat" in [r.code for r in path.primary.reasons]
    assert path.later is not None and path.later.when == "1_2_years"
