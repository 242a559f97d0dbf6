"""The learned ranking: it learns, it keeps the hard rules, and the app falls back to the rules."""

import json
import math
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.model import Questionnaire
from questionnaire.profile import CompanyProfile
from questionnaire.scoring import score_assessment
from recommender import features as features_module
from recommender import learned
from recommender.catalogue import OFFERING_IDS, Catalogue
from recommender.eligibility import excluded_offerings
from recommender.features import (
    FEATURE_NAMES,
    DecisionCase,
    feature_dimensions,
    feature_vector,
)
from recommender.learned import (
    CARD_FILE,
    METADATA_FILE,
    Decision,
    LoadStatus,
    TrainedModel,
    cross_validate,
    learned_recommendation,
    load,
    recommendation_for,
    rules_recommendation,
    save,
    train,
)
from recommender.path import Recommendation, Step
from recommender.synthetic import advisor_rule, random_case, synthetic_decisions

# The installation id of the database the test models' decisions come from, and loading
# them there with demo mode off.
HERE = "0123456789abcdef0123456789abcdef"
HERE_REAL: dict[str, Any] = {"installation_id": HERE, "demo_mode": False}


@pytest.fixture(scope="module")
def model(catalogue: Catalogue) -> TrainedModel:
    """Trained on decisions from a known rule the rule-based ranking does not follow."""
    return train(
        synthetic_decisions(1500, seed=1, rule=advisor_rule, catalogue=catalogue),
        catalogue,
        installation_id=HERE,
    )


@pytest.fixture(scope="module")
def noisy_model(catalogue: Catalogue) -> TrainedModel:
    """Trained with much label noise, so it ranks every offering somewhere."""
    decisions = synthetic_decisions(800, seed=2, rule=advisor_rule, catalogue=catalogue, noise=0.5)
    return train(decisions, catalogue, folds=3, installation_id=HERE)


@pytest.fixture(scope="module")
def rules_model(catalogue: Catalogue) -> TrainedModel:
    """Trained on the rules' own choices: it cannot beat them."""

    def rules_primary(case: DecisionCase, catalogue: Catalogue) -> str:
        primary = rules_recommendation(case, catalogue).primary
        assert primary is not None
        return primary.offering

    decisions = synthetic_decisions(300, seed=3, rule=rules_primary, catalogue=catalogue)
    return train(decisions, catalogue, folds=3, installation_id=HERE)


# (a) It learns --------------------------------------------------------------------------------


def test_the_model_recovers_a_known_rule_the_rules_do_not_follow(
    model: TrainedModel, catalogue: Catalogue
) -> None:
    held_out = synthetic_decisions(300, seed=99, rule=advisor_rule, catalogue=catalogue)
    learned_hits = rules_hits = 0
    for decision in held_out:
        result = learned_recommendation(decision.case, catalogue, model)
        assert result.recommendation.primary is not None
        learned_hits += result.recommendation.primary.offering == decision.chosen
        rules_primary = rules_recommendation(decision.case, catalogue).primary
        rules_hits += rules_primary is not None and rules_primary.offering == decision.chosen
    assert learned_hits / len(held_out) >= 0.9
    assert rules_hits / len(held_out) < 0.8, "the rule must not be the rules' own"
    # Cross-validation saw the same: the model beat the rules on the same folds.
    evaluation = model.evaluation
    assert evaluation.beats_rules
    assert evaluation.model_top1 >= 0.9 > evaluation.rules_top1
    assert evaluation.model_top2 >= evaluation.model_top1
    assert [f.fold for f in evaluation.folds] == [1, 2, 3, 4, 5]
    assert sum(f.n_test for f in evaluation.folds) == evaluation.n_used


