"""The rule-based ranking: the advisors' rules of thumb, applied within the hard rules.

Each rule of thumb proposes offerings with a fit (0-100) and the reasons behind it.
A *lead* is a main step (Produktionslyftet's tracks, or Testbädd for the most mature);
a *complement* answers one clear gap. The primary step is the best-fitting lead, the
complements are the best-fitting initiatives besides it, and the later step is the
primary's natural successor. Nothing the hard rules exclude is ever proposed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from statistics import fmean

from questionnaire.dimensions import AREA_OF, CHANGE_CAPABILITY, DIMENSION_IDS, LEVEL_MAX
from questionnaire.profile import CompanyProfile
from questionnaire.scoring import area_indices, overall_index, round_half_up
from recommender.catalogue import Catalogue
from recommender.eligibility import excluded_offerings, exclusion_reason, is_sme
from recommender.evidence import Evidence, Quote
from recommender.path import Exclusion, Reason, Recommendation, Step, When


@dataclass(frozen=True)
class Facts:
    """What the rules of thumb look at, derived once from the profile and scores.

    The area and overall figures come from the scoring's own functions, so a reason
    quotes exactly the numbers the result page shows.
    """

    profile: CompanyProfile
    scores: Mapping[str, float]  # measured dimensions only
    overall: int | None
    change: float | None  # None when change capability was not measured
    digital: int | None
    sme: bool
    evidence: Evidence | None = None  # what the answers say; None for figures alone
    economy: tuple[Reason, ...] = ()  # why the economy lags; empty when it does not
    capacity: Reason | None = None  # why there is little time for development; None: enough


def derive_facts(
    profile: CompanyProfile,
    scores: Mapping[str, float | None],
    catalogue: Catalogue,
    evidence: Evidence | None = None,
) -> Facts:
    measured = {d: float(s) for d, s in scores.items() if s is not None and d in DIMENSION_IDS}
    areas = area_indices(measured)
    return Facts(
        profile=profile,
        scores=measured,
        overall=overall_index(areas),
        change=measured.get(CHANGE_CAPABILITY),
        digital=areas["digital"],
        sme=is_sme(profile, catalogue),
        evidence=evidence,
        economy=_economy_lags(measured, evidence, catalogue),
        capacity=_little_capacity(profile, evidence, catalogue),
    )


def _economy_lags(
    scores: Mapping[str, float], evidence: Evidence | None, catalogue: Catalogue
) -> tuple[Reason, ...]:
    """Why the economy lags, each in the company's own figures or words; () if it does not."""
    economy = catalogue.economy
    found: list[Reason] = []
    score = scores.get("economic")
    if score is not None and score <= economy.lag:
        found.append(Reason("economy_weak", {"score": _n(score), "lag": _n(economy.lag)}))
    if evidence is not None:
        if evidence.loss(catalogue) and evidence.margin is not None:
            found.append(Reason("economy_loss", {"margin": evidence.margin}))
        customer = evidence.dominant_customer
        if customer is not None:
            found.append(
                Reason(
                    "economy_one_customer",
                    {"question": customer.question, "option": customer.option},
                )
            )
    return tuple(found)


def _little_capacity(
    profile: CompanyProfile, evidence: Evidence | None, catalogue: Catalogue
) -> Reason | None:
    """Why the company has little time for development, or None (figures alone: full)."""
    if evidence is None:
        return None
    capacity = catalogue.capacity
    answer = evidence.development
    if answer is not None:
        if answer.level <= capacity.little_at_most:
            return Reason(
                "capacity_answered", {"question": answer.question, "option": answer.option}
            )
        return None
    if profile.employees < capacity.unknown_small_below:
        return Reason("capacity_unknown", {"employees": profile.employees})
    return None


@dataclass(frozen=True)
class Proposal:
    offering: str
    fit: float
    lead: bool
    reasons: tuple[Reason, ...]


def _n(value: float) -> int:
    return round_half_up(value)


