"""The action plan: what to do on Monday, from the company's own answers.

Every option in the questionnaire is a concrete state with a level, so the option one
level up from an answer is a concrete next step. The plan takes the answers with the
most to gain in the weakest measured dimensions:

- a single choice: "now" the option chosen, "next" the option one level up;
- a checklist: "next" the unticked practice worth the most (on a tie, the one listed first);
- a number: "next" the next threshold.

``gain`` is the points the dimension's 0-100 score would rise by if this item alone
moved up, worked out by the scoring's own function. Items below a minimum gain are left
out, and so are questions whose answer is a result rather than a practice (``not_steps``:
a margin, a robot count); the rest are ordered by gain. Each is tied to the offering in
the path (or, for a company outside the target group, the referral) that helps with its
dimension: a step taken now before one that comes later.

Plain Python: no Flask. The numbers are ``action_plan`` in recommender.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from questionnaire.answers import AnswerValue
from questionnaire.dimensions import CHANGE_CAPABILITY
from questionnaire.model import Question, Questionnaire, Text
from questionnaire.scoring import item_level, score_dimensions
from questionnaire.team import Disagreement
from recommender.catalogue import Catalogue
from recommender.path import Recommendation, Step

Kind = Literal["single", "checklist", "number"]


@dataclass(frozen=True)
class PlanState:
    """An item's answer, now or one step up: the value, its words (None for a number or
    a set of ticks) and its level 0-4."""

    value: AnswerValue
    label: Text | None
    level: float


@dataclass(frozen=True)
class PlanItem:
    dimension: str
    question: str
    kind: Kind
    now: PlanState
    next: PlanState
    gain: int
    offering: str | None


def _next_state(question: Question, answer: AnswerValue) -> tuple[PlanState, PlanState] | None:
    """The answer now and one step up, or None when there is no step up (or the answer
    does not count)."""
    level = item_level(question, answer)
    if level is None:
        return None
    if question.type == "single":
        chosen = question.option(str(answer))
        up = [o for o in question.answer_options if o.level is not None and o.level > level]
        if chosen is None or not up:
            return None
        step = min(up, key=lambda o: o.level or 0.0)
        now = PlanState(chosen.value, chosen.label, level)
        # Said as a state to reach, without what the label says is still missing.
        return now, PlanState(step.value, step.step or step.label, float(step.level or 0.0))
    if question.type == "multi":
        ticked = [v for v in answer if isinstance(v, str)] if isinstance(answer, list) else []
        unticked = [
            o
            for o in question.answer_options
            if not o.exclusive and o.value not in ticked and (o.level or 0) > 0
        ]
        if not unticked:
            return None
        best = max(unticked, key=lambda o: o.level or 0.0)  # the first of the most worth
        kept = [v for v in ticked if not (question.option(v) or best).exclusive]
        after = item_level(question, [*kept, best.value])
        if after is None or after <= level:
            return None
        return PlanState(list(ticked), None, level), PlanState(best.value, best.label, after)
    if question.type == "number" and question.thresholds is not None:
        if not isinstance(answer, int | float) or isinstance(answer, bool):
            return None
        above = [t for t in question.thresholds if t > answer]
        if not above:
            return None
        return PlanState(answer, None, level), PlanState(above[0], None, level + 1)
    return None


def _offering_for(dimension: str, path: Recommendation, catalogue: Catalogue) -> str | None:
    """The offering in the path that helps with ``dimension``: one whose remedies name it
    (the referrals, for a company outside the target group); for change capability, a
    primary track (the tracks build exactly that)."""
    steps: list[Step] = (
        list(path.referrals)
        if path.status == "outside_target_group"
        else [s for s in (path.primary, *path.complementary, *path.deferred, path.later) if s]
    )
    for step in steps:
        if dimension in catalogue.offering(step.offering).remedies:
            return step.offering
    primary = path.primary
    if (
        dimension == CHANGE_CAPABILITY
        and primary is not None
        and catalogue.offering(primary.offering).kind == "track"
    ):
        return primary.offering
    return None


def action_plan(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    path: Recommendation,
    catalogue: Catalogue,
    scores: Mapping[str, int | None] | None = None,
) -> tuple[PlanItem, ...]:
    """The plan for these answers and this path; () while more answers are needed.

    The weakest dimensions are those of ``answers``' own scores among the measured
    ones, or, given ``scores`` (a team's means), the weakest of those.
    """
    if path.status == "needs_more_answers":
        return ()
    settings = catalogue.action_plan
    gate = catalogue.gate
    scored = score_dimensions(questionnaire, answers)
    if scores is None:
        ranked = {
            r.dimension: r.score
            for r in scored.values()
            if r.score is not None and gate.measured(r.coverage, r.answered)
        }
    else:
        ranked = {d: s for d, s in scores.items() if s is not None and d in scored}
    weakest = sorted(ranked, key=lambda d: ranked[d] or 0)[: settings.dimensions]
    order = {d: i for i, d in enumerate(weakest)}
    found: list[tuple[int, int, int, PlanItem]] = []
    position = 0
    for dimension, section in questionnaire.dimension_sections:
        if dimension not in order:
            position += len(section.questions)
            continue
        before = scored[dimension].score or 0
        for question in section.questions:
            position += 1
            if question.id in settings.not_steps:
                continue
            answer = answers.get(question.id)
            states = _next_state(question, answer) if answer is not None else None
            if states is None:
                continue
            now, step = states
            moved = dict(answers)
            if question.type == "multi":
                ticked = now.value if isinstance(now.value, list) else []
                kept = [v for v in ticked if not getattr(question.option(v), "exclusive", True)]
                moved[question.id] = [*kept, str(step.value)]
            else:
                moved[question.id] = step.value
            after = score_dimensions(questionnaire, moved)[dimension].score or 0
            gain = after - before
            if gain < settings.min_gain:
                continue
            kind: Kind = "checklist" if question.type == "multi" else question.type  # type: ignore[assignment]
            item = PlanItem(
                dimension=dimension,
                question=question.id,
                kind=kind,
                now=now,
                next=step,
                gain=gain,
                offering=_offering_for(dimension, path, catalogue),
            )
            found.append((-gain, order[dimension], position, item))
    found.sort(key=lambda entry: entry[:3])
    return tuple(entry[3] for entry in found[: settings.max_items])


@dataclass(frozen=True)
class TeamPlan:
    """A team's plan: its items, and which of them the team should talk about before
    planning (``discuss``: the questions among its top disagreements)."""

    items: tuple[PlanItem, ...]
    discuss: frozenset[str]

    @property
    def planned(self) -> tuple[PlanItem, ...]:
        """The items planned: those the team does not need to talk about first."""
        return tuple(i for i in self.items if i.question not in self.discuss)


def team_plan(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    scores: Mapping[str, int | None],
    path: Recommendation,
    catalogue: Catalogue,
    disagreements: Iterable[Disagreement],
) -> TeamPlan:
    """The plan for a team from its ``answers`` (questionnaire.team.team_answers: each
    item at the lower median level among the participants whose answer counts); the
    weakest dimensions are those of the team's mean ``scores``.

    Items among the team's top ``disagreements`` whose answers lie at least
    ``discuss_distance`` levels apart are marked to talk about first, and come first;
    the rest follow by gain.
    """
    items = action_plan(questionnaire, answers, path, catalogue, scores)
    far = catalogue.action_plan.discuss_distance
    split = {d.question_id for d in disagreements if d.distance >= far}
    discuss = frozenset(i.question for i in items if i.question in split)
    ordered = sorted(items, key=lambda i: i.question not in discuss)  # stable: by gain
    return TeamPlan(tuple(ordered), discuss)