def test_the_explanation_names_the_dimension_the_rule_looks_at(
    model: TrainedModel, catalogue: Catalogue
) -> None:
    # The rule sends an SME with low change capability to the Startprogram.
    scores: dict[str, float | None] = {**dict.fromkeys(DIMENSION_IDS, 55), "change": 20}
    case = DecisionCase(CompanyProfile(employees=60, sni="25"), scores)
    result = recommendation_for(case, catalogue, model)
    assert result.source == "learned"
    assert result.recommendation.primary is not None
    assert result.recommendation.primary.offering == "startprogram"
    assert result.explanation is not None
    assert result.decisions == model.metadata.n_used == result.explanation.decisions
    dimensions = result.explanation.dimensions
    assert 1 <= len(dimensions) <= 3
    assert all(w.weight > 0 and w.dimension in DIMENSION_IDS for w in dimensions)
    assert dimensions[0].dimension == "change" and dimensions[0].score == 20
    assert result.explanation.ranking[0][0] == "startprogram"


def test_rare_choices_are_dropped_and_reported(catalogue: Catalogue) -> None:
    decisions = synthetic_decisions(200, seed=5, rule=advisor_rule, catalogue=catalogue)
    rare = Decision(decisions[0].case, "kunskapslyft")
    evaluation = cross_validate([*decisions, rare], catalogue, folds=3)
    assert evaluation.dropped.get("kunskapslyft") == 1
    assert evaluation.n_decisions == evaluation.n_used + sum(evaluation.dropped.values())


def test_too_few_choices_cannot_be_learned(catalogue: Catalogue) -> None:
    case = random_case(random.Random(0))
    with pytest.raises(learned.InsufficientData):
        cross_validate([Decision(case, "iuc")] * 10, catalogue)


def test_the_data_hash_ignores_order(catalogue: Catalogue) -> None:
    decisions = synthetic_decisions(30, seed=6, rule=advisor_rule, catalogue=catalogue)
    assert learned.data_hash(decisions) == learned.data_hash(list(reversed(decisions)))
    changed = [Decision(decisions[0].case, "iuc"), *decisions[1:]]
    assert learned.data_hash(changed) != learned.data_hash(decisions)


# (b) The hard rules hold for every learned recommendation ------------------------------------

MANUFACTURING = [f"{n}" for n in range(10, 34)]
OTHER = ["41", "46", "62", "71", "25.620", "28.1"]
profiles = st.builds(
    CompanyProfile,
    employees=st.integers(min_value=1, max_value=5000),
    sni=st.one_of(st.none(), st.sampled_from(MANUFACTURING + OTHER)),
    completed=st.frozensets(st.sampled_from(OFFERING_IDS), max_size=4),
)
score_sets = st.fixed_dictionaries(
    {d: st.one_of(st.none(), st.integers(0, 100)) for d in DIMENSION_IDS}
)


def _assert_hard_rules(profile: CompanyProfile, result: Any, catalogue: Catalogue) -> None:
    recommendation = result.recommendation
    path = recommendation.path
    excluded_now = excluded_offerings(profile, catalogue)
    if result.source == "learned":
        assert path, "the learned ranking always recommends something"
    assert len(path) == len(set(path))
    assert len(recommendation.complementary) <= 2
    assert "robotlyftet" not in path and "digitaliseringslyftet" not in path  # not active
    # Nothing the hard rules exclude, except the later step once the primary is done.
    for step in (recommendation.primary, *recommendation.complementary):
        assert step is None or step.offering not in excluded_now, step
    if recommendation.later is not None:
        assert recommendation.later.offering in {o.next for o in catalogue.offerings}
        assert catalogue.offering(recommendation.primary.offering).next == (
            recommendation.later.offering
        )
    if profile.employees > catalogue.company.sme_max_employees:
        sme_only = {o.id for o in catalogue.offerings if o.eligibility.sme_only}
        assert not sme_only & set(path)
    division = profile.sni_division
    if division is None or not 10 <= division <= 33:
        assert "robotlyftet" not in path
    assert not set(profile.completed) & set(path)
    listed_as_excluded = {e.offering for e in recommendation.excluded}
    assert not listed_as_excluded & set(path)
    if result.source == "learned":
        assert result.explanation.offering == path[0]


@settings(max_examples=250, deadline=None)
@given(profile=profiles, scores=score_sets)
def test_hard_rules_hold_for_every_learned_recommendation(
    profile: CompanyProfile, scores: Any, noisy_model: TrainedModel, catalogue: Catalogue
) -> None:
    result = learned_recommendation(DecisionCase(profile, scores), catalogue, noisy_model)
    _assert_hard_rules(profile, result, catalogue)