def _start_with_the_will(f: Facts, c: Catalogue) -> Iterator[Proposal]:
    """Low change capability and low maturity in an SME: build the will first."""
    t = c.thresholds
    if not f.sme or f.overall is None or f.overall >= t.low:
        return
    if f.change is not None and f.change >= t.low:
        return
    low_overall = Reason("overall_low", {"overall": f.overall, "low": _n(t.low)})
    # Change capability not measured: the overall index alone speaks.
    will: tuple[Reason, ...] = (
        ()
        if f.change is None
        else (Reason("change_low", {"change": _n(f.change), "low": _n(t.low)}),)
    )
    if f.overall <= t.basic and (f.change is None or f.change <= t.basic):
        yield Proposal("inspirationsseminarium", 90, True, (*will, low_overall))
        yield Proposal("startprogram", 60, True, (*will, low_overall))
    else:
        # Some will to change, or some things in place: a shorter programme. Its reason is
        # what is in place only when the overall index says so, else "start small".
        start = (
            Reason("some_readiness", {"overall": f.overall}) if f.overall > t.basic else low_overall
        )
        yield Proposal("startprogram", 88, True, (*will, start))
        yield Proposal("inspirationsseminarium", 65, True, (*will, low_overall))


def _development(f: Facts, c: Catalogue) -> Iterator[Proposal]:
    """Adequate change capability and broad needs; or change capability to build."""
    t = c.thresholds
    if f.overall is None:
        return
    if f.change is not None and f.change < t.low:
        if not f.sme:
            reason = Reason(
                "large_company_change", {"employees": f.profile.employees, "change": _n(f.change)}
            )
            yield Proposal("utvecklingsprogram", 80, True, (reason,))
        elif f.overall >= t.low:
            reason = Reason(
                "build_change_capability",
                {"change": _n(f.change), "low": _n(t.low), "overall": f.overall},
            )
            yield Proposal("utvecklingsprogram", 75, True, (reason,))
        return
    if f.change is None and f.overall < t.low:
        if not f.sme:
            low = Reason("overall_low", {"overall": f.overall, "low": _n(t.low)})
            yield Proposal("utvecklingsprogram", 75, True, (low,))
        return
    adequate = (
        (Reason("change_adequate", {"change": _n(f.change)}),) if f.change is not None else ()
    )
    weak = [d for d, s in f.scores.items() if s < t.weak_dimension]
    needs = {
        "count": len(weak),
        "measured": len(f.scores),
        "weak": _n(t.weak_dimension),
        "overall": f.overall,
    }
    if f.overall < t.broad_needs and 2 * len(weak) >= len(f.scores):
        # "Broad" only when at least half of the measured dimensions are weak.
        yield Proposal("utvecklingsprogram", 85, True, (*adequate, Reason("broad_needs", needs)))
    elif f.overall < t.broad_needs and weak:
        yield Proposal("utvecklingsprogram", 72, True, (*adequate, Reason("some_needs", needs)))
    elif f.overall >= t.low:
        solid = Reason("solid_base", {"overall": f.overall})
        yield Proposal("utvecklingsprogram", 60, True, (*adequate, solid))


def _deepen(f: Facts, c: Catalogue) -> Iterator[Proposal]:
    """After a completed Utvecklingsprogram: Fördjupningsprogram."""
    if "utvecklingsprogram" in f.profile.completed:
        yield Proposal("fordjupningsprogram", 92, True, (Reason("completed_development"),))


def _high_maturity(f: Facts, c: Catalogue) -> Iterator[Proposal]:
    """High maturity across the board: ready for Testbädd Sverige."""
    t = c.thresholds
    if f.overall is None or not f.scores:
        return
    lowest = min(f.scores.values())
    if f.overall >= t.high and lowest >= t.high_floor:
        reason = Reason("high_maturity", {"overall": f.overall, "lowest": _n(lowest)})
        yield Proposal("testbadd", 88, True, (reason,))


