"""The gate before a path: enough answers, and a company the programmes are made for.

A path is given only when change capability and most dimensions are measured (the
numbers are ``gate`` in recommender.yaml) and the company's industry is in the target
group. Otherwise the recommendation says what is missing, or where a company outside the
target group may turn instead (the referrals' own rules choose).
"""

from __future__ import annotations

from collections.abc import Mapping

from questionnaire.dimensions import AREA_OF, CHANGE_CAPABILITY, DIMENSION_IDS
from questionnaire.profile import CompanyProfile
from recommender.catalogue import Catalogue
from recommender.eligibility import exclusion_reason, in_target_group
from recommender.path import Missing, Reason, Status, Step


def measured_dimensions(
    dimensions: Mapping[str, tuple[float | None, int | None]], catalogue: Catalogue
) -> dict[str, bool]:
    """Whether each dimension counts as measured, from (coverage, answered) per dimension."""
    gate = catalogue.gate
    return {d: gate.measured(*dimensions.get(d, (None, None))) for d in DIMENSION_IDS}


def gate(
    profile: CompanyProfile, measured: Mapping[str, bool], catalogue: Catalogue
) -> tuple[Status, Missing | None]:
    """``ready``, or why not: ``outside_target_group``, or ``needs_more_answers`` with
    what is missing (the industry, and the dimensions not yet measured)."""
    inside = in_target_group(profile, catalogue)
    if inside is False:
        return "outside_target_group", None
    g = catalogue.gate
    unmeasured = tuple(d for d in DIMENSION_IDS if not measured.get(d, False))
    count = len(DIMENSION_IDS) - len(unmeasured)
    digital = sum(1 for d in DIMENSION_IDS if AREA_OF[d] == "digital" and measured.get(d))
    enough = (
        measured.get(CHANGE_CAPABILITY, False)
        and count >= g.path_dimensions
        and digital >= g.path_digital_dimensions
    )
    if inside is None or not enough:
        return "needs_more_answers", Missing(
            dimensions=() if enough else unmeasured,
            profile=("sni",) if inside is None else (),
        )
    return "ready", None


def referrals(profile: CompanyProfile, catalogue: Catalogue) -> tuple[Step, ...]:
    """Where a company outside the target group may turn: each active referral whose
    own rule sends such companies, and whose hard rules it passes."""
    steps = []
    for offering in catalogue.offerings:
        if offering.kind != "referral" or "outside_target_group" not in offering.refer_when:
            continue
        if exclusion_reason(offering, profile, catalogue) is not None:
            continue
        why = Reason(
            "referral_outside",
            {"offering": offering.id, "industries": "target_group", "sni": profile.sni},
        )
        steps.append(Step(offering.id, (why,), "now"))
    return tuple(steps)
