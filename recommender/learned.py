"""The learned ranking: what the advisors chose, learned with scikit-learn, within the hard rules.

The model is a multinomial logistic regression on the features of
:mod:`recommender.features` (missing values imputed with an indicator, then
standardised). It ranks the offerings for a company; the hard rules always apply on
top of it: the primary step is the best-ranked offering the hard rules allow, and the
rest of the path (complements, later step, exclusions) is formed around it by the
rule-based ranking's own code (:func:`recommender.ranking.recommend_with_primary`).

It is used only when it did better than the rules: :func:`cross_validate` scores the
model and the rule-based ranking on the same folds, against what the advisors chose.
And only where its decisions came from (:func:`load`): the database it was trained on
(its installation id, which the caller passes in) and, when any of them were demo
decisions, only in demo mode. A learned primary step is shown only with its reason, the
dimensions that weighed for it; without one, the rules' path stands.

Agreement with an advisor, one definition for both rankings (:func:`agreement`):

* **top-1**: the path's primary step is the offering the advisor chose;
* **top-2**: the advisor's choice is one of the path's first two steps, in the order the
  result page shows them: the primary step, then the first complement, or the later
  step when there is no complement.

Persistence (:func:`save`, :func:`load`) uses joblib, which unpickles: loading a file
can run code. Only ever load from the directory the app itself writes (its instance
folder), never from a path a user supplies or uploads. The metadata records the model
file's sha256, so a partial write or a swapped file is refused; it does not protect
against someone who can write that directory, which is why the directory matters.
"""

from __future__ import annotations

import enum
import hashlib
import io
import json
import math
import os
import platform
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import fmean
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from questionnaire.dimensions import DIMENSION_IDS
from recommender.catalogue import Catalogue
from recommender.eligibility import excluded_offerings
from recommender.features import (
    FEATURE_NAMES,
    DecisionCase,
    feature_dimensions,
    feature_spec_hash,
    feature_vector,
    measured_scores,
)
from recommender.path import Recommendation
from recommender.ranking import recommend, recommend_with_primary

# scikit-learn (with SciPy and joblib) takes about a second to import: it is imported
# where a model is trained, saved or loaded, not by every process that imports this.
if TYPE_CHECKING:
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

# Bump when the saved files' layout or meaning changes: older saved models are refused.
# 2: the installation id and the counts of real and demo decisions (a model saved in
# format 1 says neither where its decisions came from nor whether they were real).
FORMAT_VERSION: Final = 2
METADATA_FILE: Final = "model.json"
CARD_FILE: Final = "MODEL_CARD.md"
_MODEL_FILE = re.compile(r"^model-[0-9a-f]{64}\.joblib$")

# The logistic regression's settings; recorded with every trained model.
HYPERPARAMETERS: Final[Mapping[str, Any]] = {"C": 1.0, "max_iter": 2000, "solver": "lbfgs"}

FloatMatrix = npt.NDArray[np.float64]


# --- Decisions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """An advisor's choice of next step (``chosen``, an offering id) for a case.

    What the rule-based ranking recommends for the same case is computed when needed
    (:func:`rules_recommendation`), never stored: it follows the rules as they are now.
    ``demo``: made up by the demo data, not a real advisor's choice. It is not part of
    the decision's record (:func:`decision_record`): a model trained on any is counted
    as such (``ModelMetadata.demo_decisions``) and used only in demo mode.
    """

    case: DecisionCase
    chosen: str
    demo: bool = False


def rules_recommendation(case: DecisionCase, catalogue: Catalogue) -> Recommendation:
    """The rule-based path for a case."""
    return recommend(case.profile, case.scores, catalogue, case.evidence)


def agreement(recommendation: Recommendation, chosen: str) -> tuple[bool, bool]:
    """Top-1 and top-2 agreement of a path with an advisor's choice.

    Top-1: the primary step is ``chosen``. Top-2: ``chosen`` is one of the path's first
    two steps (primary, then the first complement, or the later step without one).
    """
    primary = recommendation.primary
    return (primary is not None and primary.offering == chosen, chosen in recommendation.path[:2])


def _float_or_none(value: float | int | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def decision_record(decision: Decision) -> dict[str, Any]:
    """A decision as plain JSON data, in a canonical form (numbers as floats, sets sorted)."""
    profile = decision.case.profile
    return {
        "chosen": decision.chosen,
        "profile": {
            "employees": profile.employees,
            "turnover_msek": _float_or_none(profile.turnover_msek),
            "sni": profile.sni,
            "region": profile.region,
            "completed": sorted(profile.completed),
        },
        "scores": {d: _float_or_none(s) for d, s in sorted(decision.case.scores.items())},
        "coverage": {d: _float_or_none(c) for d, c in sorted(decision.case.coverage.items())},
    }


def _canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical(decisions: Iterable[Decision]) -> list[tuple[str, Decision]]:
    """Each decision with its canonical JSON line, sorted by it: the order does not matter."""
    return sorted(((_canonical_json(decision_record(d)), d) for d in decisions), key=_first)


def _first(pair: tuple[str, Decision]) -> str:
    return pair[0]


def data_hash(decisions: Iterable[Decision]) -> str:
    """The sha256 of the decisions in canonical form: one JSON line each, sorted.

    The same decisions give the same hash in any order, and the same folds in
    :func:`cross_validate`, which works in this order too.
    """
    return _hash_lines(line for line, _ in _canonical(decisions))


def _hash_lines(lines: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


# --- The pipeline --------------------------------------------------------------------------


def build_pipeline() -> Pipeline:
    """Impute (mean, with a missing-value indicator), standardise, logistic regression.

    A linear model on standardised features, so each feature's part in a prediction is
    its coefficient times its standardised value: the explanation reads that directly.
    Features never measured in training are kept (imputed as 0), so the columns always
    match :data:`~recommender.features.FEATURE_NAMES`.
    """
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [
            ("impute", SimpleImputer(add_indicator=True, keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(**HYPERPARAMETERS)),
        ]
    )


def feature_matrix(cases: Sequence[DecisionCase], catalogue: Catalogue) -> FloatMatrix:
    """The cases' feature vectors as rows."""
    rows = [feature_vector(case, catalogue) for case in cases]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


