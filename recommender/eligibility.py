"""The hard rules: which offerings a company cannot be recommended, and why."""

from __future__ import annotations

from collections.abc import Iterable

from questionnaire.profile import CompanyProfile
from recommender.catalogue import Catalogue, Offering
from recommender.path import Reason


def is_sme(profile: CompanyProfile, catalogue: Catalogue) -> bool:
    return profile.employees <= catalogue.company.sme_max_employees


def is_manufacturing(profile: CompanyProfile, catalogue: Catalogue) -> bool | None:
    """True or False from the SNI division; None when the industry is not known."""
    division = profile.sni_division
    if division is None:
        return None
    low, high = catalogue.company.manufacturing_divisions
    return low <= division <= high


def exclusion_reason(
    offering: Offering,
    profile: CompanyProfile,
    catalogue: Catalogue,
    completed: Iterable[str] | None = None,
) -> Reason | None:
    """Why ``offering`` is out of the question for this company, or None if it is not.

    ``completed`` overrides the profile's completed offerings, to ask whether a step
    becomes possible after another one (a later step in the path).
    """
    done = set(profile.completed if completed is None else completed)
    if offering.id in done:
        return Reason("already_completed")
    rules = offering.eligibility
    if rules.sme_only and not is_sme(profile, catalogue):
        return Reason("not_sme", {"employees": profile.employees})
    if rules.manufacturing_only:
        manufacturing = is_manufacturing(profile, catalogue)
        if manufacturing is None:
            return Reason("industry_unknown")
        if not manufacturing:
            return Reason("not_manufacturing", {"sni": profile.sni})
    for required in rules.requires_completed:
        if required not in done:
            return Reason("requires_completed", {"offering": required})
    return None


def excluded_offerings(profile: CompanyProfile, catalogue: Catalogue) -> dict[str, Reason]:
    """Every offering the hard rules exclude for this company, with the rule's reason."""
    reasons = {}
    for offering in catalogue.offerings:
        reason = exclusion_reason(offering, profile, catalogue)
        if reason is not None:
            reasons[offering.id] = reason
    return reasons
