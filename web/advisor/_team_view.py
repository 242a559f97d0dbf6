"""What the team view shows, in one language: from a Team to rows, a chart and worded reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from questionnaire.model import Question
from questionnaire.scoring import round_half_up
from questionnaire.team import Disagreement
from web.assessments.results import (
    PathBasis,
    PathView,
    PlanRow,
    build_path_view,
    number_parts,
    path_basis,
    plan_rows,
)
from web.platform.charts import PROJECTOR, Radar, radar
from web.storage.content import Content
from web.workshops.service import Team


@dataclass(frozen=True)
class TeamRow:
    id: str
    name: str
    score: int | None
    band: str | None
    minimum: int | None
    maximum: int | None
    spread: int | None  # standard deviation in points, rounded
    measured: int


@dataclass(frozen=True)
class Bar:
    label: str
    count: int


@dataclass(frozen=True)
class DisagreementView:
    question_id: str
    text: str
    dimension: str
    spread: float
    bars: list[Bar]
    dont_know: int
    answers: int  # people who answered the question (a bar's full length)
    checklist: bool = False  # a bar counts ticks (several a person), not people


@dataclass(frozen=True)
class TeamView:
    participants: int
    overall: int | None
    areas: list[tuple[str, str, int | None]]
    rows: list[TeamRow]
    radar: Radar
    disagreements: list[DisagreementView]
    path: PathView | None  # None until the advisor gives the company's profile
    basis: PathBasis
    plan: list[PlanRow] = field(default_factory=list)  # with the path
    outlines_from: int = 5  # participants before each one's outline is drawn
    projector_radar: Radar | None = None  # the same, with a projector's large labels

    @property
    def has_path(self) -> bool:
        return self.path is not None

    @property
    def outlines(self) -> bool:
        """Whether each participant's outline is drawn on the radar."""
        return self.participants >= self.outlines_from


def number_words(question: Question, value: str, language: str) -> str:
    """A number answer on a bar ("−3 %", "1 robot", "12 robotar"), number and unit
    kept on one line."""
    shown, unit = number_parts(question, float(value), language)
    return f"{shown}\u00a0{unit}" if unit else shown


def _disagreement(item: Disagreement, content: Content, language: str) -> DisagreementView:
    q = content.questionnaire
    question = q.question(item.question_id)
    if question is None:
        raise KeyError(item.question_id)
    bars = []
    for value, count in item.distribution:
        option = question.option(value) if question.type != "number" else None
        label = option.label.get(language) if option else number_words(question, value, language)
        bars.append(Bar(label, count))
    return DisagreementView(
        question_id=item.question_id,
        text=question.text.get(language),
        dimension=q.dimension(item.dimension).name.get(language),
        spread=item.spread,
        bars=bars,
        dont_know=item.dont_know,
        answers=item.answered,
        checklist=question.type == "multi",
    )


def build_team_view(
    team: Team, content: Content, language: str, outlines_from: int = 5
) -> TeamView:
    """The team's result in ``language``; each participant's outline on the radar only
    from ``outlines_from`` finished participants (data/site.yaml)."""
    q = content.questionnaire
    result = team.result

    def band_name(score: int | None) -> str | None:
        band = q.band_for(score)
        return band.name.get(language) if band else None

    rows = []
    for dimension in q.dimensions:
        d = result.dimensions[dimension.id]
        rows.append(
            TeamRow(
                id=dimension.id,
                name=dimension.name.get(language),
                score=d.score,
                band=band_name(d.score),
                minimum=d.minimum,
                maximum=d.maximum,
                spread=round_half_up(d.spread) if d.spread is not None else None,
                measured=d.measured,
            )
        )

    path = team.path
    order = [d.id for d in q.dimensions]
    # In a small team, people could tell whose thin line is whose: none then.
    others = (
        [[outline[d] for d in order] for outline in result.outlines]
        if result.participants >= outlines_from
        else []
    )
    return TeamView(
        participants=result.participants,
        overall=result.overall,
        areas=[(a.id, a.name.get(language), result.areas[a.id]) for a in q.areas],
        rows=rows,
        radar=radar([r.name for r in rows], [r.score for r in rows], others, language),
        projector_radar=radar(
            [r.name for r in rows], [r.score for r in rows], others, language, PROJECTOR
        ),
        disagreements=[_disagreement(i, content, language) for i in result.disagreements],
        path=build_path_view(path, q, content.catalogue, language) if path else None,
        basis=path_basis(team.outcome.basis, rows),
        outlines_from=outlines_from,
        plan=(
            plan_rows(team.plan.items, q, content.catalogue, language, team.plan.discuss, team.path)
            if team.plan
            else []
        ),
    )