def _fit(pipeline: Pipeline, x: FloatMatrix, y: npt.NDArray[Any]) -> list[str]:
    """Fit, and return what the solver warned about (recorded, not raised).

    Any other warning is passed on as it came.
    """
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        pipeline.fit(x, y)
    converge = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    for w in caught:
        if w not in converge:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return [str(w.message) for w in converge]


# One BLAS thread while training: on a problem this small, more threads only wait for each
# other, and on a busy two-core machine they made fitting forty times slower.
_ONE_THREAD: Final = 1


def _eligible_ranking(
    probabilities: Sequence[float],
    classes: Sequence[str],
    excluded: Mapping[str, object],
    order_of: Sequence[str],
) -> list[tuple[str, float]]:
    """The model's offerings that the hard rules allow, most probable first.

    Ties keep the catalogue's order, so the ranking never depends on float noise alone.
    """
    order = {o: i for i, o in enumerate(order_of)}
    ranked = [
        (str(c), float(p)) for c, p in zip(classes, probabilities, strict=True) if c not in excluded
    ]
    return sorted(ranked, key=lambda pair: (-pair[1], order.get(pair[0], len(order))))


# --- Cross-validation -----------------------------------------------------------------------


@dataclass(frozen=True)
class FoldScore:
    """One test fold: the share of its decisions each ranking agreed with."""

    fold: int
    n_test: int
    model_top1: float
    model_top2: float
    rules_top1: float
    rules_top2: float


