"""The result page's content, in the person's language, from what was stored."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from flask_babel import gettext

from questionnaire.model import Question, Questionnaire
from questionnaire.scoring import strongest_and_weakest
from recommender.action_plan import PlanItem, PlanState
from recommender.catalogue import Catalogue, Offering
from recommender.outcome import Basis, DimensionOutcome
from recommender.path import (
    Reason,
    Recommendation,
    Step,
    industry_set_words,
    month_words,
    render_reason,
)
from web.assessments.service import dimension_names, plan_for
from web.platform.charts import Radar, radar
from web.storage.content import Content
from web.storage.models import Assessment


@dataclass(frozen=True)
class DimensionRow:
    id: str
    name: str
    area: str
    score: int | None
    band: str | None
    coverage: float
    measured: bool  # enough answers that count for the dimension to count (the gate's)


@dataclass(frozen=True)
class PathStep:
    offering: Offering
    reasons: list[str]
    when: str = "now"


@dataclass(frozen=True)
class MissingDimension:
    id: str
    name: str
    step: int  # the questionnaire's step (page) that asks about it


@dataclass(frozen=True)
class PathView:
    """A recommendation as a page shows it, in the reader's language."""

    status: str  # ready, needs_more_answers or outside_target_group
    primary: PathStep | None
    complementary: list[PathStep]
    deferred: list[PathStep]
    later: PathStep | None
    referrals: list[PathStep]
    excluded: list[PathStep]
    missing_dimensions: list[MissingDimension]
    missing_industry: bool
    target_group: str  # the target group in words, with its SNI divisions
    # Offerings in a path stored earlier that no longer take companies, from today's
    # catalogue: "Robotlyftet har avslutats (december 2021)…".
    notices: list[str]


@dataclass(frozen=True)
class PlanRow:
    """One step of the action plan as the page says it: today, the next step, and why."""

    dimension: str
    question: str
    now: str
    next: str
    gain: int
    offering: str | None  # the offering in the path that helps, by name
    # A team's item among its top disagreements: to talk about first, not yet planned.
    discuss: bool = False
    # How the page names the offering: "help" (a programme, now), "later" (a step of the
    # path that comes later) or "routes" (a focus area: routes to take, not a programme).
    offering_as: str = "help"


@dataclass(frozen=True)
class Result:
    overall: int | None
    overall_band: str | None
    areas: list[tuple[str, str, int | None, str | None]]  # id, name, index, band name
    dimensions: list[DimensionRow]
    strongest: list[DimensionRow]
    weakest: list[DimensionRow]
    radar: Radar
    path: PathView
    low_coverage: list[DimensionRow]
    has_path: bool  # False for a workshop participant until the advisor gives the profile
    basis: PathBasis  # which ranking made the path: the learned one or the rules
    plan: list[PlanRow] = field(default_factory=list)
    goal: str | None = None  # the company's own goal, in its own words
    company: str | None = None  # the company's name, as it gave it (or its workshop's)


@dataclass(frozen=True)
class PathBasis:
    """Where the path came from, as the page says it."""

    learned: bool
    decisions: int | None  # N in "Based on N advisor decisions"
    # The company's dimensions that weighed most: (name, score), most weight first.
    dimensions: list[tuple[str, int | None]]


