"""The program overview: what the stored company results add up to, counted by the database.

Every figure is an aggregate over ``result_summaries`` (one row per completed online
self-assessment or closed workshop team) under one :class:`Filters`, computed with
GROUP BY, COUNT, SUM(CASE …) and AVG in SQL, so no result row is ever loaded. The same
queries run on SQLite and PostgreSQL. Each summary row carries a copy of its advisor's
decision (web.storage.summaries), so decisions are counted in the same scan, without a join.

Demo rows count only when the caller says so (``Filters.include_demo``: the app's
``DEMO_MODE``); otherwise they are never counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Final

from sqlalchemy import ColumnElement, func, select

from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.model import Band
from web.platform.extensions import db
from web.platform.recent import Recent
from web.reporting.export import Cell
from web.storage.models import ChangeCounter, ResultSummary

KINDS: Final = ("online", "workshop")

RS = ResultSummary


@dataclass(frozen=True)
class Filters:
    """Which results count: a period of whole months, a county, an industry group, a
    size band and online or workshop results. None means no restriction."""

    first_month: date | None = None  # the first day of the first month counted
    last_month: date | None = None  # the first day of the last month counted
    region: str | None = None
    industry_group: str | None = None
    size_band: str | None = None
    kind: str | None = None  # "online" or "workshop"
    include_demo: bool = False

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions on ``result_summaries`` that every query applies."""
        where: list[ColumnElement[bool]] = []
        if not self.include_demo:
            # "IS NOT true", not "= false": SQLite would otherwise walk nearly every row
            # through the (demo, …) indexes, far slower than the scan an overview needs.
            where.append(RS.demo.is_not(True))
        if self.first_month is not None:
            where.append(RS.completed_on >= self.first_month.replace(day=1))
        if self.last_month is not None:
            where.append(RS.completed_on < next_month(self.last_month))
        for column, value in (
            (RS.region, self.region),
            (RS.industry_group, self.industry_group),
            (RS.size_band, self.size_band),
        ):
            if value is not None:
                where.append(column == value)
        if self.kind == "online":  # no workshop: its assessment (the one_source check)
            where.append(RS.workshop_id.is_(None))
        elif self.kind == "workshop":
            where.append(RS.workshop_id.is_not(None))
        return where


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def months_between(first: date, last: date) -> Iterator[str]:
    """Every month from ``first``'s to ``last``'s, as "YYYY-MM"."""
    month = first.replace(day=1)
    while month <= last:
        yield f"{month.year:04d}-{month.month:02d}"
        month = next_month(month)


@dataclass(frozen=True)
class DimensionFigures:
    """How one dimension's scores spread over the bands."""

    dimension: str
    scored: int  # results with a score for this dimension
    bands: tuple[int, ...]  # how many results in each band, lowest band first
    mean: float | None


@dataclass(frozen=True)
class OfferingFigures:
    """How often an offering was the recommended first step, and what was decided then."""

    offering: str | None  # None: results without a recommended step
    recommended: int  # results with this primary step
    decisions: int  # of those, with a decision recorded
    agreed: int  # of the decisions, those that chose the step recommended when deciding

    @property
    def agreement(self) -> float | None:
        """The share of decisions that agreed, 0-1; None when there are none."""
        return self.agreed / self.decisions if self.decisions else None


@dataclass(frozen=True)
class Overview:
    """Everything the program overview shows, for one :class:`Filters`."""

    filters: Filters
    results: int
    respondents: int
    by_month: tuple[tuple[str, int], ...]  # every month of the period, also empty ones
    by_region: Counter[str | None]
    by_industry: Counter[str | None]
    by_size: Counter[str | None]
    by_kind: Counter[str]
    dimensions: tuple[DimensionFigures, ...]
    offerings: tuple[OfferingFigures, ...]  # most often recommended first
    decided: Counter[str] = field(default_factory=Counter)  # decisions by offering chosen

    @property
    def decisions(self) -> int:
        return sum(self.decided.values())


@cache
def _totals_columns(maxima: tuple[int, ...]) -> tuple[Any, ...]:
    """COUNT, SUM(respondents), COUNT(workshop_id) and, per dimension, how many scores
    are at most each band's maximum but the last (cumulative counts: one comparison
    each), COUNT and AVG. Built once: making forty expressions costs more than the
    query on a small table.

    The band counts are ``COUNT(*) FILTER (WHERE score <= max)`` (SQLite 3.30 and
    PostgreSQL both have it): on SQLite the scan of 100,000 rows took 80 ms with it
    and 115-180 ms with ``SUM(CASE WHEN … THEN 1 ELSE 0 END)`` (bench/overview_bench.py)."""
    columns: list[Any] = [
        func.count(),
        func.coalesce(func.sum(RS.respondents), 0),
        func.count(RS.workshop_id),
    ]
    for d in DIMENSION_IDS:
        score = RS.__table__.c[d]
        columns += [func.count().filter(score <= top) for top in maxima[:-1]]
        columns += [func.count(score), func.avg(score)]
    return tuple(columns)


