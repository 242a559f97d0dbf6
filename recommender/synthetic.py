"""Synthetic advisor decisions: random but plausible companies, decided by a known rule.

For the tests (the learned ranking must recover a rule it was not told) and for seeding
a demo. Nothing here is real data. The assumptions, roughly the companies that take a
Lyftkollen self-assessment:

* **Size**: employees log-uniform from 2 to 2,000, so about seven in ten are SMEs
  (fewer than 250) and about half of those small (fewer than 50).
* **Industry**: 70 % manufacturing (SNI 10-33), 20 % another real division, 10 % not
  given. Turnover about 1-3 MSEK per employee; a region or none.
* **Completed offerings**: 20 % have completed the Utvecklingsprogram (a quarter of
  those the Fördjupningsprogram too), 15 % the Startprogram, 10 % the
  Inspirationsseminarium, 10 % one of the initiatives. Nothing that the hard rules
  would not have allowed (no Fördjupningsprogram without the Utvecklingsprogram).
* **Scores**: a company's maturity ~ N(50, 18); each area moves it by N(0, 10), each
  dimension by N(0, 10) more; clipped to 0-100 and rounded, as the scoring rounds.
  Each dimension goes unmeasured with probability 5 % (score None, coverage 0);
  a measured one's coverage is 0.5-1.0 in steps of 0.05.
* **Decisions**: ``rule(case, catalogue)`` gives the offering; with probability
  ``noise`` an advisor chooses another offering the hard rules allow instead. A rule
  must respect the hard rules: advisors cannot choose what is excluded.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from questionnaire.dimensions import AREA_IDS, AREA_OF, CHANGE_CAPABILITY, DIMENSION_IDS
from questionnaire.profile import CompanyProfile
from questionnaire.scoring import area_indices, overall_index, round_half_up
from recommender.catalogue import Catalogue
from recommender.eligibility import excluded_offerings
from recommender.features import DecisionCase, measured_scores
from recommender.learned import Decision

DecisionRule = Callable[[DecisionCase, Catalogue], str]

_OTHER_DIVISIONS = ("41", "43", "46", "49", "52", "62", "71", "72", "81")
_REGIONS = ("Stockholm", "Västra Götaland", "Skåne", "Jönköping", "Norrbotten", None)
_INITIATIVES = ("digitaliseringslyftet", "robotlyftet", "iuc", "kunskapslyft", "hallbar_produktion")


def random_profile(rng: random.Random) -> CompanyProfile:
    """A plausible company profile (see the module's assumptions)."""
    employees = max(2, min(2000, round(math.exp(rng.uniform(math.log(2), math.log(2000))))))
    draw = rng.random()
    if draw < 0.7:
        division = rng.randint(10, 33)
        sni: str | None = f"{division}" if rng.random() < 0.5 else f"{division}.{rng.randint(1, 9)}"
    elif draw < 0.9:
        sni = rng.choice(_OTHER_DIVISIONS)
    else:
        sni = None
    completed: set[str] = set()
    if rng.random() < 0.2:
        completed.add("utvecklingsprogram")
        if rng.random() < 0.25:
            completed.add("fordjupningsprogram")
    if rng.random() < 0.15:
        completed.add("startprogram")
    if rng.random() < 0.1:
        completed.add("inspirationsseminarium")
    if rng.random() < 0.1:
        completed.add(rng.choice(_INITIATIVES))
    return CompanyProfile(
        employees=employees,
        turnover_msek=round(employees * rng.uniform(1.0, 3.0), 1),
        sni=sni,
        region=rng.choice(_REGIONS),
        completed=frozenset(completed),
    )


def random_case(rng: random.Random) -> DecisionCase:
    """A plausible company with plausible, correlated scores and coverage."""
    profile = random_profile(rng)
    maturity = rng.gauss(50, 18)
    area_shift = {a: rng.gauss(0, 10) for a in AREA_IDS}
    scores: dict[str, float | None] = {}
    coverage: dict[str, float] = {}
    for dimension in DIMENSION_IDS:
        if rng.random() < 0.05:
            scores[dimension] = None
            coverage[dimension] = 0.0
            continue
        value = maturity + area_shift[AREA_OF[dimension]] + rng.gauss(0, 10)
        scores[dimension] = round_half_up(min(100.0, max(0.0, value)))
        coverage[dimension] = rng.randint(10, 20) / 20
    return DecisionCase(profile=profile, scores=scores, coverage=coverage)


def advisor_rule(case: DecisionCase, catalogue: Catalogue) -> str:
    """A known rule of the kind advisors follow, deliberately unlike the rule-based ranking.

    In order, the first that the hard rules allow: the Fördjupningsprogram after a
    completed Utvecklingsprogram; Testbädd from an overall index of 65; the
    Startprogram when change capability is below 45; Digitaliseringslyftet when the
    digital area is below 40; the Utvecklingsprogram; IUC; else the first offering
    allowed.
    """
    scores = measured_scores(case)
    areas = area_indices(scores)
    overall = overall_index(areas)
    change = scores.get(CHANGE_CAPABILITY)
    digital = areas["digital"]
    wishes = [
        "fordjupningsprogram" if "utvecklingsprogram" in case.profile.completed else None,
        "testbadd" if overall is not None and overall >= 65 else None,
        "startprogram" if change is not None and change < 45 else None,
        "digitaliseringslyftet" if digital is not None and digital < 40 else None,
        "utvecklingsprogram",
        "iuc",
    ]
    excluded = excluded_offerings(case.profile, catalogue)
    for wish in wishes:
        if wish is not None and wish not in excluded:
            return wish
    return next(o.id for o in catalogue.offerings if o.id not in excluded)


def synthetic_decisions(
    n: int,
    seed: int,
    rule: DecisionRule,
    catalogue: Catalogue,
    noise: float = 0.0,
) -> list[Decision]:
    """``n`` random cases, each decided by ``rule`` (with label noise ``noise``).

    The same ``seed`` gives the same decisions. Raises ``ValueError`` if the rule
    chooses an offering the hard rules exclude.
    """
    if not 0.0 <= noise <= 1.0:
        raise ValueError("noise is a probability")
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    decisions = []
    for _ in range(n):
        case = random_case(rng)
        excluded = excluded_offerings(case.profile, catalogue)
        chosen = rule(case, catalogue)
        if chosen in excluded:
            raise ValueError(f"the rule chose '{chosen}', which the hard rules exclude")
        if noise and rng.random() < noise:
            others = [o.id for o in catalogue.offerings if o.id not in excluded and o.id != chosen]
            chosen = rng.choice(others) if others else chosen
        decisions.append(Decision(case=case, chosen=chosen))
    return decisions