class _Row(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def score(self) -> int | None: ...


def path_basis(basis: Basis, rows: Sequence[_Row]) -> PathBasis:
    """The page's words on where a path came from (a path from before the learned
    ranking existed is the rules')."""
    by_id = {r.id: r for r in rows}
    explanation = basis.explanation
    weighed = [w.dimension for w in explanation.dimensions] if explanation else []
    return PathBasis(
        learned=basis.source == "learned",
        decisions=basis.decisions,
        dimensions=[(by_id[d].name, by_id[d].score) for d in weighed if d in by_id],
    )


def is_measured(scored: DimensionOutcome, catalogue: Catalogue) -> bool:
    """Whether a dimension counts as measured: by the gate's rule where its coverage is
    known, else (figures, or rows kept before coverage) when it has a score."""
    if scored.score is None:
        return False
    if scored.coverage is None or scored.answered is None:
        return True
    return catalogue.gate.measured(scored.coverage, scored.answered)


def _notice(offering: Offering, catalogue: Catalogue, language: str) -> str | None:
    """Today's word on an offering in a stored path that no longer takes companies."""
    if offering.active:
        return None
    name = offering.name.get(language)
    if offering.status == "ended" and offering.ended_on:
        text = gettext("%(name)s has ended (%(month)s).", name=name,
                       month=month_words(offering.ended_on, language))  # fmt: skip
    elif offering.verified_on is None:
        text = gettext("We have not been able to confirm that %(name)s still exists.", name=name)
    else:
        text = gettext("%(name)s takes no new companies at the moment.", name=name)
    if offering.successor:
        successor = catalogue.offering(offering.successor).name.get(language)
        text += " " + gettext("The nearest equivalent today is %(name)s.", name=successor)
    return text


def build_path_view(
    recommendation: Recommendation,
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    language: str,
) -> PathView:
    """The path's page view. ``catalogue`` is the record's, which knows today's statuses
    (web.storage.content.kept_content)."""
    names = dimension_names(questionnaire)

    def words(reason: Reason) -> str:
        return render_reason(reason, language, catalogue, names, questionnaire)

    def step(s: Step) -> PathStep:
        return PathStep(catalogue.offering(s.offering), [words(r) for r in s.reasons], s.when)

    def steps(found: Sequence[Step]) -> list[PathStep]:
        return [step(s) for s in found]

    missing = recommendation.missing
    numbers = {section.id: n for n, section in enumerate(questionnaire.sections, start=1)}
    shown = [s for s in (recommendation.primary, *recommendation.complementary,
                         *recommendation.deferred, recommendation.later,
                         *recommendation.referrals) if s is not None]  # fmt: skip
    notices = [
        text
        for text in (_notice(catalogue.offering(s.offering), catalogue, language) for s in shown)
        if text
    ]
    return PathView(
        status=recommendation.status,
        primary=step(recommendation.primary) if recommendation.primary else None,
        complementary=steps(recommendation.complementary),
        deferred=steps(recommendation.deferred),
        later=step(recommendation.later) if recommendation.later else None,
        referrals=steps(recommendation.referrals),
        excluded=[
            PathStep(catalogue.offering(e.offering), [words(e.reason)])
            for e in recommendation.excluded
        ],
        missing_dimensions=[
            MissingDimension(d, names[d].get(language), numbers.get(d, 1))
            for d in (missing.dimensions if missing else ())
            if d in names
        ],
        missing_industry=missing is not None and "sni" in missing.profile,
        target_group=industry_set_words(catalogue, "target_group", language),
        notices=list(dict.fromkeys(notices)),
    )


def _lower_first(text: str) -> str:
    """ "Digitala ritningar …" inside a list: "digitala ritningar …"; "AI-stöd …" stays."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def number_parts(question: Question, value: float, language: str) -> tuple[str, str]:
    """A number answer as shown (a true minus, the language's decimal sign) and its unit
    agreeing with it ("1 robot", "2 robotar"); "" for a question without a unit."""
    unit = question.unit_one if value == 1 and question.unit_one else question.unit
    shown = f"{value:g}".replace("-", "\u2212")
    shown = shown.replace(".", ",") if language == "sv" else shown
    return shown, unit.get(language) if unit else ""


def state_words(question: Question, state: PlanState, language: str, next_step: bool) -> str:
    """An answer now or one step up, in the options' own words; a number said plainly."""
    if state.label is not None:
        return state.label.get(language)
    if isinstance(state.value, list):  # the practices ticked today, as one sentence
        ticked = [question.option(v) for v in state.value]
        words = [o.label.get(language) for o in ticked if o is not None]
        return "; ".join(words[:1] + [_lower_first(w) for w in words[1:]])
    if isinstance(state.value, int | float):
        shown, unit_text = number_parts(question, state.value, language)
        unit = f" {unit_text}" if unit_text else ""
        if next_step:
            return gettext("At least %(value)s%(unit)s", value=shown, unit=unit)
        return f"{shown}{unit}"
    return str(state.value)


def plan_rows(
    plan: Sequence[PlanItem],
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    language: str,
    discuss: Collection[str] = (),
    path: Recommendation | None = None,
) -> list[PlanRow]:
    when = {s.offering: s.when for s in path.steps} if path is not None else {}
    rows = []
    for item in plan:
        question = questionnaire.question(item.question)
        if question is None or item.dimension not in {d.id for d in questionnaire.dimensions}:
            continue  # kept on a question this content no longer has
        offering = catalogue.by_id.get(item.offering) if item.offering else None
        rows.append(
            PlanRow(
                dimension=questionnaire.dimension(item.dimension).name.get(language),
                question=question.text.get(language),
                now=state_words(question, item.now, language, next_step=False),
                next=state_words(question, item.next, language, next_step=True),
                gain=item.gain,
                offering=offering.name.get(language) if offering else None,
                discuss=item.question in discuss,
                offering_as=(
                    "routes"
                    if offering is not None and offering.focus_area
                    else "later"
                    if when.get(item.offering or "", "now") != "now"
                    else "help"
                ),
            )
        )
    return rows


def build_result(assessment: Assessment, content: Content, language: str) -> Result:
    q = content.questionnaire
    catalogue = content.catalogue
    outcome = assessment.outcome
    if outcome is None:
        raise ValueError("only a completed assessment has a result")

    def band_name(score: int | None) -> str | None:
        band = q.band_for(score)
        return band.name.get(language) if band else None

    rows = []
    for dimension in q.dimensions:
        scored = outcome.dimensions[dimension.id]
        rows.append(
            DimensionRow(
                id=dimension.id,
                name=dimension.name.get(language),
                area=dimension.area,
                score=scored.score,
                band=band_name(scored.score),
                coverage=scored.coverage if scored.coverage is not None else 1.0,
                measured=is_measured(scored, catalogue),
            )
        )
    by_id = {r.id: r for r in rows}
    # Strongest and weakest only among the dimensions with answers enough to count.
    strongest, weakest = strongest_and_weakest({r.id: r.score for r in rows if r.measured})
    recommendation = outcome.recommendation or Recommendation(None, (), None, ())
    areas = dict(outcome.areas)
    overall = outcome.overall
    if recommendation.status == "needs_more_answers":
        strongest, weakest = [], []  # no verdict on strengths from too few answers
        # While more answers are needed, an index resting on too few is not shown: an
        # area's only with half its dimensions measured, the overall one not at all.
        for a in q.areas:
            own = [r for r in rows if r.area == a.id]
            if 2 * sum(r.measured for r in own) < len(own):
                areas[a.id] = None
        overall = None
    return Result(
        overall=overall,
        overall_band=band_name(overall),
        areas=[
            (a.id, a.name.get(language), areas.get(a.id), band_name(areas.get(a.id)))
            for a in q.areas
        ],
        dimensions=rows,
        strongest=[by_id[d] for d in strongest],
        weakest=[by_id[d] for d in weakest],
        radar=radar([r.name for r in rows], [r.score for r in rows], language=language),
        path=build_path_view(recommendation, q, catalogue, language),
        low_coverage=[r for r in rows if not r.measured],
        has_path=outcome.recommendation is not None,
        basis=path_basis(outcome.basis, rows),
        plan=plan_rows(
            plan_for(assessment, content), q, catalogue, language, path=outcome.recommendation
        ),
        goal=(assessment.profile or {}).get("goal") or None,
        company=(assessment.profile or {}).get("company_name")
        or (assessment.workshop.company.name if assessment.workshop else None),
    )
