"""How an :class:`~recommender.outcome.Outcome` is kept: one versioned serialiser.

An assessment keeps its outcome as two JSON documents, as the company was shown it
(a learned path's probability and weights rounded to 4 decimals): ``scores`` (the
figures) and ``recommendation`` (the path, or null when there was none).
:func:`to_stored` writes both, :func:`from_stored` reads both; nothing else reads
or writes their keys.

Format 2, written with ``"format": 2`` in the scores document::

    scores = {"format": 2,
              "dimensions": {<id>: {"score", "band", "coverage", "answered", "total"}},
              "areas": {<id>: index | null}, "overall": index | null}
    recommendation = null | {
              "status": "ready" | "needs_more_answers" | "outside_target_group",
              "primary": step | null, "complementary": [step], "later": step | null,
              "deferred": [step], "referrals": [step],
              "missing": null | {"dimensions": [<id>], "profile": [<field>]},
              "action_plan": [item],                         (absent: not made then)
              "excluded": [{"id", "reason": reason}],
              "source": "rules" | "learned",
              "explanation": {"decisions", "offering", "probability",       (learned only)
                              "dimensions": [{"dimension", "score", "weight"}]}}
    step = {"id": <offering id>, "reasons": [reason], "when": "now" | "6_months" | "1_2_years"}
    reason = {"code", "params": {}}
    item = {"dimension", "question", "kind", "gain", "offering": id | null,
            "now": state, "next": state};  state = {"value", "label": {sv, en} | null, "level"}

A path kept without ``action_plan`` (before plans existed) reads with the plan None: the
reader makes it from the answers and the content they were given on.

Format 1 is format 2 before the gate: it has no ``status``, ``deferred``,
``referrals``, ``missing`` or ``when``, and is read as a ``ready`` path whose primary
step and complements are for now and whose later step is for in 1-2 years. Rows
written before the format was named have no ``format`` key and are read as format 1.
The keys they may lack read as:

- ``source`` (paths stored before the learned ranking): ``"rules"``, no explanation;
- ``complementary`` and ``excluded``: ``[]``; ``later`` and ``primary``: null;
- a reason's ``params``: ``{}``;
- a dimension's ``coverage``, ``answered`` and ``total``: unknown (None); its ``band``:
  None; ``areas``: ``{}``; ``overall``: null;
- a learned path's ``explanation``: none (``Basis("learned", None)``).

A format this code does not know (a newer deploy's, after a rollback) is refused: the
reader raises :class:`StoredFormatError` rather than show a result it cannot read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from questionnaire.answers import AnswerValue
from questionnaire.model import Text
from recommender.action_plan import PlanItem, PlanState
from recommender.learned import DimensionWeight
from recommender.outcome import RULES, Basis, DimensionOutcome, Outcome, PathExplanation
from recommender.path import (
    STATUSES,
    WHENS,
    Exclusion,
    Missing,
    Reason,
    Recommendation,
    Step,
    When,
)

FORMAT: Final = 2
READABLE: Final = (1, 2)


class StoredFormatError(ValueError):
    """A stored outcome in a format this code does not read."""


def to_stored(outcome: Outcome) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The two JSON documents an assessment keeps: scores, and the path (or None)."""
    scores: dict[str, Any] = {
        "format": FORMAT,
        "dimensions": {
            d: {
                "score": r.score,
                "band": r.band,
                "coverage": r.coverage,
                "answered": r.answered,
                "total": r.total,
            }
            for d, r in outcome.dimensions.items()
        },
        "areas": dict(outcome.areas),
        "overall": outcome.overall,
    }
    if outcome.recommendation is None:
        return scores, None
    kept = {**_path_to_stored(outcome.recommendation), **_basis_to_stored(outcome)}
    if outcome.action_plan is not None:
        kept["action_plan"] = [plan_item_to_stored(i) for i in outcome.action_plan]
    return scores, kept


def _state_to_stored(state: PlanState) -> dict[str, Any]:
    return {
        "value": state.value,
        "label": state.label.model_dump() if state.label else None,
        "level": state.level,
    }


def plan_item_to_stored(item: PlanItem) -> dict[str, Any]:
    """One plan item as kept, and as the API gives it."""
    return {
        "dimension": item.dimension,
        "question": item.question,
        "kind": item.kind,
        "now": _state_to_stored(item.now),
        "next": _state_to_stored(item.next),
        "gain": item.gain,
        "offering": item.offering,
    }


def _state(data: Any) -> PlanState | None:
    if not isinstance(data, Mapping) or not isinstance(data.get("level"), int | float):
        return None
    value = data.get("value")
    found: AnswerValue
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        found = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        found = [str(v) for v in value]
    else:
        return None
    label = data.get("label")
    try:
        text = Text.model_validate(label) if isinstance(label, Mapping) else None
    except ValueError:
        text = None
    return PlanState(found, text, float(data["level"]))


def _plan(data: Any) -> tuple[PlanItem, ...] | None:
    if not isinstance(data, list):
        return None
    items = []
    for d in data:
        if not isinstance(d, Mapping) or d.get("kind") not in ("single", "checklist", "number"):
            continue
        now, after = _state(d.get("now")), _state(d.get("next"))
        gain, offering = d.get("gain"), d.get("offering")
        if now is None or after is None or not isinstance(gain, int):
            continue
        items.append(
            PlanItem(
                dimension=str(d.get("dimension")),
                question=str(d.get("question")),
                kind=d["kind"],
                now=now,
                next=after,
                gain=gain,
                offering=offering if isinstance(offering, str) else None,
            )
        )
    return tuple(items)