def _totals_and_dimensions(
    where: Sequence[ColumnElement[bool]], bands: Sequence[Band]
) -> tuple[int, int, Counter[str], tuple[DimensionFigures, ...]]:
    """Results, respondents, results by kind, and every dimension's band counts and
    mean: one scan."""
    columns = _totals_columns(tuple(b.max for b in bands))
    row = db.session.execute(select(*columns).where(*where)).one()
    results, respondents, teams = int(row[0]), int(row[1]), int(row[2])
    kinds = Counter({"online": results - teams, "workshop": teams})
    figures = []
    width = len(bands) + 1
    for i, d in enumerate(DIMENSION_IDS):
        values = row[3 + i * width : 3 + (i + 1) * width]
        scored = int(values[-2] or 0)
        at_most = [int(v or 0) for v in values[: len(bands) - 1]] + [scored]
        counts = tuple(n - (at_most[j - 1] if j else 0) for j, n in enumerate(at_most))
        mean = values[-1]
        figures.append(
            DimensionFigures(
                dimension=d,
                scored=scored,
                bands=counts,
                mean=None if mean is None else float(mean),
            )
        )
    return results, respondents, +kinds, tuple(figures)  # + drops a kind with none


def _by_month(
    where: Sequence[ColumnElement[bool]], filters: Filters
) -> tuple[tuple[str, int], ...]:
    """Results per month, every month from the first to the last (or the filter's).

    The database counts per day (a few hundred rows a year), folded into months here:
    portable, and cheaper on SQLite than formatting every row's date as a month."""
    counts: Counter[str] = Counter()
    for day, n in db.session.execute(
        select(RS.completed_on, func.count()).where(*where).group_by(RS.completed_on)
    ):
        counts[f"{day.year:04d}-{day.month:02d}"] += n
    if not counts and (filters.first_month is None or filters.last_month is None):
        return ()
    known = sorted(counts)
    first = filters.first_month or date.fromisoformat(f"{known[0]}-01")
    last = filters.last_month or date.fromisoformat(f"{known[-1]}-01")
    return tuple((m, counts.get(m, 0)) for m in months_between(first, last))


@dataclass(frozen=True)
class _Breakdowns:
    region: Counter[str | None]
    industry: Counter[str | None]
    size: Counter[str | None]
    recommended: Counter[str | None]  # results per recommended first step
    decisions: Counter[str | None]  # decisions per recommended first step
    agreements: Counter[str | None]  # of those, the ones that chose the step
    chosen: Counter[str]  # decisions per offering chosen


def _breakdowns(where: Sequence[ColumnElement[bool]]) -> _Breakdowns:
    """Results by county, industry group, size band, recommended first step and the
    advisor's decision: one GROUP BY in the order of the covering index
    ix_result_summaries_breakdown (so no sort), folded here."""
    keys = (
        RS.region,
        RS.industry_group,
        RS.size_band,
        RS.recommended,
        RS.decision,
        RS.decision_agreed,
    )
    rows = db.session.execute(select(*keys, func.count()).where(*where).group_by(*keys)).all()
    found = _Breakdowns(*(Counter() for _ in range(7)))
    for region, industry, size, step, decision, agreed, n in rows:
        found.region[region] += n
        found.industry[industry] += n
        found.size[size] += n
        found.recommended[step] += n
        if decision is not None:
            found.decisions[step] += n
            found.chosen[decision] += n
            if agreed:
                found.agreements[step] += n
    return found


def _offerings(found: _Breakdowns) -> tuple[OfferingFigures, ...]:
    """Per recommended step: results, decisions recorded, and those that agreed."""
    figures = [
        OfferingFigures(step, int(n), found.decisions[step], found.agreements[step])
        for step, n in found.recommended.items()
    ]
    figures.sort(key=lambda f: (f.offering is None, -f.recommended, f.offering or ""))
    return tuple(figures)


