"""Peer benchmarks and "companies like yours" for a result page, from ``result_summaries``.

Who is compared (:func:`comparison`): a completed online self-assessment, with the other
stored company results (completed self-assessments and closed workshops' teams) of its
size band, and of its industry group too when at least ``MIN_PEERS`` of those share it.
Demo rows count only when ``DEMO_MODE`` is on, and then the page says so; outside it,
never, whatever the assessment itself is (a demo assessment is then compared with the
real results only). The assessment's own row is never one of its peers.

A closed workshop's team is compared the same way, as its company, on the advisor's
workshop page (:func:`team_comparison`); its own row is left out likewise. A workshop
participant's page has no comparison: the rows are companies (a workshop's row is its
team's mean), and one person's answers beside team means would not compare like with like.

The database counts the group sizes; the group's scores come in one scan (two packed
integers a row, see :func:`histograms_statement`) and numpy makes them a histogram per
dimension; :mod:`recommender.peers` turns those into percentiles and medians. "Companies like yours"
(:func:`neighbours`) loads the decided results of the size band once per process and
fits a :class:`recommender.neighbours.NeighbourIndex`, kept until a decision is added,
changed or removed (``count(*)`` and ``max(updated_at)`` of ``decisions``) or
:data:`INDEX_TTL_SECONDS` have passed (a summary row can change without a decision doing
so, e.g. a closed workshop's profile).
"""

from __future__ import annotations

import functools
import itertools
import operator
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from flask import current_app
from flask_babel import format_decimal, gettext
from sqlalchemy import BigInteger, ColumnElement, Select, cast, func, select, union_all

from questionnaire.dimensions import DIMENSION_IDS
from recommender.neighbours import MIN_DECIDED, NeighbourDecisions, NeighbourIndex
from recommender.peers import MIN_PEERS, Standing, median, standing
from web.platform.extensions import db
from web.storage import summaries
from web.storage.content import Content
from web.storage.models import Assessment, Decision, ResultSummary, Workshop
from web.workshops import service as workshops

if TYPE_CHECKING:
    from web.workshops.service import Team

INDEX_TTL_SECONDS: Final = 300
_CACHE: Final = "lyftkollen.neighbour_index"


def demo_mode() -> bool:
    return bool(current_app.config.get("DEMO_MODE"))


def _scope() -> ColumnElement[bool]:
    """The rows that may count: real ones, and demo ones in demo mode (an IN list, so the
    peers index, which starts with ``demo``, serves both)."""
    return ResultSummary.demo.in_([False, True] if demo_mode() else [False])


# --- What the page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class DimensionStanding:
    id: str
    name: str
    score: int | None  # the company's own; None: not measured
    peers: int  # comparable companies with a score in this dimension
    standing: Standing | None  # None: fewer than MIN_PEERS of them, or own not measured
    median: float | None  # the peers' median, when there are MIN_PEERS of them

    @property
    def median_text(self) -> str:
        """The median in the page's language: 48, or 48,5 in Swedish."""
        return "–" if self.median is None else format_decimal(self.median, format="0.#")


@dataclass(frozen=True)
class OfferingShare:
    offering: str
    name: str
    count: int


@dataclass(frozen=True)
class Neighbours:
    nearest: int
    offerings: list[OfferingShare]


@dataclass(frozen=True)
class Comparison:
    companies: int  # in the group compared with (or so far, when too few)
    size: str  # the size band in words
    industry: str | None  # the industry group in words; None: every industry
    industry_too_few: bool  # the company's industry has fewer than MIN_PEERS: size only
    enough: bool
    minimum: int
    demo_included: bool
    dimensions: list[DimensionStanding]
    neighbours: Neighbours | None