def _reason_to_stored(reason: Reason) -> dict[str, Any]:
    return {"code": reason.code, "params": dict(reason.params)}


def _step_to_stored(step: Step | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {
        "id": step.offering,
        "reasons": [_reason_to_stored(r) for r in step.reasons],
        "when": step.when,
    }


def _path_to_stored(recommendation: Recommendation) -> dict[str, Any]:
    missing = recommendation.missing
    return {
        "status": recommendation.status,
        "primary": _step_to_stored(recommendation.primary),
        "complementary": [_step_to_stored(s) for s in recommendation.complementary],
        "later": _step_to_stored(recommendation.later),
        "deferred": [_step_to_stored(s) for s in recommendation.deferred],
        "referrals": [_step_to_stored(s) for s in recommendation.referrals],
        "missing": None
        if missing is None
        else {"dimensions": list(missing.dimensions), "profile": list(missing.profile)},
        "excluded": [
            {"id": e.offering, "reason": _reason_to_stored(e.reason)}
            for e in recommendation.excluded
        ],
    }


def _basis_to_stored(outcome: Outcome) -> dict[str, Any]:
    explanation = outcome.basis.explanation
    if outcome.basis.source != "learned":
        return {"source": "rules"}
    if explanation is None:
        return {"source": "learned"}
    return {
        "source": "learned",
        "explanation": {
            "decisions": explanation.decisions,
            "offering": explanation.offering,
            "probability": round(explanation.probability, 4),
            "dimensions": [
                {"dimension": w.dimension, "score": w.score, "weight": round(w.weight, 4)}
                for w in explanation.dimensions
            ],
        },
    }


def from_stored(
    scores: Mapping[str, Any] | None, recommendation: Mapping[str, Any] | None
) -> Outcome | None:
    """The outcome kept as these two documents; None when nothing was scored."""
    if not scores:
        return None
    version = scores.get("format", 1)
    if isinstance(version, bool) or version not in READABLE:
        raise StoredFormatError(f"stored outcome format {version!r} is not known")
    dimensions = {
        str(d): DimensionOutcome(
            score=r.get("score"),
            band=r.get("band"),
            coverage=_float(r.get("coverage")),
            answered=r.get("answered"),
            total=r.get("total"),
        )
        for d, r in (scores.get("dimensions") or {}).items()
    }
    areas = dict(scores.get("areas") or {})
    if recommendation is None:
        return Outcome(dimensions, areas, scores.get("overall"))
    return Outcome(
        dimensions,
        areas,
        scores.get("overall"),
        _recommendation(recommendation),
        _basis(recommendation),
        _plan(recommendation.get("action_plan")),
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _reason(data: Mapping[str, Any]) -> Reason:
    return Reason(str(data["code"]), dict(data.get("params") or {}))


def _reasons(data: Any) -> tuple[Reason, ...]:
    """The reasons in a list; anything that is no reason is passed over."""
    if not isinstance(data, list):
        return ()
    return tuple(_reason(r) for r in data if isinstance(r, Mapping) and "code" in r)


def _step(data: Any, when: When = "now") -> Step | None:
    if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
        return None
    stored_when = data.get("when")
    return Step(
        data["id"],
        _reasons(data.get("reasons")),
        stored_when if stored_when in WHENS else when,
    )


def _steps(data: Any, when: When = "now") -> tuple[Step, ...]:
    if not isinstance(data, list):
        return ()
    return tuple(s for s in (_step(d, when) for d in data) if s is not None)


def _names(data: Any) -> tuple[str, ...]:
    return tuple(str(n) for n in data) if isinstance(data, list) else ()


def _recommendation(data: Mapping[str, Any]) -> Recommendation:
    status = data.get("status")
    missing = data.get("missing")
    primary = _step(data.get("primary"))
    if primary is not None and not primary.reasons and data.get("source") == "learned":
        # Format 1 kept a learned primary step that no rule proposed with no reason; the
        # page and the API give the one it would have today.
        primary = Step(primary.offering, (Reason("learned_choice"),), primary.when)
    excluded = data.get("excluded")
    return Recommendation(
        primary=primary,
        complementary=_steps(data.get("complementary")),
        later=_step(data.get("later"), "1_2_years"),
        excluded=tuple(
            Exclusion(d["id"], _reason(d["reason"]))
            for d in (excluded if isinstance(excluded, list) else [])
            if isinstance(d, Mapping)
            and isinstance(d.get("id"), str)
            and isinstance(d.get("reason"), Mapping)
            and "code" in d["reason"]
        ),
        status=status if status in STATUSES else "ready",
        missing=None
        if not isinstance(missing, Mapping)
        else Missing(_names(missing.get("dimensions")), _names(missing.get("profile"))),
        referrals=_steps(data.get("referrals")),
        deferred=_steps(data.get("deferred"), "6_months"),
    )


def _basis(data: Mapping[str, Any]) -> Basis:
    if data.get("source") != "learned":
        return RULES
    explanation = data.get("explanation")
    if not isinstance(explanation, Mapping):
        return Basis("learned")
    decisions = explanation.get("decisions")
    weights = tuple(
        DimensionWeight(str(w["dimension"]), w.get("score"), float(w.get("weight") or 0.0))
        for w in explanation.get("dimensions") or []
        if isinstance(w, Mapping) and "dimension" in w
    )
    return Basis(
        "learned",
        PathExplanation(
            decisions=decisions if isinstance(decisions, int) else None,
            offering=str(explanation.get("offering") or ""),
            probability=float(explanation.get("probability") or 0.0),
            dimensions=weights,
        ),
    )