def _lagging_dimensions(f: Facts, c: Catalogue) -> Iterator[Proposal]:
    """One dimension clearly behind the rest: the initiative that answers it."""
    t = c.thresholds
    if len(f.scores) < 2:
        return
    for dimension, score in f.scores.items():
        others = fmean(s for d, s in f.scores.items() if d != dimension)
        gap = others - score
        if score > t.lag_ceiling or gap < t.lag_gap:
            continue
        lag = Reason(
            "dimension_lags", {"dimension": dimension, "score": _n(score), "others": _n(others)}
        )
        reasons: tuple[Reason, ...] = (lag,)
        if dimension == "automation":
            # Automating unstable ways of working only automates the chaos.
            if f.change is None or f.change < t.low:
                continue
            reasons = (lag, Reason("stable_enough", {"change": _n(f.change)}))
        for offering in c.offerings:
            if dimension in offering.remedies and offering.kind != "referral":
                yield Proposal(offering.id, min(89.0, 50 + gap), False, reasons)


def _digital_behind(f: Facts, c: Catalogue) -> Iterator[Proposal]:
    """The digital area as a whole lags while change capability is adequate."""
    t = c.thresholds
    rest = [s for d, s in f.scores.items() if AREA_OF[d] != "digital"]
    if f.digital is None or f.change is None or not rest or f.change < t.low:
        return
    others = fmean(rest)
    gap = others - f.digital
    if gap >= t.lag_gap and f.digital <= t.lag_ceiling:
        reason = Reason(
            "digital_lags",
            {"digital": _n(f.digital), "others": _n(others), "change": _n(f.change)},
        )
        yield Proposal("digitaliseringslyftet", min(89.0, 52 + gap), False, (reason,))


def _small_company(f: Facts, c: Catalogue) -> Iterator[Proposal]:
    """Small firms gain most from IUC's hands-on regional support."""
    if f.profile.employees <= c.company.small_max_employees:
        yield Proposal(
            "iuc", 45, False, (Reason("small_company", {"employees": f.profile.employees}),)
        )


def _economy(f: Facts, c: Catalogue) -> Iterator[Proposal]:
    """The economy lags: an SME that has completed no track and is not highly mature
    starts with a short track (the will-building one only when change capability is
    low), and what remedies the economy (Almi) runs beside whatever the first step is."""
    if not f.economy:
        return
    t = c.thresholds
    tracks_done = any(c.offering(o).kind == "track" for o in f.profile.completed if o in c.by_id)
    mature = f.overall is not None and f.overall >= t.high
    if f.sme and not tracks_done and not mature:
        # The will-building track only where the rules would start there anyway.
        will_low = f.overall is not None and f.overall <= t.basic
        will_low = will_low and (f.change is None or f.change <= t.basic)
        short = [o for o in c.economy.first_tracks if will_low or o not in c.economy.will_first]
        for rank, track in enumerate(short):
            yield Proposal(track, 96 - rank, True, (*f.economy, Reason("short_first")))
    for offering in c.offerings:
        if "economic" in offering.remedies:
            why = Reason("economy_support", {"offering": offering.id})
            yield Proposal(offering.id, 88, False, (why,))


RULES_OF_THUMB = (
    _economy,
    _start_with_the_will,
    _development,
    _deepen,
    _high_maturity,
    _lagging_dimensions,
    _digital_behind,
    _small_company,
)


def _in_its_place(
    proposal: Proposal, facts: Facts, catalogue: Catalogue, excluded: Mapping[str, Reason]
) -> Proposal | None:
    """The proposal as it can be made today: an offering that no longer takes companies
    gives its place to its active successor, when the hard rules allow that one and the
    company was one the offering served (else the successor is proposed on its own
    merits, or not at all)."""
    offering = catalogue.offering(proposal.offering)
    if offering.active:
        return proposal
    successor = offering.successor
    if successor is None or successor in excluded:
        return None
    if exclusion_reason(offering, facts.profile, catalogue, today=False) is not None:
        return None
    if offering.status == "ended":
        code = "replaces_ended"
    else:
        code = "replaces_unconfirmed" if offering.verified_on is None else "replaces_paused"
    why = Reason(code, {"offering": offering.id, "successor": successor})
    return Proposal(successor, proposal.fit, proposal.lead, (*proposal.reasons, why))