def test_the_hard_rules_overrule_the_model_when_they_must(
    model: TrainedModel, catalogue: Catalogue
) -> None:
    rng = random.Random(7)
    overruled = 0
    for _ in range(200):
        case = random_case(rng)
        # What an advisor would choose, already done, or a company too large for it:
        # the model's favourite is then often excluded and the hard rules must step in.
        favourite = advisor_rule(case, catalogue)
        profile = replace(
            case.profile,
            employees=rng.choice([case.profile.employees, 400, 3000]),
            completed=case.profile.completed | ({favourite} if rng.random() < 0.5 else set()),
        )
        case = replace(case, profile=profile)
        result = learned_recommendation(case, catalogue, model)
        _assert_hard_rules(profile, result, catalogue)
        probabilities = model.pipeline.predict_proba(np.asarray([feature_vector(case, catalogue)]))[
            0
        ]
        top = str(model.pipeline.classes_[int(np.argmax(probabilities))])
        overruled += top in excluded_offerings(profile, catalogue)
    assert overruled >= 20, "the test must include cases where the model's favourite is excluded"


# (c) The app falls back to the rules ----------------------------------------------------------


def _document(directory: Path) -> dict[str, Any]:
    return json.loads((directory / METADATA_FILE).read_text("utf-8"))


def _rewrite(directory: Path, **changes: Any) -> None:
    document = {**_document(directory), **changes}
    (directory / METADATA_FILE).write_text(json.dumps(document), "utf-8")