def fingerprint() -> int | None:
    """Changes whenever a result summary or a decision is added, changed or deleted.

    It is the ``results`` change counter (web.storage.models.ChangeCounter), which database
    triggers keep, so it also follows cascades and concurrent transactions; one read
    by primary key. None before anything has ever changed.
    """
    value: int | None = db.session.execute(
        select(ChangeCounter.value).where(ChangeCounter.name == "results")
    ).scalar()
    return value


def overview(
    filters: Filters, bands: Sequence[Band], cache: Recent[Overview] | None = None
) -> Overview:
    """The program overview under ``filters``; ``bands`` are the questionnaire's.

    Computed in SQL, or taken from ``cache`` while the data is unchanged (the database's
    fingerprint is checked on every call, so no process shows stale figures).
    """
    if cache is None:
        return _compute(filters, bands)
    # The fingerprint is read before the figures: a change committed in between is then
    # in figures kept under the older fingerprint, which the next call no longer asks
    # for. (Read after, figures without it could be kept under its fingerprint.)
    key = (filters, tuple(b.max for b in bands), fingerprint())
    found: Overview = cache.get(key, lambda: _compute(filters, bands))
    return found


def _compute(filters: Filters, bands: Sequence[Band]) -> Overview:
    where = filters.conditions()
    results, respondents, kinds, dimensions = _totals_and_dimensions(where, bands)
    found = _breakdowns(where)
    return Overview(
        filters=filters,
        results=results,
        respondents=respondents,
        by_month=_by_month(where, filters),
        by_region=found.region,
        by_industry=found.industry,
        by_size=found.size,
        by_kind=kinds,
        dimensions=dimensions,
        offerings=_offerings(found),
        decided=found.chosen,
    )


# ------------------------------------------------------------------ the anonymous export

CSV_HEADERS: Final = ["table", "key", "label", "measure", "value"]


def csv_rows(
    view: Overview,
    labels: dict[str, dict[str | None, str]],
    bands: Sequence[Band],
    min_group: int,
) -> list[list[Cell]]:
    """The overview's tables in long format: (table, key, label, measure, value) rows.

    Score figures, steps and decisions over fewer than ``min_group`` results (the
    statistics export's limit, data/statistics.yaml) are left out: they would be (nearly)
    one company's own.

    Every row is a count or a mean over a group of results, never a result of its own,
    so the file holds no names, free text, ids or dates (months only). ``labels`` names
    the keys of each table ("region", "industry_group", …) in the reader's language.
    """

    def label(table: str, key: str | None) -> str:
        return labels.get(table, {}).get(key, key or "")

    f = view.filters
    out: list[list[Cell]] = [list(CSV_HEADERS)]
    for name, value in (
        ("from_month", f.first_month.strftime("%Y-%m") if f.first_month else ""),
        ("to_month", f.last_month.strftime("%Y-%m") if f.last_month else ""),
        ("region", f.region or ""),
        ("industry_group", f.industry_group or ""),
        ("size_band", f.size_band or ""),
        ("kind", f.kind or ""),
        ("demo_data_included", "yes" if f.include_demo else "no"),
    ):
        out.append(["filter", name, "", "value", value])
    out.append(["total", "", "", "results", view.results])
    out.append(["total", "", "", "respondents", view.respondents])
    out += [["month", m, m, "results", n] for m, n in view.by_month]
    for table, counts in (
        ("kind", view.by_kind),
        ("region", view.by_region),
        ("industry_group", view.by_industry),
        ("size_band", view.by_size),
    ):
        for key, n in sorted(counts.items(), key=lambda kv: kv[0] or "~"):
            out.append([table, key or "", label(table, key), "results", n])
    for d in view.dimensions:
        if d.scored < min_group:
            continue  # too few to be anything but a company's own scores
        for band, n in zip(bands, d.bands, strict=True):
            out.append(["dimension", d.dimension, label("dimension", d.dimension), band.id, n])
        mean = None if d.mean is None else round(d.mean, 1)
        out.append(["dimension", d.dimension, label("dimension", d.dimension), "mean", mean])
    # A step recommended, or a decision made, for fewer than min_group results could
    # be one company's own: left out, like the scores above.
    for o in view.offerings:
        if o.recommended < min_group:
            continue
        name = label("offering", o.offering)
        out.append(["recommended", o.offering or "", name, "results", o.recommended])
        if o.decisions >= min_group:
            out.append(["recommended", o.offering or "", name, "decisions", o.decisions])
            out.append(["recommended", o.offering or "", name, "agreed", o.agreed])
    for offering, n in sorted(view.decided.items()):
        if n >= min_group:
            out.append(["decided", offering, label("offering", offering), "decisions", n])
    return out