def propose(facts: Facts, catalogue: Catalogue, excluded: Mapping[str, Reason]) -> list[Proposal]:
    """Every eligible proposal, best first; one per offering (its best fit, all its reasons).

    Nothing paused or ended is proposed: its active successor takes its place, or the
    proposal is dropped (the offering is listed among the exclusions, with why).
    """
    best: dict[str, Proposal] = {}
    for rule in RULES_OF_THUMB:
        for proposed in rule(facts, catalogue):
            proposal = _in_its_place(proposed, facts, catalogue, excluded)
            if proposal is None or proposal.offering in excluded:
                continue
            current = best.get(proposal.offering)
            if current is None:
                best[proposal.offering] = proposal
                continue
            reasons = current.reasons + tuple(
                r for r in proposal.reasons if r not in current.reasons
            )
            top = proposal if proposal.fit > current.fit else current
            best[proposal.offering] = Proposal(
                top.offering, top.fit, current.lead or proposal.lead, reasons
            )
    order = {o.id: i for i, o in enumerate(catalogue.offerings)}
    return sorted(best.values(), key=lambda p: (-p.fit, order[p.offering]))


def _weakest_fallback(
    facts: Facts, catalogue: Catalogue, excluded: Mapping[str, Reason]
) -> Proposal | None:
    """When no rule proposes anything: the offering that answers the weakest dimension."""
    for dimension, score in sorted(facts.scores.items(), key=lambda p: p[1]):
        for offering in catalogue.offerings:
            if (
                dimension in offering.remedies
                and offering.id not in excluded
                and offering.kind != "referral"
            ):
                reason = Reason("weakest_dimension", {"dimension": dimension, "score": _n(score)})
                return Proposal(offering.id, 0, False, (reason,))
    return None


def recommend(
    profile: CompanyProfile,
    scores: Mapping[str, float | None],
    catalogue: Catalogue,
    evidence: Evidence | None = None,
) -> Recommendation:
    """The company's path: primary step, complements (some deferred when time for
    development is short), a later step, exclusions. ``evidence``: what the answers
    say beyond the scores (None for figures alone)."""
    t = catalogue.thresholds
    excluded = excluded_offerings(profile, catalogue)
    facts = derive_facts(profile, scores, catalogue, evidence)
    proposals = propose(facts, catalogue, excluded)

    leads = [p for p in proposals if p.lead and p.fit >= t.lead_min_fit]
    if leads:
        primary: Proposal | None = leads[0]
    else:
        primary = next(iter(proposals), None) or _weakest_fallback(facts, catalogue, excluded)
    return _path(primary, proposals, facts, catalogue, excluded)


def recommend_with_primary(
    profile: CompanyProfile,
    scores: Mapping[str, float | None],
    catalogue: Catalogue,
    primary: str,
    evidence: Evidence | None = None,
) -> Recommendation:
    """The path around a primary step chosen elsewhere (the learned ranking).

    Complements, the later step and the exclusions are formed exactly as in
    :func:`recommend`, around ``primary`` instead of the rules' own choice. The primary
    step keeps the reasons the rules of thumb give for it, if any rule proposes it;
    otherwise its reason is that advisors chose it for companies like this one. Raises
    ``ValueError`` when the hard rules exclude ``primary``: nothing excluded is ever
    recommended.
    """
    excluded = excluded_offerings(profile, catalogue)
    if primary in excluded:
        raise ValueError(f"the hard rules exclude '{primary}' for this company")
    catalogue.offering(primary)  # KeyError for an unknown offering
    facts = derive_facts(profile, scores, catalogue, evidence)
    proposals = propose(facts, catalogue, excluded)
    chosen = next((p for p in proposals if p.offering == primary), None)
    if chosen is None:
        chosen = Proposal(primary, 0, True, (Reason("learned_choice"),))
    return _path(chosen, proposals, facts, catalogue, excluded)