def size_label(band: str, content: Content) -> str:
    company = content.catalogue.company
    if band == "small":
        return gettext("fewer than %(num)d employees", num=company.small_max_employees + 1)
    if band == "medium":
        return gettext(
            "%(low)d–%(high)d employees",
            low=company.small_max_employees + 1,
            high=company.sme_max_employees,
        )
    return gettext("%(num)d employees or more", num=company.sme_max_employees + 1)


def industry_label(group: str) -> str:
    names = {
        "food": gettext("food industry"),
        "textiles": gettext("textile and clothing industry"),
        "wood_paper": gettext("wood, paper and printing industry"),
        "chemicals": gettext("chemical, plastics and minerals industry"),
        "metal": gettext("metal industry"),
        "machinery": gettext("machinery and electronics industry"),
        "vehicles": gettext("vehicle industry"),
        "other_manufacturing": gettext("other manufacturing"),
        "industry_related": gettext("industry-related services"),
        "non_manufacturing": gettext("other industries"),
    }
    return names.get(group, group)


# --- The queries -------------------------------------------------------------------------


def _group_counts(band: str) -> dict[tuple[bool, str | None], int]:
    """How many rows in scope the size band has, per (demo, industry group)."""
    rows = db.session.execute(
        select(ResultSummary.demo, ResultSummary.industry_group, func.count())
        .where(_scope(), ResultSummary.size_band == band)
        .group_by(ResultSummary.demo, ResultSummary.industry_group)
    )
    return {(bool(demo), group): n for demo, group, n in rows}


# Every row's ten scores travel as two integers of five 7-bit scores each (127: not
# measured): a size band can hold tens of thousands of rows, and one scan that sends two
# numbers per row, counted with numpy, is several times faster than ten GROUP BY scans
# (bench/result_page_bench.py; the covering index ix_result_summaries_peer_scores lets
# the scan read the index alone).
_BITS: Final = 7
_NOT_MEASURED: Final = (1 << _BITS) - 1
_HALVES: Final = (DIMENSION_IDS[:5], DIMENSION_IDS[5:])


def _packed(dimensions: Sequence[str]) -> ColumnElement[int]:
    terms = [
        cast(func.coalesce(ResultSummary.__table__.c[d], _NOT_MEASURED), BigInteger)
        * (1 << (_BITS * i))
        for i, d in enumerate(dimensions)
    ]
    return functools.reduce(operator.add, terms)


def histograms_statement(band: str, group: str | None) -> Select[*tuple[Any, ...]]:
    """The group's rows, each as its packed scores (see _HALVES)."""
    conditions = [_scope(), ResultSummary.size_band == band]
    if group is not None:
        conditions.append(ResultSummary.industry_group == group)
    return select(*(_packed(half) for half in _HALVES)).where(*conditions)