def test_no_saved_model_means_the_rules(tmp_path: Path, catalogue: Catalogue) -> None:
    result = load(tmp_path / "model", catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.ABSENT
    case = random_case(random.Random(1))
    ranked = recommendation_for(case, catalogue, result.model)
    assert ranked.source == "rules" and ranked.explanation is None and ranked.decisions is None
    assert ranked.recommendation == rules_recommendation(case, catalogue)


def test_a_tampered_model_file_is_refused(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue
) -> None:
    save(model, tmp_path)
    model_file = tmp_path / _document(tmp_path)["model_file"]
    data = bytearray(model_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_file.write_bytes(bytes(data))
    result = load(tmp_path, catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.TAMPERED


@pytest.mark.parametrize("library", ["scikit-learn", "numpy", "scipy"])
def test_a_model_saved_by_another_version_of_a_pickled_library_is_refused(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue, library: str
) -> None:
    save(model, tmp_path)
    running = _document(tmp_path)["versions"][library]
    _rewrite(tmp_path, versions={**_document(tmp_path)["versions"], library: "1.0.2"})
    result = load(tmp_path, catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.LIBRARY_VERSION
    assert result.detail == f"saved by {library} 1.0.2, this is {library} {running}: train it again"
    case = random_case(random.Random(3))
    assert recommendation_for(case, catalogue, result.model).source == "rules"


def test_a_model_that_does_not_say_which_numpy_and_scipy_saved_it_is_refused(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue
) -> None:
    save(model, tmp_path)
    versions = _document(tmp_path)["versions"]
    _rewrite(tmp_path, versions={"scikit-learn": versions["scikit-learn"]})
    result = load(tmp_path, catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.LIBRARY_VERSION
    assert result.detail == (
        "saved by numpy (version not recorded) and scipy (version not recorded), "
        f"this is numpy {versions['numpy']} and scipy {versions['scipy']}: train it again"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"feature_names": list(FEATURE_NAMES[:-1])},
        {"feature_spec_sha256": "0" * 64},
        {"classes": ["utvecklingsprogram", "no_such_offering"]},
    ],
)
def test_a_stale_model_is_refused(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue, changes: dict[str, Any]
) -> None:
    save(model, tmp_path)
    _rewrite(tmp_path, **changes)
    result = load(tmp_path, catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.STALE


def test_a_model_saved_in_another_format_is_refused(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue
) -> None:
    save(model, tmp_path)
    _rewrite(tmp_path, format_version=learned.FORMAT_VERSION + 1)
    assert load(tmp_path, catalogue, **HERE_REAL).status is LoadStatus.FORMAT_VERSION


@pytest.mark.parametrize(
    "content", ["{not json", "[]", json.dumps({"format_version": learned.FORMAT_VERSION})]
)
def test_unreadable_metadata_is_refused(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue, content: str
) -> None:
    save(model, tmp_path)
    (tmp_path / METADATA_FILE).write_text(content, "utf-8")
    result = load(tmp_path, catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.UNREADABLE


def test_a_model_file_outside_the_directory_is_never_read(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue
) -> None:
    save(model, tmp_path / "model")
    document = _document(tmp_path / "model")
    (tmp_path / "elsewhere.joblib").write_bytes(
        (tmp_path / "model" / document["model_file"]).read_bytes()
    )
    _rewrite(tmp_path / "model", model_file="../elsewhere.joblib")
    result = load(tmp_path / "model", catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.UNREADABLE


def test_a_model_that_did_not_beat_the_rules_is_saved_but_not_used(
    tmp_path: Path, rules_model: TrainedModel, catalogue: Catalogue
) -> None:
    evaluation = rules_model.evaluation
    assert evaluation.rules_top1 == 1.0 and not evaluation.beats_rules
    save(rules_model, tmp_path)
    assert "did not beat the rules" in (tmp_path / CARD_FILE).read_text("utf-8")
    result = load(tmp_path, catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.NOT_BETTER
    # Handed such a model directly, the app still lets the rules decide.
    case = random_case(random.Random(2))
    assert recommendation_for(case, catalogue, rules_model).source == "rules"


# (d) One feature definition for training and prediction --------------------------------------


def test_training_and_prediction_share_one_feature_function(
    monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    calls: list[DecisionCase] = []
    original = features_module.feature_vector

    def spy(case: DecisionCase, catalogue: Catalogue) -> list[float]:
        calls.append(case)
        return original(case, catalogue)

    monkeypatch.setattr(learned, "feature_vector", spy)
    decisions = synthetic_decisions(60, seed=8, rule=advisor_rule, catalogue=catalogue)
    trained = train(decisions, catalogue, folds=2, installation_id=HERE)
    assert {id(d.case) for d in decisions if d.chosen in trained.metadata.classes} <= {
        id(c) for c in calls
    }
    calls.clear()
    case = random_case(random.Random(3))
    learned_recommendation(case, catalogue, trained)
    assert calls and all(c is case for c in calls)
    assert trained.pipeline.n_features_in_ == len(FEATURE_NAMES)
    assert trained.metadata.feature_names == FEATURE_NAMES


def test_the_features_say_what_their_names_say(catalogue: Catalogue) -> None:
    scores: dict[str, float | None] = {**dict.fromkeys(DIMENSION_IDS, 40), "data": None}
    case = DecisionCase(
        CompanyProfile(employees=300, sni="62", completed=frozenset({"startprogram"})),
        scores,
        {"strategy": 0.75},
    )
    named = dict(zip(FEATURE_NAMES, feature_vector(case, catalogue), strict=True))
    assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES)) == len(feature_dimensions(case))
    assert math.isnan(named["score:data"]) and named["score:strategy"] == 40
    assert named["coverage:strategy"] == 0.75 and math.isnan(named["coverage:people"])
    assert named["area:digital"] == 40 and named["overall"] == 40
    assert named["size:large"] == 1 and named["size:small"] == named["size:medium"] == 0
    assert named["industry:other"] == 1 and named["industry:manufacturing"] == 0
    assert named["completed:startprogram"] == 1 and named["completed:iuc"] == 0
    # Every dimension-based feature shares itself out over dimensions, summing to one.
    for name, shares in zip(FEATURE_NAMES, feature_dimensions(case), strict=True):
        if name.split(":")[0] in {"score", "coverage", "area", "overall"}:
            assert math.isclose(sum(shares.values()), 1.0), name
            assert "data" not in shares or name.endswith(":data"), name
        else:
            assert shares == {}


def test_a_scored_assessment_becomes_a_case(questionnaire: Questionnaire) -> None:
    report = score_assessment(questionnaire, {})
    case = DecisionCase.from_report(CompanyProfile(employees=12), report)
    assert set(case.scores) == set(DIMENSION_IDS) and set(case.coverage) == set(DIMENSION_IDS)
    assert all(s is None for s in case.scores.values())
    assert all(c == 0.0 for c in case.coverage.values())


def test_top_two_is_the_primary_step_or_the_next_one_shown() -> None:
    def path(primary: str, complements: tuple[str, ...] = (), later: str | None = None) -> Any:
        return Recommendation(
            primary=Step(primary, ()),
            complementary=tuple(Step(c, ()) for c in complements),
            later=Step(later, ()) if later else None,
            excluded=(),
        )

    assert learned.agreement(path("startprogram"), "startprogram") == (True, True)
    with_complement = path("startprogram", ("iuc", "kunskapslyft"), "utvecklingsprogram")
    assert learned.agreement(with_complement, "iuc") == (False, True)
    assert learned.agreement(with_complement, "kunskapslyft") == (False, False)
    assert learned.agreement(with_complement, "utvecklingsprogram") == (False, False)
    without = path("startprogram", later="utvecklingsprogram")
    assert learned.agreement(without, "utvecklingsprogram") == (False, True)
    empty = Recommendation(primary=None, complementary=(), later=None, excluded=())
    assert learned.agreement(empty, "iuc") == (False, False)


# (e) Save and load ------------------------------------------------------------------------


def test_a_saved_model_loads_and_predicts_the_same(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue
) -> None:
    directory = tmp_path / "instance" / "recommender"
    save(model, directory)
    save(model, directory)  # saving again replaces, and leaves one model file
    assert len(list(directory.glob("model-*.joblib"))) == 1
    assert not list(directory.glob(".*tmp"))
    result = load(directory, catalogue, **HERE_REAL)
    assert result.status is LoadStatus.LOADED and result.model is not None
    assert result.model.metadata == model.metadata
    card = (directory / CARD_FILE).read_text("utf-8")
    assert model.metadata.data_sha256 in card and "| **all** |" in card
    rng = random.Random(4)
    cases = [random_case(rng) for _ in range(50)]
    x = learned.feature_matrix(cases, catalogue)
    assert np.array_equal(result.model.pipeline.predict_proba(x), model.pipeline.predict_proba(x))
    for case in cases[:10]:
        assert learned_recommendation(case, catalogue, result.model) == learned_recommendation(
            case, catalogue, model
        )


# (f) Where the decisions came from, and a reason for every learned step -------------------


@pytest.fixture(scope="module")
def demo_model(catalogue: Catalogue) -> TrainedModel:
    """Trained on real decisions and, as in demo mode, made-up ones."""
    decisions = synthetic_decisions(300, seed=11, rule=advisor_rule, catalogue=catalogue)
    mixed = [replace(d, demo=i % 3 == 0) for i, d in enumerate(decisions)]
    return train(mixed, catalogue, folds=3, installation_id=HERE)


def test_the_metadata_and_card_record_real_and_demo_decisions_and_the_database(
    tmp_path: Path, demo_model: TrainedModel, model: TrainedModel
) -> None:
    metadata = demo_model.metadata
    assert (metadata.real_decisions, metadata.demo_decisions) == (200, 100)
    assert metadata.installation_id == HERE
    save(demo_model, tmp_path)
    document = _document(tmp_path)
    assert (document["real_decisions"], document["demo_decisions"]) == (200, 100)
    assert document["installation_id"] == HERE
    card = (tmp_path / CARD_FILE).read_text("utf-8")
    assert "300 advisor decisions given (200 real, 100 made up" in card
    assert f"installation id `{HERE}`" in card and "only with DEMO_MODE on" in card
    intended_use = " ".join(card.split("## Intended use", 1)[1].split("## Data")[0].split())
    assert (
        "was saved by the same scikit-learn, NumPy and SciPy versions and runs on the database "
        "it was trained on; a model that learned from demo decisions is used only in demo "
        "mode." in intended_use
    )
    assert (model.metadata.real_decisions, model.metadata.demo_decisions) == (1500, 0)


def test_a_model_that_learned_from_demo_decisions_is_used_only_in_demo_mode(
    tmp_path: Path, demo_model: TrainedModel, catalogue: Catalogue
) -> None:
    assert demo_model.evaluation.beats_rules
    save(demo_model, tmp_path)
    outside = load(tmp_path, catalogue, installation_id=HERE, demo_mode=False)
    assert outside.model is None and outside.status is LoadStatus.DEMO_DATA
    assert "100 demo decisions" in outside.detail
    inside = load(tmp_path, catalogue, installation_id=HERE, demo_mode=True)
    assert inside.status is LoadStatus.LOADED and inside.model is not None


@pytest.mark.parametrize("demo_mode", [False, True])
def test_a_model_from_another_database_is_never_used(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue, demo_mode: bool
) -> None:
    save(model, tmp_path)
    for elsewhere in ("fedcba9876543210fedcba9876543210", None):
        result = load(tmp_path, catalogue, installation_id=elsewhere, demo_mode=demo_mode)
        assert result.model is None and result.status is LoadStatus.OTHER_DATABASE
        assert HERE in result.detail


def test_a_model_saved_before_it_recorded_where_its_decisions_came_from_is_refused(
    tmp_path: Path, model: TrainedModel, catalogue: Catalogue
) -> None:
    save(model, tmp_path)
    document = _document(tmp_path)
    for key in ("real_decisions", "demo_decisions", "installation_id"):
        del document[key]
    (tmp_path / METADATA_FILE).write_text(json.dumps({**document, "format_version": 1}), "utf-8")
    result = load(tmp_path, catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.FORMAT_VERSION
    (tmp_path / METADATA_FILE).write_text(json.dumps(document), "utf-8")
    result = load(tmp_path, catalogue, **HERE_REAL)
    assert result.model is None and result.status is LoadStatus.UNREADABLE


def profile_only_decisions(
    scores: dict[str, float | None], coverage: dict[str, float], n: int = 120
) -> list[Decision]:
    """Decisions on companies that differ only in size and in what they have done; their
    scores and coverage are all the same, so no dimension can weigh for any choice.
    After the Utvecklingsprogram the advisors chose Testbädd, otherwise IUC."""
    decisions = []
    for i in range(n):
        done = frozenset({"utvecklingsprogram"}) if i % 2 else frozenset()
        profile = CompanyProfile(employees=(20, 45, 120, 300, 600)[i % 5], sni="25", completed=done)
        chosen = "testbadd" if done else "iuc"
        decisions.append(Decision(DecisionCase(profile, dict(scores), dict(coverage)), chosen))
    return decisions


def test_a_learned_first_step_with_no_reason_leaves_the_rules_step(catalogue: Catalogue) -> None:
    scores: dict[str, float | None] = dict.fromkeys(DIMENSION_IDS, 50)
    coverage = dict.fromkeys(DIMENSION_IDS, 1.0)
    trained = train(
        profile_only_decisions(scores, coverage), catalogue, folds=3, installation_id=HERE
    )
    assert trained.evaluation.beats_rules
    # The 300-person company of issue 16: done with the Utvecklingsprogram.
    profile = CompanyProfile(employees=300, sni="25", completed=frozenset({"utvecklingsprogram"}))
    case = DecisionCase(profile, dict(scores), dict(coverage))
    rules = rules_recommendation(case, catalogue)
    assert rules.primary is not None and rules.primary.offering == "fordjupningsprogram"
    probabilities = trained.pipeline.predict_proba(learned.feature_matrix([case], catalogue))[0]
    favourite = str(trained.pipeline.classes_[int(np.argmax(probabilities))])
    assert favourite == "testbadd", "the model would put Testbädd first"
    weights = learned.dimension_weights(case, catalogue, trained, favourite)
    assert all(w.weight <= 0 for w in weights), "no dimension weighs for the model's choice"

    result = recommendation_for(case, catalogue, trained)
    assert result.source == "rules" and result.explanation is None and result.decisions is None
    assert result.recommendation == rules
