"""A company then and now: two of its measurements side by side, per dimension and area.

The company is found through ``company_or_404``: another advisor's company is answered
exactly like one that does not exist, and so is a measurement key it does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request
from flask_babel import get_locale, gettext
from flask_login import login_required

from questionnaire.scoring import area_indices, overall_index
from recommender import comparison
from recommender.action_plan import PlanState
from recommender.catalogue import Catalogue
from recommender.comparison import DimensionChange
from recommender.path import Recommendation, Step
from web.advisor._access import company_or_404
from web.assessments.results import state_words
from web.platform.areas import advisor as bp
from web.storage.content import Content, content
from web.workshops import service as workshops
from web.workshops.service import Measurement


@dataclass(frozen=True)
class ChangeRow:
    id: str
    name: str
    figures: DimensionChange


@dataclass(frozen=True)
class PathView:
    available: bool  # False while the company's profile is missing
    primary: str | None
    complementary: list[str]
    later: str | None


def _offering_name(catalogue: Catalogue, step: Step, language: str) -> str:
    offering = catalogue.by_id.get(step.offering)
    return offering.name.get(language) if offering is not None else step.offering


def path_view(path: Recommendation | None, catalogue: Catalogue, language: str) -> PathView:
    if path is None:
        return PathView(available=False, primary=None, complementary=[], later=None)
    return PathView(
        available=True,
        primary=_offering_name(catalogue, path.primary, language) if path.primary else None,
        complementary=[_offering_name(catalogue, s, language) for s in path.complementary],
        later=_offering_name(catalogue, path.later, language) if path.later else None,
    )


def dimension_rows(
    then: Measurement, now: Measurement, c: Content, language: str
) -> list[ChangeRow]:
    figures = {
        row.dimension: row
        for row in comparison.compare(then.scores, now.scores, then.spread, now.spread)
    }
    return [
        ChangeRow(d.id, d.name.get(language), figures[d.id])
        for d in c.questionnaire.dimensions
        if d.id in figures
    ]


def area_rows(then: Measurement, now: Measurement, c: Content, language: str) -> list[ChangeRow]:
    """The overall index first, then each area's."""

    def indices(m: Measurement) -> dict[str, int | None]:
        areas = area_indices(m.scores)
        return {"overall": overall_index(areas), **areas}

    figures = {row.dimension: row for row in comparison.compare(indices(then), indices(now))}
    names = {"overall": gettext("Overall")} | {
        a.id: a.name.get(language) for a in c.questionnaire.areas
    }
    return [ChangeRow(key, name, figures[key]) for key, name in names.items() if key in figures]


@dataclass(frozen=True)
class ProgressRow:
    """An item of the first result's plan and what the second result says of it."""

    dimension: str
    question: str
    then: str  # where it stood then, in the options' own words
    next: str  # the step planned
    now: str | None  # where it stands now; None when not answered in a way that counts
    reached: bool


def progress_rows(
    then: Measurement, now: Measurement, c: Content, language: str
) -> list[ProgressRow]:
    """Then's plan, item by item, with whether now reached it (recommender.comparison),
    worded as then's questionnaire asked it: a question since reworded or removed keeps
    its item, which then shows as not reached."""
    asked_then = then.questionnaire or c.questionnaire
    asked_now = now.questionnaire or c.questionnaire
    found = comparison.plan_progress(then.plan, now.answers, asked_now)
    rows = []
    for entry in found:
        item = entry.item
        question = asked_then.question(item.question)
        if question is None:  # never: the plan was made on this questionnaire
            continue
        current = None
        asked = asked_now.question(item.question)  # the answer now, in now's own words
        if asked is not None and entry.level_now is not None and entry.answer_now is not None:
            option = asked.option(str(entry.answer_now)) if asked.type == "single" else None
            state = PlanState(entry.answer_now, option.label if option else None, entry.level_now)
            current = state_words(asked, state, language, next_step=False)
        rows.append(
            ProgressRow(
                dimension=asked_then.dimension(item.dimension).name.get(language),
                question=question.text.get(language),
                then=state_words(question, item.now, language, next_step=False),
                next=state_words(question, item.next, language, next_step=True),
                now=current,
                reached=entry.reached,
            )
        )
    return rows


@bp.get("/foretag/<public_id>/jamforelse")
@login_required
def compare(public_id: str) -> str:
    """Then and now: by default the two latest measurements, otherwise those chosen."""
    company = company_or_404(public_id)
    c = content()
    found = workshops.measurements(company)
    by_key = {m.key: m for m in found}
    chosen = {arg: request.args.get(arg) for arg in ("fran", "till")}
    if any(key is not None and key not in by_key for key in chosen.values()):
        abort(404)
    if len(found) < 2:
        return render_template("advisor/compare.html", company=company, enough=False)
    then = by_key[chosen["fran"]] if chosen["fran"] else found[-2]
    now = by_key[chosen["till"]] if chosen["till"] else found[-1]
    language = str(get_locale() or "sv")
    return render_template(
        "advisor/compare.html",
        company=company,
        enough=True,
        measurements=found,
        then=then,
        now=now,
        rows=dimension_rows(then, now, c, language),
        areas=area_rows(then, now, c, language),
        path_then=path_view(then.path, c.catalogue, language),
        path_now=path_view(now.path, c.catalogue, language),
        primary_changed=comparison.primary_changed(then.path, now.path),
        progress=progress_rows(then, now, c, language),
    )