def _plain_rows(statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The statement's rows as the driver's own tuples, in the session's transaction.

    For the tens of thousands of rows of a large group, SQLAlchemy's Row objects cost
    about three times what the query does (bench/result_page_bench.py). The statement
    is rendered with its values inline: they are the app's own ids and numbers.
    """
    connection = db.session.connection()
    sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(sql))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _histograms(band: str, group: str | None) -> dict[str, dict[int, int]]:
    """Per dimension, how many rows in the group have each score (unmeasured left out)."""
    import numpy as np  # noqa: PLC0415 (lazy: a worker starts without it)

    rows = _plain_rows(histograms_statement(band, group))
    flat = itertools.chain.from_iterable(rows)
    packed = np.fromiter(flat, dtype=np.int64, count=len(rows) * len(_HALVES))
    packed = packed.reshape(len(rows), len(_HALVES))
    histograms: dict[str, dict[int, int]] = {}
    for column, half in enumerate(_HALVES):
        values = packed[:, column]
        for i, dimension in enumerate(half):
            scores = (values >> (_BITS * i)) & _NOT_MEASURED
            counts = np.bincount(scores, minlength=_NOT_MEASURED + 1)[:_NOT_MEASURED]
            histograms[dimension] = {s: int(n) for s, n in enumerate(counts.tolist()) if n}
    return histograms


Source = tuple[str, int]  # ("assessment", id) or ("workshop", id): a summary row's source


def _own_row(source: Source) -> dict[str, Any] | None:
    """The result's own stored row, to take out of its peers' counts."""
    kind, key = source
    column = ResultSummary.workshop_id if kind == "workshop" else ResultSummary.assessment_id
    columns = [ResultSummary.__table__.c[c] for c in ("demo", "size_band", "industry_group")]
    row = db.session.execute(
        select(*columns, *(ResultSummary.__table__.c[d] for d in DIMENSION_IDS)).where(
            column == key
        )
    ).one_or_none()
    return None if row is None else dict(row._mapping)


# --- The comparison ----------------------------------------------------------------------


def comparison(assessment: Assessment, content: Content, language: str) -> Comparison | None:
    """The result page's peer comparison; None when the assessment gets none (a workshop
    participant, or not completed)."""
    subject = summaries.assessment_values(assessment, content)
    if subject is None:
        return None
    return _compare(subject, ("assessment", assessment.id), content, language)


def team_comparison(
    workshop: Workshop, content: Content, language: str, team: Team | None = None
) -> Comparison | None:
    """A closed workshop's team compared as its company, on the advisor's page; None
    while the workshop is open (its team is then no stored result, and still changing)
    or before anyone finished. ``team`` is the team's result if the caller has it."""
    subject = workshops.summary_values(workshop, content, team)
    if subject is None:
        return None
    return _compare(subject, ("workshop", workshop.id), content, language)


def _compare(
    subject: Mapping[str, Any], source: Source, content: Content, language: str
) -> Comparison | None:
    """The comparison of the result ``subject`` (a summary row's values) with its peers;
    ``source`` is where its own stored row, if any, comes from."""
    if subject["size_band"] is None:
        return None
    band: str = subject["size_band"]
    own_group: str | None = subject["industry_group"]
    counts = _group_counts(band)
    own = _own_row(source)
    if own is not None and own["size_band"] == band and (demo_mode() or not own["demo"]):
        key = (bool(own["demo"]), own["industry_group"])
        counts[key] = counts.get(key, 0) - 1  # never one's own peer
    else:
        own = None
    in_band = sum(counts.values())
    in_industry = sum(n for (_, g), n in counts.items() if own_group is not None and g == own_group)
    group = own_group if own_group is not None and in_industry >= MIN_PEERS else None
    companies = in_industry if group is not None else in_band
    demo_rows = sum(n for (demo, g), n in counts.items() if demo and (group is None or g == group))

    names = {d.id: d.name.get(language) for d in content.questionnaire.dimensions}
    enough = companies >= MIN_PEERS
    dimensions: list[DimensionStanding] = []
    if enough:
        histograms = _histograms(band, group)
        if own is not None and (group is None or own["industry_group"] == group):
            for d in DIMENSION_IDS:
                if own[d] is not None:  # (.get: the row may have gone since it was read)
                    histograms[d][own[d]] = histograms[d].get(own[d], 0) - 1
        for d in DIMENSION_IDS:
            histogram = {s: n for s, n in histograms[d].items() if n > 0}
            peers = sum(histogram.values())
            score = subject[d]
            where = standing(score, histogram) if score is not None else None
            dimensions.append(
                DimensionStanding(
                    id=d,
                    name=names.get(d, d),
                    score=score,
                    peers=peers,
                    standing=where,
                    median=median(histogram) if peers >= MIN_PEERS else None,
                )
            )
    return Comparison(
        companies=companies,
        size=size_label(band, content),
        industry=industry_label(group) if group is not None else None,
        industry_too_few=own_group is not None and group is None,
        enough=enough,
        minimum=MIN_PEERS,
        demo_included=demo_rows > 0,
        dimensions=dimensions,
        neighbours=neighbours(source, subject, content, language) if enough else None,
    )