@dataclass(frozen=True)
class Evaluation:
    """Model and rules on the same stratified folds, against the advisors' choices.

    ``dropped`` counts, per offering, the decisions left out because the offering was
    chosen fewer times than there are folds: stratified cross-validation cannot test
    it, and the model is not trained on it either (it never recommends it).
    """

    folds: tuple[FoldScore, ...]
    n_decisions: int  # given
    n_used: int  # after dropping rare choices
    dropped: Mapping[str, int]
    seed: int

    @property
    def model_top1(self) -> float:
        return _weighted(self.folds, lambda f: f.model_top1)

    @property
    def model_top2(self) -> float:
        return _weighted(self.folds, lambda f: f.model_top2)

    @property
    def rules_top1(self) -> float:
        return _weighted(self.folds, lambda f: f.rules_top1)

    @property
    def rules_top2(self) -> float:
        return _weighted(self.folds, lambda f: f.rules_top2)

    @property
    def beats_rules(self) -> bool:
        """The model agreed with the advisors' first choice more often than the rules."""
        return self.model_top1 > self.rules_top1

    def to_dict(self) -> dict[str, Any]:
        return {
            "folds": [vars(f).copy() for f in self.folds],
            "n_decisions": self.n_decisions,
            "n_used": self.n_used,
            "dropped": dict(self.dropped),
            "seed": self.seed,
            "mean": {
                "model_top1": self.model_top1,
                "model_top2": self.model_top2,
                "rules_top1": self.rules_top1,
                "rules_top2": self.rules_top2,
            },
            "beats_rules": self.beats_rules,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evaluation:
        return cls(
            folds=tuple(FoldScore(**f) for f in data["folds"]),
            n_decisions=int(data["n_decisions"]),
            n_used=int(data["n_used"]),
            dropped={str(k): int(v) for k, v in data["dropped"].items()},
            seed=int(data["seed"]),
        )


def _weighted(folds: Sequence[FoldScore], share: Callable[[FoldScore], float]) -> float:
    """The share over all test decisions (each decision is tested exactly once)."""
    total = sum(f.n_test for f in folds)
    if not total:
        return 0.0
    return sum(share(f) * f.n_test for f in folds) / total


class InsufficientData(ValueError):
    """Too few decisions, or too few different choices, to learn from and test."""


@dataclass(frozen=True)
class _Prepared:
    decisions: list[Decision]  # canonical order, rare choices dropped
    x: FloatMatrix
    y: npt.NDArray[Any]
    dropped: dict[str, int]
    n_given: int
    data_sha256: str


def _prepare(decisions: Iterable[Decision], catalogue: Catalogue, folds: int) -> _Prepared:
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    canonical = _canonical(decisions)
    unknown = sorted({d.chosen for _, d in canonical} - set(catalogue.by_id))
    if unknown:
        raise ValueError(f"decisions choose unknown offerings: {', '.join(unknown)}")
    counts = Counter(d.chosen for _, d in canonical)
    dropped = {o: n for o, n in sorted(counts.items()) if n < folds}
    kept = [d for _, d in canonical if d.chosen not in dropped]
    if len({d.chosen for d in kept}) < 2:
        raise InsufficientData(
            f"need at least two offerings chosen {folds} times or more; "
            f"got {dict(sorted(counts.items()))}"
        )
    return _Prepared(
        decisions=kept,
        x=feature_matrix([d.case for d in kept], catalogue),
        y=np.asarray([d.chosen for d in kept], dtype=object),
        dropped=dropped,
        n_given=len(canonical),
        data_sha256=_hash_lines(line for line, _ in canonical),
    )


def _learned_path(
    case: DecisionCase,
    ranking: Sequence[tuple[str, float]],
    catalogue: Catalogue,
    rules: Recommendation,
) -> Recommendation:
    """The app's path from the model's eligible ranking; the rules' when it has none."""
    if not ranking:
        return rules
    return recommend_with_primary(case.profile, case.scores, catalogue, ranking[0][0])


def _cross_validate(prepared: _Prepared, catalogue: Catalogue, folds: int, seed: int) -> Evaluation:
    from sklearn.model_selection import StratifiedKFold

    decisions = prepared.decisions
    excluded = [excluded_offerings(d.case.profile, catalogue) for d in decisions]
    rules_paths = [rules_recommendation(d.case, catalogue) for d in decisions]
    rules_agree = [agreement(r, d.chosen) for r, d in zip(rules_paths, decisions, strict=True)]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = []
    for number, (train_rows, test_rows) in enumerate(splitter.split(prepared.x, prepared.y), 1):
        pipeline = build_pipeline()
        _fit(pipeline, prepared.x[train_rows], prepared.y[train_rows])
        classes = [str(c) for c in pipeline.classes_]
        probabilities = pipeline.predict_proba(prepared.x[test_rows])
        model_hits: list[tuple[bool, bool]] = []
        for row, p in zip(test_rows, probabilities, strict=True):
            decision = decisions[row]
            ranking = _eligible_ranking(p, classes, excluded[row], list(catalogue.by_id))
            if ranking and ranking[0][0] == decision.chosen:
                model_hits.append((True, True))
                continue
            path = _learned_path(decision.case, ranking, catalogue, rules_paths[row])
            model_hits.append(agreement(path, decision.chosen))
        rules_hits = [rules_agree[row] for row in test_rows]
        scores.append(
            FoldScore(
                fold=number,
                n_test=len(test_rows),
                model_top1=fmean(h[0] for h in model_hits),
                model_top2=fmean(h[1] for h in model_hits),
                rules_top1=fmean(h[0] for h in rules_hits),
                rules_top2=fmean(h[1] for h in rules_hits),
            )
        )
    return Evaluation(
        folds=tuple(scores),
        n_decisions=prepared.n_given,
        n_used=len(decisions),
        dropped=prepared.dropped,
        seed=seed,
    )


def cross_validate(
    decisions: Iterable[Decision], catalogue: Catalogue, folds: int = 5, seed: int = 0
) -> Evaluation:
    """Stratified k-fold: on each fold, fit on the rest and score model and rules on it.

    Both are scored the way the app would show them: the model's path has the hard
    rules on top (the best-ranked offering they allow, with the rules' complements and
    later step around it). Offerings chosen fewer than ``folds`` times are dropped and
    counted in the result. Raises :class:`InsufficientData` when fewer than two
    offerings remain.
    """
    with threadpool_limits(limits=_ONE_THREAD):
        return _cross_validate(_prepare(decisions, catalogue, folds), catalogue, folds, seed)


# --- Training ------------------------------------------------------------------------------


# The libraries whose objects are pickled in a saved model: scikit-learn's estimators, with
# NumPy arrays and SciPy's objects inside them. Unpickled by other versions of any of them,
# a model may fail to load, or load and compute something else: it is refused instead.
PICKLED_BY: Final = ("scikit-learn", "numpy", "scipy")


def library_versions() -> dict[str, str]:
    import joblib
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


@dataclass(frozen=True)
class ModelMetadata:
    """Everything about a training run that the model card and :func:`load` need."""

    format_version: int
    created_at: str  # ISO 8601, UTC
    versions: Mapping[str, str]
    data_sha256: str
    n_decisions: int  # given
    n_used: int  # learned from
    per_class: Mapping[str, int]  # decisions learned from, per chosen offering
    real_decisions: int  # of those given: real advisors' decisions
    demo_decisions: int  # of those given: made up by the demo data
    installation_id: str  # the database the decisions came from
    feature_names: tuple[str, ...]
    feature_spec_sha256: str
    classes: tuple[str, ...]
    hyperparameters: Mapping[str, Any]
    evaluation: Evaluation
    folds: int
    fit_warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "created_at": self.created_at,
            "versions": dict(self.versions),
            "data_sha256": self.data_sha256,
            "n_decisions": self.n_decisions,
            "n_used": self.n_used,
            "per_class": dict(self.per_class),
            "real_decisions": self.real_decisions,
            "demo_decisions": self.demo_decisions,
            "installation_id": self.installation_id,
            "feature_names": list(self.feature_names),
            "feature_spec_sha256": self.feature_spec_sha256,
            "classes": list(self.classes),
            "hyperparameters": dict(self.hyperparameters),
            "evaluation": self.evaluation.to_dict(),
            "folds": self.folds,
            "fit_warnings": list(self.fit_warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelMetadata:
        return cls(
            format_version=int(data["format_version"]),
            created_at=str(data["created_at"]),
            versions={str(k): str(v) for k, v in data["versions"].items()},
            data_sha256=str(data["data_sha256"]),
            n_decisions=int(data["n_decisions"]),
            n_used=int(data["n_used"]),
            per_class={str(k): int(v) for k, v in data["per_class"].items()},
            real_decisions=_count(data["real_decisions"]),
            demo_decisions=_count(data["demo_decisions"]),
            installation_id=_text(data["installation_id"]),
            feature_names=tuple(str(n) for n in data["feature_names"]),
            feature_spec_sha256=str(data["feature_spec_sha256"]),
            classes=tuple(str(c) for c in data["classes"]),
            hyperparameters=dict(data["hyperparameters"]),
            evaluation=Evaluation.from_dict(data["evaluation"]),
            folds=int(data["folds"]),
            fit_warnings=tuple(str(w) for w in data.get("fit_warnings", ())),
        )


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a count expected, not {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"a non-empty text expected, not {value!r}")
    return value


@dataclass(frozen=True)
class TrainedModel:
    """A fitted pipeline with what it was trained on and how it did."""

    pipeline: Pipeline
    metadata: ModelMetadata

    @property
    def evaluation(self) -> Evaluation:
        return self.metadata.evaluation

    @property
    def decisions(self) -> int:
        """How many advisor decisions it learned from."""
        return self.metadata.n_used


def train(
    decisions: Iterable[Decision],
    catalogue: Catalogue,
    folds: int = 5,
    seed: int = 0,
    now: datetime | None = None,
    *,
    installation_id: str,
) -> TrainedModel:
    """Cross-validate against the rules, then fit on all the decisions used.

    ``installation_id`` names the database the decisions came from; the model is used
    only there, and, if any decision is a demo one, only in demo mode (:func:`load`).
    Whether the result may be used is the evaluation's ``beats_rules``; :func:`save`
    stores it either way (so the card says why it is not used), :func:`load` refuses it.
    """
    if not installation_id:
        raise ValueError("the installation id of the decisions' database is needed")
    given = list(decisions)
    demo = sum(d.demo for d in given)
    with threadpool_limits(limits=_ONE_THREAD):
        prepared = _prepare(given, catalogue, folds)
        evaluation = _cross_validate(prepared, catalogue, folds, seed)
        pipeline = build_pipeline()
        fit_warnings = _fit(pipeline, prepared.x, prepared.y)
    created = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    metadata = ModelMetadata(
        format_version=FORMAT_VERSION,
        created_at=created.isoformat(),
        versions=library_versions(),
        data_sha256=prepared.data_sha256,
        n_decisions=prepared.n_given,
        n_used=len(prepared.decisions),
        per_class=dict(sorted(Counter(str(c) for c in prepared.y).items())),
        real_decisions=len(given) - demo,
        demo_decisions=demo,
        installation_id=installation_id,
        feature_names=FEATURE_NAMES,
        feature_spec_sha256=feature_spec_hash(catalogue),
        classes=tuple(str(c) for c in pipeline.classes_),
        hyperparameters=dict(HYPERPARAMETERS),
        evaluation=evaluation,
        folds=folds,
        fit_warnings=tuple(fit_warnings),
    )
    return TrainedModel(pipeline=pipeline, metadata=metadata)


# --- Persistence ---------------------------------------------------------------------------


class LoadStatus(enum.StrEnum):
    LOADED = "loaded"
    ABSENT = "absent"  # no model saved
    UNREADABLE = "unreadable"  # metadata or model file missing, broken or not ours
    TAMPERED = "tampered"  # the model file is not the one the metadata names (sha256)
    FORMAT_VERSION = "format_version"  # saved in another layout
    LIBRARY_VERSION = "library_version"  # saved by another scikit-learn, NumPy or SciPy
    STALE = "stale"  # trained on other features or offerings than the app's now
    NOT_BETTER = "not_better"  # did not beat the rules in cross-validation
    OTHER_DATABASE = "other_database"  # trained on another database's decisions
    DEMO_DATA = "demo_data"  # learned from demo decisions, and demo mode is off


@dataclass(frozen=True)
class LoadResult:
    """The model, or None and why not (``detail`` is English, for logs and the CLI)."""

    model: TrainedModel | None
    status: LoadStatus
    detail: str = ""


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, then a rename."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:
        directory = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def save(model: TrainedModel, directory: Path) -> Path:
    """Save the model, its metadata and its model card into ``directory``.

    ``directory`` must be one the app itself writes (under its instance folder), never
    a path a user supplies: :func:`load` unpickles what it finds there. The model file
    is named by its sha256 and written first; the metadata naming it is then replaced
    in one rename, so a crash leaves the previous model in place or a refused one, never
    a half-written one. Older model files are removed afterwards. Returns the
    metadata's path.
    """
    import joblib

    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    joblib.dump(model.pipeline, buffer)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    model_file = f"model-{digest}.joblib"
    _atomic_write(directory / model_file, data)
    document = {**model.metadata.to_dict(), "model_file": model_file, "model_sha256": digest}
    metadata_path = directory / METADATA_FILE
    _atomic_write(metadata_path, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
    _atomic_write(directory / CARD_FILE, model_card(model).encode("utf-8"))
    for old in directory.glob("model-*.joblib"):
        if old.name != model_file and _MODEL_FILE.match(old.name):
            old.unlink(missing_ok=True)
    return metadata_path


def load(
    directory: Path, catalogue: Catalogue, *, installation_id: str | None, demo_mode: bool
) -> LoadResult:
    """The saved model if the app may use it; otherwise None and the reason.

    ``directory`` must be the one the app itself writes (see :func:`save`). Everything
    is checked before anything is unpickled: the format version, that it was trained on
    this database (``installation_id``, the app's; None: it has none, so no model is
    used), that it learned from no demo decision unless ``demo_mode`` is on, the
    scikit-learn, NumPy and SciPy versions it was saved by (:data:`PICKLED_BY`), the
    features and offerings it knows (stale when they are not the app's now), whether it
    beat the rules, and the model file's sha256.
    """
    metadata_path = directory / METADATA_FILE
    if not metadata_path.is_file():
        return LoadResult(None, LoadStatus.ABSENT, f"no {METADATA_FILE} in {directory}")
    try:
        document = json.loads(metadata_path.read_text("utf-8"))
        format_version = document["format_version"]
    except (OSError, ValueError, TypeError, KeyError) as error:
        return LoadResult(None, LoadStatus.UNREADABLE, f"{metadata_path}: {error}")
    if format_version != FORMAT_VERSION:
        return LoadResult(
            None,
            LoadStatus.FORMAT_VERSION,
            f"saved in format {format_version!r}, this app reads {FORMAT_VERSION}",
        )
    try:
        metadata = ModelMetadata.from_dict(document)
        model_file = str(document["model_file"])
        expected_sha256 = str(document["model_sha256"])
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return LoadResult(None, LoadStatus.UNREADABLE, f"{metadata_path}: {error!r}")
    if installation_id is None or metadata.installation_id != installation_id:
        return LoadResult(
            None,
            LoadStatus.OTHER_DATABASE,
            f"trained on the decisions of installation {metadata.installation_id}, "
            f"this database is {installation_id or 'without an installation id'}",
        )
    if metadata.demo_decisions and not demo_mode:
        return LoadResult(
            None,
            LoadStatus.DEMO_DATA,
            f"learned from {metadata.demo_decisions} demo decisions, and DEMO_MODE is off",
        )
    import joblib
    from sklearn.pipeline import Pipeline

    other_versions = _other_versions(metadata.versions, library_versions())
    if other_versions:
        return LoadResult(None, LoadStatus.LIBRARY_VERSION, other_versions)
    if (
        metadata.feature_names != FEATURE_NAMES
        or metadata.feature_spec_sha256 != feature_spec_hash(catalogue)
        or not set(metadata.classes) <= set(catalogue.by_id)
    ):
        return LoadResult(
            None, LoadStatus.STALE, "trained on other features or offerings than the app's now"
        )
    if not metadata.evaluation.beats_rules:
        ev = metadata.evaluation
        return LoadResult(
            None,
            LoadStatus.NOT_BETTER,
            f"top-1 agreement {ev.model_top1:.3f} did not beat the rules' {ev.rules_top1:.3f}",
        )
    if not _MODEL_FILE.match(model_file):
        return LoadResult(None, LoadStatus.UNREADABLE, f"unexpected model file {model_file!r}")
    try:
        data = (directory / model_file).read_bytes()
    except OSError as error:
        return LoadResult(None, LoadStatus.UNREADABLE, str(error))
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        return LoadResult(
            None, LoadStatus.TAMPERED, f"{model_file} is not the file the metadata names"
        )
    try:
        pipeline = joblib.load(io.BytesIO(data))
    except Exception as error:  # any unpickling failure means "unreadable"
        return LoadResult(None, LoadStatus.UNREADABLE, f"{model_file}: {error!r}")
    if not isinstance(pipeline, Pipeline) or tuple(
        str(c) for c in getattr(pipeline, "classes_", ())
    ) != tuple(metadata.classes):
        return LoadResult(None, LoadStatus.UNREADABLE, f"{model_file} is not the model described")
    model = TrainedModel(pipeline=pipeline, metadata=metadata)
    return LoadResult(model, LoadStatus.LOADED, f"trained {metadata.created_at}")


def _other_versions(saved: Mapping[str, str], running: Mapping[str, str]) -> str:
    """What differs between the versions a model was saved by and these ("": nothing).

    Every model this app saves records all three; a version not recorded counts as another.
    """
    differ = [name for name in PICKLED_BY if saved.get(name) != running[name]]
    if not differ:
        return ""
    then = " and ".join(f"{name} {saved.get(name, '(version not recorded)')}" for name in differ)
    now = " and ".join(f"{name} {running[name]}" for name in differ)
    return f"saved by {then}, this is {now}: train it again"


# --- Recommending --------------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionWeight:
    """How much one of the company's dimensions pushed towards the recommended offering.

    ``weight`` is in log-odds: the sum, over the features that speak for the dimension,
    of (the offering's coefficient minus the mean coefficient over all offerings) times
    the company's standardised value, i.e. compared with the average company in the
    training data. Area and overall indices are shared out over their dimensions.
    ``score`` is the company's score (None: not measured, which can weigh too).
    """

    dimension: str
    score: float | None
    weight: float


@dataclass(frozen=True)
class Explanation:
    """Why the learned ranking chose the primary step."""

    decisions: int  # advisor decisions the model learned from
    offering: str  # the primary step it explains
    probability: float  # the model's probability for it, before the hard rules
    dimensions: tuple[DimensionWeight, ...]  # 1 to 3, most weight first, all weight > 0
    ranking: tuple[tuple[str, float], ...]  # offerings the hard rules allow, most likely first


@dataclass(frozen=True)
class RankedRecommendation:
    """A path and which ranking made it: ``learned`` (with its explanation) or ``rules``."""

    recommendation: Recommendation
    source: Literal["learned", "rules"]
    explanation: Explanation | None = None

    @property
    def decisions(self) -> int | None:
        """N in "Baserat på N rådgivarbeslut", for a learned path."""
        return self.explanation.decisions if self.explanation else None


def _class_coefficients(model: LogisticRegression) -> FloatMatrix:
    """One row of coefficients per class, centred over the classes."""
    coefficients = np.asarray(model.coef_, dtype=np.float64)
    if coefficients.shape[0] == 1:  # two classes: one row for the second class
        coefficients = np.vstack([-coefficients[0] / 2, coefficients[0] / 2])
    means: FloatMatrix = coefficients.mean(axis=0, keepdims=True)
    return coefficients - means


def _column_sources(pipeline: Pipeline) -> list[int]:
    """For each column the model sees, the feature it comes from (indicators included)."""
    imputer: SimpleImputer = pipeline.named_steps["impute"]
    indicated = imputer.indicator_.features_ if imputer.indicator_ is not None else []
    return [*range(len(FEATURE_NAMES)), *(int(i) for i in indicated)]


def _standardised(model: TrainedModel, x: FloatMatrix) -> FloatMatrix:
    """The columns the logistic regression sees: imputed, with indicators, standardised."""
    z: Any = x
    for _, step in model.pipeline.steps[:-1]:
        z = step.transform(z)
    return np.asarray(z, dtype=np.float64)


def _weights(
    case: DecisionCase, model: TrainedModel, z: FloatMatrix, offering: str
) -> list[DimensionWeight]:
    classes = [str(c) for c in model.pipeline.classes_]
    regression = model.pipeline.steps[-1][1]
    contributions = _class_coefficients(regression)[classes.index(offering)] * z[0]
    shares = feature_dimensions(case)
    totals = dict.fromkeys(DIMENSION_IDS, 0.0)
    for column, source in enumerate(_column_sources(model.pipeline)):
        for dimension, share in shares[source].items():
            totals[dimension] += float(contributions[column]) * share
    scores = measured_scores(case)
    order = {d: i for i, d in enumerate(DIMENSION_IDS)}
    weights = [DimensionWeight(d, scores.get(d), w) for d, w in totals.items()]
    return sorted(weights, key=lambda w: (-w.weight, order[w.dimension]))


def dimension_weights(
    case: DecisionCase, catalogue: Catalogue, model: TrainedModel, offering: str
) -> list[DimensionWeight]:
    """Every dimension's weight for ``offering`` (one the model knows), most weight first."""
    return _weights(case, model, _standardised(model, feature_matrix([case], catalogue)), offering)


def learned_recommendation(
    case: DecisionCase, catalogue: Catalogue, model: TrainedModel
) -> RankedRecommendation:
    """The learned path, with the hard rules on top, and why.

    The primary step is the offering the model ranks highest among those the hard rules
    allow; complements, later step and exclusions are the rule-based ranking's, formed
    around it. Should the hard rules exclude every offering the model knows, or should
    no dimension weigh for the model's choice (it would be shown with no reason), the
    rules' own path is returned (``source="rules"``).
    """
    z = _standardised(model, feature_matrix([case], catalogue))
    probabilities = model.pipeline.steps[-1][1].predict_proba(z)[0]
    classes = [str(c) for c in model.pipeline.classes_]
    excluded = excluded_offerings(case.profile, catalogue)
    ranking = _eligible_ranking(probabilities, classes, excluded, list(catalogue.by_id))
    if not ranking:
        return RankedRecommendation(rules_recommendation(case, catalogue), "rules")
    primary = ranking[0][0]
    path = recommend_with_primary(case.profile, case.scores, catalogue, primary, case.evidence)
    reasons = tuple(w for w in _weights(case, model, z, primary) if w.weight > 0)[:3]
    if not reasons:
        return RankedRecommendation(rules_recommendation(case, catalogue), "rules")
    explanation = Explanation(
        decisions=model.decisions,
        offering=primary,
        probability=ranking[0][1],
        dimensions=reasons,
        ranking=tuple(ranking),
    )
    return RankedRecommendation(path, "learned", explanation)


def recommendation_for(
    case: DecisionCase, catalogue: Catalogue, model: TrainedModel | None
) -> RankedRecommendation:
    """What the app shows: the learned path when a model that beat the rules is given
    (as :func:`load` returns it), else the rules' path."""
    if model is None or not model.evaluation.beats_rules:
        return RankedRecommendation(rules_recommendation(case, catalogue), "rules")
    return learned_recommendation(case, catalogue, model)


# --- The model card -------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def comparison_table(evaluation: Evaluation) -> str:
    """Model and rules per fold and overall, as a Markdown table (readable as plain text)."""
    lines = [
        "| fold | decisions | model top-1 | rules top-1 | model top-2 | rules top-2 |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for f in evaluation.folds:
        lines.append(
            f"| {f.fold} | {f.n_test} | {_percent(f.model_top1)} | {_percent(f.rules_top1)} "
            f"| {_percent(f.model_top2)} | {_percent(f.rules_top2)} |"
        )
    e = evaluation
    lines.append(
        f"| **all** | **{e.n_used}** | **{_percent(e.model_top1)}** "
        f"| **{_percent(e.rules_top1)}** | **{_percent(e.model_top2)}** "
        f"| **{_percent(e.rules_top2)}** |"
    )
    return "\n".join(lines)


def verdict(evaluation: Evaluation) -> str:
    """One sentence: is the model used, and why."""
    if evaluation.beats_rules:
        return (
            f"The model agreed with the advisors' first choice in "
            f"{_percent(evaluation.model_top1)} of held-out decisions, the rules in "
            f"{_percent(evaluation.rules_top1)}: the app uses the learned ranking."
        )
    return (
        f"The model agreed with the advisors' first choice in "
        f"{_percent(evaluation.model_top1)} of held-out decisions, the rules in "
        f"{_percent(evaluation.rules_top1)}: it did not beat the rules, so the rules decide."
    )


def model_card(model: TrainedModel) -> str:
    """The model card, in Markdown, written from the training run."""
    m = model.metadata
    e = m.evaluation
    per_class = "\n".join(f"| {o} | {n} |" for o, n in m.per_class.items())
    dropped = ", ".join(f"{o} ({n})" for o, n in e.dropped.items()) if e.dropped else "none"
    versions = ", ".join(f"{k} {v}" for k, v in m.versions.items())
    warnings_text = "\n".join(f"- {w}" for w in m.fit_warnings) if m.fit_warnings else "- none"
    demo_note = (
        "\n- It learned from demo decisions: the app uses it only with DEMO_MODE on."
        if m.demo_decisions
        else ""
    )
    return f"""# Model card: Lyftkollen's learned ranking

Trained {m.created_at}.

## Intended use

Ranks Produktionslyftet's and Smart industri's offerings as the next step for a Swedish
industrial company, from its Lyftkollen self-assessment, the way the advisors have
chosen for companies like it. The app uses it only when it beat the rule-based ranking
in cross-validation, was saved by the same scikit-learn, NumPy and SciPy versions and runs
on the database it was trained on; a model that learned from demo decisions is used only in
demo mode.
The hard rules (size, industry, prerequisites, already completed) always apply on top of
it, and the complements and later step come from the rules. It supports an advisor's conversation
with a company; it does not decide anything about the company, and it is not meant for
companies outside Swedish industry or for any other purpose.

## Data

- {m.n_decisions} advisor decisions given ({m.real_decisions} real, {m.demo_decisions} made up
  by the demo data); {m.n_used} learned from.{demo_note}
- From the database with installation id `{m.installation_id}`: the app uses the model
  on that database only.
- Offerings chosen fewer times than there are folds ({m.folds}), left out: {dropped}.
- sha256 of the decisions (canonical JSON lines, sorted): `{m.data_sha256}`

| offering chosen | decisions |
|---|---:|
{per_class}

## Model

scikit-learn `Pipeline`: `SimpleImputer` (mean, with missing-value indicators),
`StandardScaler`, `LogisticRegression` (multinomial; {
        ", ".join(f"{k}={v}" for k, v in m.hyperparameters.items())
    }).
Offerings it can recommend: {", ".join(m.classes)}.

Features ({len(m.feature_names)}, in this order; sha256 of the feature definition
`{m.feature_spec_sha256}`): {", ".join(f"`{n}`" for n in m.feature_names)}.

Solver warnings:
{warnings_text}

## Evaluation

Stratified {m.folds}-fold cross-validation (seed {e.seed}), the model and the rules on
the same folds. Top-1: the path's primary step is the advisor's choice. Top-2: the
advisor's choice is the primary step or the path's second step (the first complement,
or the later step when there is none). The model's path has the hard rules applied.

{comparison_table(e)}

{verdict(e)}

## Limitations

- It learns the advisors' past choices, including their habits and mistakes, and only
  from the companies they met; it knows nothing the questionnaire does not ask.
- An offering no advisor chose (or chose fewer than {m.folds} times) is never its
  primary step.
- Agreement with advisors is not proof that a step helped a company.
- Linear: it weighs each feature separately, so it can miss combinations the rules
  express directly. The weights explain its choice, not the company's needs.
- It is stale when the features, the offerings or the size and industry thresholds
  change, and is then not used until it is trained again.

## Versions

{versions}. Format version {m.format_version}.
"""
