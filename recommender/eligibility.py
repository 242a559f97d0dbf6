"""The hard rules: who the programmes are for, which offerings a company cannot be
recommended, and why."""

from __future__ import annotations

from collections.abc import Iterable

from questionnaire.profile import CompanyProfile
from recommender.catalogue import Catalogue, Offering
from recommender.path import Reason


def is_sme(profile: CompanyProfile, catalogue: Catalogue) -> bool:
    return profile.employees <= catalogue.company.sme_max_employees


def in_industries(profile: CompanyProfile, catalogue: Catalogue, set_id: str) -> bool | None:
    """Whether the company's industry is in the named set; None when it was not given."""
    if profile.sni is None:
        return None
    return profile.sni_division in catalogue.industry_set(set_id)


def in_target_group(profile: CompanyProfile, catalogue: Catalogue) -> bool | None:
    """Whether the programmes are made for this company's industry (None: not given)."""
    return in_industries(profile, catalogue, "target_group")


def is_manufacturing(profile: CompanyProfile, catalogue: Catalogue) -> bool | None:
    """True or False from the SNI division; None when the industry is not known."""
    return in_industries(profile, catalogue, "manufacturing")


def exclusion_reason(
    offering: Offering,
    profile: CompanyProfile,
    catalogue: Catalogue,
    completed: Iterable[str] | None = None,
    *,
    today: bool = True,
) -> Reason | None:
    """Why ``offering`` is out of the question for this company, or None if it is not.

    ``completed`` overrides the profile's completed offerings, to ask whether a step
    becomes possible after another one (a later step in the path). ``today=False``
    asks whether the company was one the offering served, whatever its status now.
    """
    if today and offering.status == "ended":
        return Reason("offering_ended", {"ended_on": offering.ended_on})
    if today and offering.status == "paused":
        unconfirmed = offering.verified_on is None
        return Reason("offering_unconfirmed" if unconfirmed else "offering_paused")
    done = set(profile.completed if completed is None else completed)
    if offering.id in done:
        return Reason("already_completed")
    rules = offering.eligibility
    if rules.sme_only and not is_sme(profile, catalogue):
        return Reason("not_sme", {"employees": profile.employees})
    named = rules.industry_set
    if named is not None:
        inside = in_industries(profile, catalogue, named)
        if inside is None:
            return Reason("industry_not_given", {"industries": named})
        if not inside:
            return Reason("outside_industries", {"industries": named, "sni": profile.sni})
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
