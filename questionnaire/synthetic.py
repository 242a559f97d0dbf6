"""Made-up but plausible answers to the questionnaire, for demo data.

Nothing here is real. The assumptions, roughly the companies that take a Lyftkollen
self-assessment (Swedish industrial SMEs), are:

* **Size**: employees log-normal around 25 (most between 5 and 150), 1 to 2,000; about
  nine in ten are SMEs (fewer than 250) and about two in three small (fewer than 50).
* **Industry**: 75 % manufacturing (SNI 10-33, weighted towards metal, machinery, wood
  and plastics as Swedish industry is), 15 % another division offered, 10 % not given.
* **County**: weighted by where Swedish industry is (Västra Götaland, Skåne, Jönköping,
  Stockholm and Östergötland most); 5 % not given. Turnover 1-3 MSEK per employee, 30 %
  not given.
* **Completed programmes**: as the hard rules allow: 20 % the Utvecklingsprogram (a
  quarter of those the Fördjupningsprogram too), 15 % the Startprogram, 10 % the
  Inspirationsseminarium, 10 % one other initiative.
* **Maturity**: a company's level ~ N(45, 18) on 0-100, larger companies a little
  higher (+5 per tenfold size); each area moves it by N(0, 10) and each dimension by
  N(0, 8) more. An item's answer is the option nearest that level plus N(0, 0.7)
  levels; 6 % of items are answered "don't know"; a checklist ticks each item with the
  level's probability.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questionnaire.dimensions import AREA_OF, LEVEL_MAX
from questionnaire.model import DONT_KNOW, NONE_OF_THESE, Question, Questionnaire

# SNI divisions of manufacturing, weighted roughly by Swedish industrial employment.
_MANUFACTURING_WEIGHTS = {
    10: 6, 16: 6, 17: 3, 18: 2, 20: 3, 22: 6, 23: 2, 24: 3, 25: 16,
    26: 3, 27: 4, 28: 12, 29: 5, 31: 3, 32: 2, 33: 5,
}  # fmt: skip
# County codes weighted roughly by industrial employment.
_COUNTY_WEIGHTS = {
    "14": 20, "12": 11, "06": 8, "01": 8, "05": 6, "07": 4, "08": 4, "13": 4, "17": 4,
    "18": 4, "19": 4, "20": 4, "21": 4, "03": 3, "04": 3, "22": 3, "24": 3, "10": 2,
    "25": 2, "23": 1, "09": 1,
}  # fmt: skip
_INITIATIVES = ("digitaliseringslyftet", "robotlyftet", "iuc", "kunskapslyft", "hallbar_produktion")


@dataclass(frozen=True)
class SyntheticCompany:
    """A made-up company: its profile answers and its level per dimension (0-100)."""

    profile: dict[str, Any]
    levels: dict[str, float]


def _weighted(rng: random.Random, weights: Mapping[Any, int]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def random_company(questionnaire: Questionnaire, rng: random.Random) -> SyntheticCompany:
    """A company's profile answers (as stored) and its latent level per dimension."""
    profile_questions = {q.id: q for q in questionnaire.profile_section.questions}
    employees = max(1, min(2000, round(math.exp(rng.gauss(math.log(25), 1.2)))))
    offered_sni = {o.value for o in profile_questions["sni"].options}
    offered_counties = {o.value for o in profile_questions["region"].options}
    draw = rng.random()
    sni: str | None = None
    if draw < 0.75:
        sni = f"{_weighted(rng, _MANUFACTURING_WEIGHTS):02d}"
    elif draw < 0.85:  # mining, energy, water and waste, engineering: the rest of the list
        others = sorted(v for v in offered_sni if v.isdigit() and not 10 <= int(v) <= 33)
        sni = rng.choice(others) if others else None
    elif draw < 0.9:  # an industry the list does not name
        sni = "other"
    profile: dict[str, Any] = {"employees": employees}
    if sni in offered_sni:
        profile["sni"] = sni
    county = _weighted(rng, _COUNTY_WEIGHTS) if rng.random() >= 0.05 else None
    if county in offered_counties:
        profile["region"] = county
    if rng.random() >= 0.3:
        profile["turnover_msek"] = round(employees * rng.uniform(1.0, 3.0), 1)
    completed: list[str] = []
    if rng.random() < 0.2:
        completed.append("utvecklingsprogram")
        if rng.random() < 0.25:
            completed.append("fordjupningsprogram")
    if rng.random() < 0.15 and employees < 250:
        completed.append("startprogram")
    if rng.random() < 0.1 and employees < 250:
        completed.append("inspirationsseminarium")
    if rng.random() < 0.1:
        completed.append(rng.choice(_INITIATIVES))
    if completed:
        profile["completed"] = sorted(set(completed))

    base = rng.gauss(45, 18) + 5 * math.log10(employees)
    area_shift = {area: rng.gauss(0, 10) for area in set(AREA_OF.values())}
    levels = {
        d.id: min(100.0, max(0.0, base + area_shift[d.area] + rng.gauss(0, 8)))
        for d in questionnaire.dimensions
    }
    return SyntheticCompany(profile=profile, levels=levels)


def _answer(question: Question, level: float, rng: random.Random) -> Any:
    """One item answered by a company whose level (0-100) on its dimension is ``level``."""
    if rng.random() < 0.06:
        return [DONT_KNOW] if question.type == "multi" else DONT_KNOW
    steps = min(LEVEL_MAX, max(0, round(level / 100 * LEVEL_MAX + rng.gauss(0, 0.7))))
    if question.type == "single":
        return next(o.value for o in question.options if o.level == steps)
    if question.type == "multi":
        items = [o.value for o in question.options if not o.exclusive]
        ticked = [v for v in items if rng.random() < level / 100]
        return ticked or [NONE_OF_THESE]
    if question.type == "number" and question.thresholds is not None:
        low = question.min if steps == 0 else question.thresholds[steps - 1]
        high = question.thresholds[steps] if steps < LEVEL_MAX else question.max
        value = rng.uniform(float(low or 0), float(high or 0))
        return round(value) if question.integer else round(value, 1)
    return DONT_KNOW if question.dont_know else None


def random_answers(
    questionnaire: Questionnaire, company: SyntheticCompany, rng: random.Random, spread: float = 0
) -> dict[str, Any]:
    """Every maturity item answered, as a person of ``company`` would (as stored).

    ``spread`` moves this person's view of each dimension by N(0, spread) points: a
    management team does not agree on everything.
    """
    answers: dict[str, Any] = {}
    for section in questionnaire.sections:
        if section.dimension is None:
            continue
        level = company.levels[section.dimension] + (rng.gauss(0, spread) if spread else 0)
        for question in section.questions:
            value = _answer(question, min(100.0, max(0.0, level)), rng)
            if value is not None:
                answers[question.id] = value
    return answers