# Reasons that change capability is low: a primary step with one quotes a weak change answer.
_CHANGE_LOW = frozenset({"change_low", "build_change_capability", "large_company_change"})
# A track this long or longer is a long commitment: its later step is a year or two away.
LONG_MONTHS = 10


def _quote(quote: Quote | None, code: str = "answer_quote") -> Reason | None:
    if quote is None:
        return None
    return Reason(code, {"question": quote.question, "option": quote.option})


# Reasons that quote an answer the company chose.
QUOTING = frozenset({"answer_quote", "weakest_answer", "strongest_answer", "economy_one_customer"})


def _primary_reasons(primary: Proposal, facts: Facts, catalogue: Catalogue) -> tuple[Reason, ...]:
    """The primary step's reasons: a lagging economy named (it outweighs a "solid base"),
    a long track's demand on time where time is short, and an answer the company gave,
    quoted where it supports the reasons."""
    reasons = _tidy(primary.reasons)
    if facts.economy:
        clash = {
            code
            for r in facts.economy
            for pair in catalogue.conflicts
            if r.code in pair
            for code in pair
        }
        kept = tuple(r for r in reasons if r.code not in clash or r in facts.economy)
        added = tuple(r for r in facts.economy if r not in kept)
        if catalogue.offering(primary.offering).kind == "track" and not any(
            r.code == "short_first" for r in kept
        ):
            added += (Reason("economy_in_track"),)
        reasons = kept + added
    months = catalogue.offering(primary.offering).months
    if facts.capacity is not None and months is not None and months >= LONG_MONTHS:
        reasons = (*reasons, Reason("capacity_caveat"))
    evidence = facts.evidence
    if evidence is None or any(r.code in QUOTING for r in reasons):
        return reasons
    q = catalogue.quotes
    codes = {r.code for r in reasons}
    if codes & _CHANGE_LOW:  # the answer behind the low change capability
        quote = _quote(evidence.lowest(q.weak_at_most, CHANGE_CAPABILITY))
    elif "high_maturity" in codes:  # how far they have come
        quote = _quote(evidence.highest(q.strong_at_least), "strongest_answer")
    else:  # where there is most to gain; never a weak change answer beside "adequate"
        besides = CHANGE_CAPABILITY if "change_adequate" in codes else None
        weakest = (
            evidence.lowest(q.weak_at_most, "economic") if facts.economy else None
        ) or evidence.lowest(LEVEL_MAX, besides=besides)  # the lowest is the most to gain
        quote = _quote(weakest, "weakest_answer")
    return reasons if quote is None else (*reasons, quote)


_REPLACES = frozenset({"replaces_ended", "replaces_paused", "replaces_unconfirmed"})