# --- Companies like yours ---------------------------------------------------------------


def _decisions_fingerprint() -> tuple[Any, ...]:
    count, latest = db.session.execute(select(func.count(), func.max(Decision.updated_at))).one()
    return (int(count), str(latest))


@dataclass
class _Band:
    """One size band's decided results, as loaded and then fitted."""

    profiles: list[dict[str, int | None]] = field(default_factory=list)
    offerings: list[str] = field(default_factory=list)
    positions: dict[Source, int] = field(default_factory=dict)  # where each result is


def _decided_results() -> dict[str, _Band]:
    """Every decided result in scope, by size band.

    No condition on ``result_summaries`` in SQL: the database then walks the decisions
    (few) and looks each result up by its unique key, rather than walking a size band's
    results (many) and looking for a decision. Scope and band are sorted out here.
    """
    table = ResultSummary.__table__.c
    columns = [
        table.demo,
        table.size_band,
        table.assessment_id,
        table.workshop_id,
        Decision.offering,
    ]
    dimension_columns = [table[d] for d in DIMENSION_IDS]
    statement = union_all(
        select(*columns, *dimension_columns).join(
            ResultSummary, ResultSummary.assessment_id == Decision.assessment_id
        ),
        select(*columns, *dimension_columns).join(
            ResultSummary, ResultSummary.workshop_id == Decision.workshop_id
        ),
    )
    with_demo = demo_mode()
    bands: dict[str, _Band] = {}
    for demo, band, assessment_id, workshop_id, offering, *scores in db.session.execute(statement):
        if (demo and not with_demo) or band is None:
            continue
        decided = bands.setdefault(band, _Band())
        source = ("assessment", assessment_id) if assessment_id else ("workshop", workshop_id)
        decided.positions[source] = len(decided.offerings)
        decided.offerings.append(offering)
        decided.profiles.append(dict(zip(DIMENSION_IDS, scores, strict=True)))
    return bands


def neighbour_index(band: str) -> tuple[NeighbourIndex, dict[Source, int]] | None:
    """The fitted index of the band's decided results, and the position in it of each,
    by its source; None while the band has fewer than
    MIN_DECIDED (then scikit-learn is not even imported). Every band's is made in one go
    and kept per process and app until the decisions change or INDEX_TTL_SECONDS pass."""
    cache: dict[bool, Any] = current_app.extensions.setdefault(_CACHE, {})
    fingerprint = _decisions_fingerprint()
    cached = cache.get(demo_mode())
    now = time.monotonic()
    if cached is None or cached[0] != fingerprint or now - cached[1] >= INDEX_TTL_SECONDS:
        fitted = {
            name: (NeighbourIndex(b.profiles, b.offerings), b.positions)
            for name, b in _decided_results().items()
            if len(b.offerings) >= MIN_DECIDED
        }
        cached = (fingerprint, now, fitted)
        cache[demo_mode()] = cached
    found: tuple[NeighbourIndex, dict[Source, int]] | None = cached[2].get(band)
    return found


def neighbours(
    source: Source, subject: Mapping[str, Any], content: Content, language: str
) -> Neighbours | None:
    """What advisors most often decided for the decided results most like this one, in
    its size band; None until there are enough of them."""
    fitted = neighbour_index(subject["size_band"])
    if fitted is None:
        return None
    index, positions = fitted
    own = positions.get(source)  # its own decision is not a neighbour's
    found: NeighbourDecisions | None = index.decisions(
        {d: subject[d] for d in DIMENSION_IDS}, exclude=own
    )
    if found is None:
        return None
    catalogue = content.catalogue
    shares = [
        OfferingShare(o.offering, catalogue.offering(o.offering).name.get(language), o.count)
        for o in found.offerings
        if o.offering in catalogue.by_id
    ]
    return Neighbours(nearest=found.nearest, offerings=shares)
