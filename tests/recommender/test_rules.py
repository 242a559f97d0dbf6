"""The hard rules hold for every recommendation; reasons use the company's own figures."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.model import Questionnaire
from questionnaire.profile import CompanyProfile
from recommender.catalogue import OFFERING_IDS, Catalogue, Eligibility
from recommender.eligibility import exclusion_reason
from recommender.path import Reason, render_reason
from recommender.ranking import recommend

MANUFACTURING = [f"{n}" for n in range(10, 34)]
OTHER = ["41", "46", "62", "71", "25.620", "28.1", "other", "07"]

profiles = st.builds(
    CompanyProfile,
    employees=st.integers(min_value=1, max_value=5000),
    sni=st.one_of(st.none(), st.sampled_from(MANUFACTURING + OTHER)),
    completed=st.frozensets(st.sampled_from(OFFERING_IDS), max_size=4),
)
score_sets = st.fixed_dictionaries(
    {d: st.one_of(st.none(), st.integers(0, 100)) for d in DIMENSION_IDS}
)


@settings(max_examples=400, deadline=None)
@given(profile=profiles, scores=score_sets)
def test_hard_rules_are_never_broken(profile: CompanyProfile, scores: Any, catalogue: Catalogue):
    result = recommend(profile, scores, catalogue)
    sme = profile.employees < 250
    division = profile.sni_division
    path = result.path
    assert len(path) == len(set(path)), "an offering appears twice in the path"
    assert len(result.complementary) <= 2
    assert all(catalogue.offering(o).active for o in path), "a paused or ended offering"
    sme_only = {"inspirationsseminarium", "startprogram", "digitaliseringslyftet", "robotlyftet"}
    if not sme:
        assert not sme_only & set(path)
    if division is None or not 10 <= division <= 33:
        assert "robotlyftet" not in path
    for done in profile.completed:
        assert done not in path
    if "utvecklingsprogram" not in profile.completed:
        # Only as the step after the Utvecklingsprogram itself.
        assert "fordjupningsprogram" not in {s.offering for s in result.complementary}
        if result.primary is not None:
            assert result.primary.offering != "fordjupningsprogram"
        if result.later is not None and result.later.offering == "fordjupningsprogram":
            assert result.primary is not None
            assert result.primary.offering == "utvecklingsprogram"
    excluded = {e.offering for e in result.excluded}
    assert not excluded & set(path)
    for offering in OFFERING_IDS:
        if offering in profile.completed:
            assert offering in excluded


def test_large_company_sees_why_sme_offerings_are_excluded(catalogue: Catalogue) -> None:
    scores = dict.fromkeys(DIMENSION_IDS, 40)
    result = recommend(CompanyProfile(employees=600, sni="29"), scores, catalogue)
    reasons = {e.offering: e.reason for e in result.excluded}
    for offering in ("inspirationsseminarium", "startprogram", "edih"):
        assert reasons[offering] == Reason("not_sme", {"employees": 600})
    # An offering that takes no companies says that first, whatever the company's size.
    assert reasons["digitaliseringslyftet"] == Reason("offering_unconfirmed")


def test_robotlyftet_is_never_recommended_and_its_successor_takes_its_place(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    """Automation far behind in a stable manufacturer: once Robotlyftet, which ended in
    December 2021; now the European Digital Innovation Hubs, and the path says why."""
    scores = {**dict.fromkeys(DIMENSION_IDS, 55), "automation": 10, "change": 60}
    result = recommend(CompanyProfile(employees=40, sni="25"), scores, catalogue)
    assert "robotlyftet" not in result.path
    step = next(s for s in result.complementary if s.offering == "edih")
    names = {d.id: d.name for d in questionnaire.dimensions}
    texts = [render_reason(r, "sv", catalogue, names) for r in step.reasons]
    assert "Robotlyftet har avslutats; närmast motsvarande är en europeisk digital " \
        "innovationshubb (EDIH)." in texts, texts  # fmt: skip
    ended = next(e.reason for e in result.excluded if e.offering == "robotlyftet")
    assert render_reason(ended, "sv", catalogue, names) == ("Avslutades i december 2021.")
    assert render_reason(ended, "en", catalogue, names) == ("Ended in December 2021.")


def test_an_offering_with_no_active_successor_is_left_out_and_listed_once(
    catalogue: Catalogue,
) -> None:
    without = {
        **catalogue.by_id,
        "robotlyftet": catalogue.offering("robotlyftet").model_copy(update={"successor": None}),
        "edih": catalogue.offering("edih").model_copy(update={"remedies": ()}),
    }
    edited = catalogue.with_offerings(tuple(without.values()))
    scores = {**dict.fromkeys(DIMENSION_IDS, 55), "automation": 10, "change": 60}
    result = recommend(CompanyProfile(employees=40, sni="25"), scores, edited)
    assert "robotlyftet" not in result.path and "edih" not in result.path
    assert [e.offering for e in result.excluded].count("robotlyftet") == 1


def test_an_offering_for_named_industries_needs_the_industry(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    for_manufacturers = catalogue.offering("edih").model_copy(
        update={"eligibility": Eligibility(sme_only=True, industries="manufacturing")}
    )
    names = {d.id: d.name for d in questionnaire.dimensions}
    unknown = exclusion_reason(for_manufacturers, CompanyProfile(employees=40), catalogue)
    assert unknown == Reason("industry_not_given", {"industries": "manufacturing"})
    assert render_reason(unknown, "sv", catalogue, names) == (
        "Vänder sig till tillverkande företag (SNI 10–33). Ni har inte angett bransch, så vi "
        "kan inte säga om den passar. Ange bransch för att få veta."
    )
    other = CompanyProfile(employees=40, sni="other")
    reason = exclusion_reason(for_manufacturers, other, catalogue)
    assert reason is not None
    assert render_reason(reason, "sv", catalogue, names) == (
        "Vänder sig till tillverkande företag (SNI 10–33); er bransch hör inte dit."
    )
    assert exclusion_reason(for_manufacturers, CompanyProfile(40, sni="25.620"), catalogue) is None


def test_reasons_quote_the_company_s_own_scores(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    scores = {**dict.fromkeys(DIMENSION_IDS, 30), "change": 23}
    result = recommend(CompanyProfile(employees=18, sni="25"), scores, catalogue)
    names = {d.id: d.name for d in questionnaire.dimensions}
    assert result.primary is not None
    texts = [render_reason(r, "sv", catalogue, names) for r in result.primary.reasons]
    assert any("förändringsförmåga (23)" in t for t in texts), texts
    english = [render_reason(r, "en", catalogue, names) for r in result.primary.reasons]
    assert any("change capability (23)" in t for t in english), english


def test_lagging_skills_name_the_dimension(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    scores = {**dict.fromkeys(DIMENSION_IDS, 55), "people": 15, "change": 60}
    result = recommend(CompanyProfile(employees=60, sni="16"), scores, catalogue)
    step = next(s for s in result.complementary if s.offering == "kunskapslyft")
    names = {d.id: d.name for d in questionnaire.dimensions}
    text = render_reason(step.reasons[0], "sv", catalogue, names)
    assert text.startswith("Människan i digitaliseringen (15)"), text


def test_a_later_step_is_not_also_listed_as_excluded(catalogue: Catalogue) -> None:
    scores = {**dict.fromkeys(DIMENSION_IDS, 45), "change": 65}
    result = recommend(CompanyProfile(employees=90, sni="28"), scores, catalogue)
    assert result.primary is not None and result.primary.offering == "utvecklingsprogram"
    assert result.later is not None and result.later.offering == "fordjupningsprogram"
    assert "fordjupningsprogram" not in {e.offering for e in result.excluded}


@settings(max_examples=300, deadline=None)
@given(profile=profiles, scores=score_sets)
def test_reasons_quote_the_figures_the_result_page_shows(
    profile: CompanyProfile, scores: Any, catalogue: Catalogue
) -> None:
    from questionnaire.scoring import area_indices, overall_index

    overall = overall_index(area_indices(scores))
    result = recommend(profile, scores, catalogue)
    steps = [s for s in (result.primary, *result.complementary, result.later) if s]
    for reason in (r for step in steps for r in step.reasons):
        if "overall" in reason.params:
            assert reason.params["overall"] == overall
        if "change" in reason.params:
            assert reason.params["change"] == scores["change"]  # never a stand-in
        if reason.code == "broad_needs":
            assert reason.params["count"] >= 1


def test_unmeasured_change_capability_is_not_reported_as_low(catalogue: Catalogue) -> None:
    scores = {**dict.fromkeys(DIMENSION_IDS, 20), "change": None}
    result = recommend(CompanyProfile(employees=20, sni="25"), scores, catalogue)
    assert result.primary is not None
    codes = [r.code for r in result.primary.reasons]
    assert "change_low" not in codes and "overall_low" in codes


def test_low_change_capability_on_a_good_base_builds_it_in_the_development_programme(
    catalogue: Catalogue,
) -> None:
    scores = {**dict.fromkeys(DIMENSION_IDS, 80), "change": 30}
    result = recommend(CompanyProfile(employees=80, sni="25"), scores, catalogue)
    assert result.primary is not None
    assert result.primary.offering == "utvecklingsprogram"
    assert [r.code for r in result.primary.reasons] == ["build_change_capability"]


def test_offerings_inside_sentences_take_their_definite_form(
    catalogue: Catalogue, questionnaire: Questionnaire
) -> None:
    scores = {**dict.fromkeys(DIMENSION_IDS, 45), "change": 65}
    result = recommend(CompanyProfile(employees=90, sni="28"), scores, catalogue)
    assert result.later is not None
    names = {d.id: d.name for d in questionnaire.dimensions}
    reason = result.later.reasons[0]
    assert render_reason(reason, "sv", catalogue, names).startswith(
        "När ni har genomfört Utvecklingsprogrammet är"
    )
    assert render_reason(reason, "en", catalogue, names).startswith(
        "Once you have completed the Development programme,"
    )
