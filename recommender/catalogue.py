"""The offerings, the rule-of-thumb settings and the reason texts, loaded from ``data/``."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from questionnaire.content import ContentError, read_yaml, validate
from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.model import LANGUAGES, Identifier, Text

# Offering ids are fixed (the domain's own names); the data file must define exactly these.
OFFERING_IDS = (
    "inspirationsseminarium",
    "startprogram",
    "utvecklingsprogram",
    "fordjupningsprogram",
    "digitaliseringslyftet",
    "robotlyftet",
    "iuc",
    "kunskapslyft",
    "hallbar_produktion",
    "testbadd",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Eligibility(_Frozen):
    sme_only: bool = False
    manufacturing_only: bool = False
    requires_completed: tuple[Identifier, ...] = ()


class Offering(_Frozen):
    id: Identifier
    kind: Literal["track", "initiative"]
    provider: Text
    name: Text
    name_in_sentence: Text  # "genomfört Utvecklingsprogrammet", not "…Utvecklingsprogram"
    summary: Text
    target_group: Text
    duration: Text
    eligibility: Eligibility
    remedies: tuple[Identifier, ...] = ()
    next: Identifier | None = None

    @model_validator(mode="after")
    def _known_dimensions(self) -> Offering:
        unknown = [d for d in self.remedies if d not in DIMENSION_IDS]
        if unknown:
            raise ValueError(f"remedies names an unknown dimension '{unknown[0]}'")
        return self


class _OfferingFile(_Frozen):
    offerings: tuple[Offering, ...]

    @model_validator(mode="after")
    def _exactly_the_fixed_ids(self) -> _OfferingFile:
        ids = [o.id for o in self.offerings]
        for offering_id in ids:
            if offering_id not in OFFERING_IDS:
                raise ValueError(f"unknown offering '{offering_id}'")
            if ids.count(offering_id) > 1:
                raise ValueError(f"offering '{offering_id}' defined twice")
        missing = [o for o in OFFERING_IDS if o not in ids]
        if missing:
            raise ValueError(f"offerings missing: {', '.join(missing)}")
        for o in self.offerings:
            for ref in (*o.eligibility.requires_completed, *([o.next] if o.next else [])):
                if ref not in ids:
                    raise ValueError(f"offering '{o.id}' refers to unknown offering '{ref}'")
        return self


class CompanySettings(_Frozen):
    sme_max_employees: int = Field(ge=1)
    small_max_employees: int = Field(ge=1)
    manufacturing_divisions: tuple[int, int]


class Thresholds(_Frozen):
    basic: float
    low: float
    broad_needs: float
    weak_dimension: float
    lag_gap: float
    lag_ceiling: float
    high: float
    high_floor: float
    lead_min_fit: float
    complement_min_fit: float


# Every reason the ranking can give, with the placeholders its text may use.
REASON_PARAMS: dict[str, frozenset[str]] = {
    "overall_low": frozenset({"overall", "low"}),
    "build_change_capability": frozenset({"change", "low", "overall"}),
    "change_low": frozenset({"change", "low"}),
    "some_readiness": frozenset({"overall"}),
    "change_adequate": frozenset({"change"}),
    "broad_needs": frozenset({"count", "measured", "weak", "overall"}),
    "solid_base": frozenset({"overall"}),
    "large_company_change": frozenset({"employees", "change"}),
    "completed_development": frozenset(),
    "high_maturity": frozenset({"overall", "lowest"}),
    "dimension_lags": frozenset({"dimension", "score", "others"}),
    "digital_lags": frozenset({"digital", "others", "change"}),
    "stable_enough": frozenset({"change"}),
    "small_company": frozenset({"employees"}),
    "weakest_dimension": frozenset({"dimension", "score"}),
    "after_primary": frozenset({"offering"}),
    "not_sme": frozenset({"employees"}),
    "not_manufacturing": frozenset({"sni"}),
    "industry_unknown": frozenset(),
    "requires_completed": frozenset({"offering"}),
    "already_completed": frozenset(),
}


class _RecommenderFile(_Frozen):
    company: CompanySettings
    thresholds: Thresholds
    reasons: dict[str, Text]

    @model_validator(mode="after")
    def _every_reason_has_a_text(self) -> _RecommenderFile:
        for code in REASON_PARAMS:
            if code not in self.reasons:
                raise ValueError(f"reason '{code}' has no text")
        for code, text in self.reasons.items():
            if code not in REASON_PARAMS:
                raise ValueError(f"reason '{code}' is not one the recommender gives")
            for language in LANGUAGES:
                used = {
                    name
                    for _, name, _, _ in string.Formatter().parse(getattr(text, language))
                    if name
                }
                extra = used - REASON_PARAMS[code]
                if extra:
                    name = sorted(extra)[0]
                    raise ValueError(f"reason '{code}' ({language}) uses unknown {{{name}}}")
        return self


class Catalogue:
    """Everything the recommender reads from data, loaded and checked once."""

    def __init__(
        self,
        offerings: tuple[Offering, ...],
        company: CompanySettings,
        thresholds: Thresholds,
        reasons: dict[str, Text],
    ) -> None:
        self.offerings = offerings
        self.by_id = {o.id: o for o in offerings}
        self.company = company
        self.thresholds = thresholds
        self.reasons = reasons

    def offering(self, offering_id: str) -> Offering:
        return self.by_id[offering_id]


def load_catalogue(offerings_path: Path, settings_path: Path) -> Catalogue:
    """The validated offerings and recommender settings."""
    return catalogue_from_documents(
        read_yaml(offerings_path), read_yaml(settings_path), offerings_path, settings_path
    )


def catalogue_from_documents(
    offerings_document: Any,
    settings_document: Any,
    offerings_path: Path | str,
    settings_path: Path | str,
) -> Catalogue:
    """The validated offerings and settings in parsed documents; the paths name them in errors."""
    offerings = validate(_OfferingFile, offerings_document, offerings_path)
    settings = validate(_RecommenderFile, settings_document, settings_path)
    if settings.company.small_max_employees > settings.company.sme_max_employees:
        raise ContentError(
            settings_path, ["company: small_max_employees exceeds sme_max_employees"]
        )
    return Catalogue(offerings.offerings, settings.company, settings.thresholds, settings.reasons)