def _tidy(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    """One step's reasons from several rules, kept readable: of the dimensions that lag,
    the one furthest behind; "stable enough" only beside automation; one successor line."""
    lags = [r for r in reasons if r.code == "dimension_lags"]
    kept_lag = min(lags, key=lambda r: float(r.params["score"])) if lags else None
    lagging = str(kept_lag.params["dimension"]) if kept_lag is not None else None
    successor = next((r for r in reasons if r.code in _REPLACES), None)
    tidy = []
    for r in reasons:
        if r.code == "dimension_lags" and r is not kept_lag:
            continue
        if r.code == "stable_enough" and lagging != "automation":
            continue
        if r.code == "digital_lags" and kept_lag is not None:
            continue  # the dimension furthest behind says it more precisely
        if r.code in _REPLACES and r is not successor:
            continue
        tidy.append(r)
    return tuple(tidy)


def _complement_reasons(p: Proposal, facts: Facts, catalogue: Catalogue) -> tuple[Reason, ...]:
    """A complement's reasons, tidied, with the answer that shows the gap it answers
    quoted when that answer is a weak one."""
    reasons = _tidy(p.reasons)
    if facts.evidence is None:
        return reasons
    lag = next((r for r in reasons if r.code == "dimension_lags"), None)
    if lag is None:
        return reasons
    weak = facts.evidence.lowest(catalogue.quotes.weak_at_most, str(lag.params["dimension"]))
    quote = _quote(weak)
    return reasons if quote is None else (*reasons, quote)


def _path(
    primary: Proposal | None,
    proposals: list[Proposal],
    facts: Facts,
    catalogue: Catalogue,
    excluded: Mapping[str, Reason],
) -> Recommendation:
    """The path from its primary step: complements (with little time for development,
    only some now and the others deferred), later step and exclusions."""
    t = catalogue.thresholds
    complements = [
        p
        for p in proposals
        if primary is not None
        and p.offering != primary.offering
        and catalogue.offering(p.offering).kind in ("initiative", "referral")
        and p.fit >= t.complement_min_fit
    ][:2]
    now, waiting = complements, []
    if facts.capacity is not None:
        put_first = catalogue.capacity.first_now
        complements.sort(key=lambda p: p.offering not in put_first)  # stable: else by fit
        cut = catalogue.capacity.complements_now
        now, waiting = complements[:cut], complements[cut:]

    later = _later_step(primary, complements, facts, catalogue, excluded)

    first: tuple[Reason, ...] = _primary_reasons(primary, facts, catalogue) if primary else ()
    quoted = {r.params.get("question") for r in first if r.code in QUOTING}

    def step(p: Proposal, when: When = "now", extra: tuple[Reason, ...] = ()) -> Step:
        reasons = _complement_reasons(p, facts, catalogue)
        # An answer is quoted once in a path: not again beside another step.
        unquoted = tuple(
            r for r in reasons if r.code != "answer_quote" or r.params["question"] not in quoted
        )
        quoted.update(r.params.get("question") for r in unquoted if r.code == "answer_quote")
        return Step(p.offering, (*unquoted, *extra), when)

    capacity = (facts.capacity,) if facts.capacity is not None else ()
    # A later step whose prerequisite is the primary step is in the path, not excluded.
    return Recommendation(
        primary=Step(primary.offering, first, "now") if primary else None,
        complementary=tuple(step(p) for p in now),
        later=later,
        excluded=exclusions(excluded, catalogue, later),
        deferred=tuple(step(p, "6_months", capacity) for p in waiting),
    )


def exclusions(
    excluded: Mapping[str, Reason], catalogue: Catalogue, later: Step | None = None
) -> tuple[Exclusion, ...]:
    """The exclusions a result lists: not referrals (they are where a company is sent,
    not steps it misses), and not the later step (its prerequisite is in the path)."""
    return tuple(
        Exclusion(o, r)
        for o, r in excluded.items()
        if catalogue.offering(o).kind != "referral" and (later is None or o != later.offering)
    )


def _later_step(
    primary: Proposal | None,
    complements: list[Proposal],
    facts: Facts,
    catalogue: Catalogue,
    excluded: Mapping[str, Reason],
) -> Step | None:
    """The primary step's natural successor, if the hard rules allow it once the primary is done."""
    if primary is None:
        return None
    successor = catalogue.offering(primary.offering).next
    in_path = {primary.offering, *(p.offering for p in complements)}
    if successor is None or successor in in_path:
        return None
    profile = facts.profile
    done_after = {*profile.completed, primary.offering}
    if exclusion_reason(catalogue.offering(successor), profile, catalogue, done_after) is not None:
        return None
    # After a long track, or with little time for development, the successor is one to
    # two years away; after a short one, about six months.
    months = catalogue.offering(primary.offering).months
    long = months is not None and months >= LONG_MONTHS
    brief = months is not None and months < 1  # a seminar: its will is not to be wasted
    when: When = "1_2_years" if long or (facts.capacity is not None and not brief) else "6_months"
    return Step(successor, (Reason("after_primary", {"offering": primary.offering}),), when)
