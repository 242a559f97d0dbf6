"""The offerings, the rule-of-thumb settings and the reason texts, loaded from ``data/``."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from questionnaire.content import ContentError, read_yaml, validate
from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.model import LANGUAGES, Identifier, Text
from questionnaire.profile import OTHER_INDUSTRY, SNI_DIVISIONS

# The ten offerings of the first catalogue. Stored results, advisor decisions and the
# learned model's features name them, so the data file keeps defining each (an ended
# one with its status); it may add new ones.
OFFERING_IDS: Final = (
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


Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]
Url = Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
Status = Literal["active", "paused", "ended"]
# The situations a referral's own rule answers.
ReferralSituation = Literal["outside_target_group"]


class Eligibility(_Frozen):
    sme_only: bool = False
    # A named set of industries (``industries.sets`` in recommender.yaml) it is open to.
    industries: Identifier | None = None
    # As written in catalogues kept from before named sets: industries: manufacturing.
    manufacturing_only: bool = False
    requires_completed: tuple[Identifier, ...] = ()

    @property
    def industry_set(self) -> str | None:
        return self.industries or ("manufacturing" if self.manufacturing_only else None)


class Offering(_Frozen):
    id: Identifier
    # track: one of Produktionslyftet's own tracks; initiative: Smart industri or a partner;
    # referral: where the rules send a company the programmes are not made for.
    kind: Literal["track", "initiative", "referral"]
    provider: Text
    name: Text
    name_in_sentence: Text  # "genomfört Utvecklingsprogrammet", not "…Utvecklingsprogram"
    summary: Text
    target_group: Text
    duration: Text
    eligibility: Eligibility
    remedies: tuple[Identifier, ...] = ()
    next: Identifier | None = None
    # Whether it takes companies today; the defaults read catalogues kept before statuses.
    status: Status = "active"
    ended_on: Month | None = None
    successor: Identifier | None = None  # the nearest active equivalent when not active
    url: Url | None = None
    verified_on: Day | None = None  # when a person last checked the facts; None: never
    refer_when: tuple[ReferralSituation, ...] = ()
    # Whether a company can have "completed" it (the profile's list): not a referral, a
    # regional centre or a strategy's focus area.
    completable: bool = True
    # Roughly how many months it runs, where that is known; sequences the later step.
    months: float | None = Field(default=None, ge=0)
    # A strategy's focus area (Smart industri's): routes to take, not a programme to apply
    # for, so the plan says "more on the routes" rather than "help with it".
    focus_area: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Offering:
        unknown = [d for d in self.remedies if d not in DIMENSION_IDS]
        if unknown:
            raise ValueError(f"remedies names an unknown dimension '{unknown[0]}'")
        if self.status == "ended" and self.ended_on is None:
            raise ValueError("an ended offering needs ended_on (YYYY-MM)")
        if self.status != "ended" and self.ended_on is not None:
            raise ValueError("ended_on belongs to an ended offering")
        if self.status == "active" and self.successor is not None:
            raise ValueError("an active offering has no successor")
        if self.successor == self.id:
            raise ValueError("an offering cannot be its own successor")
        if self.refer_when and self.kind != "referral":
            raise ValueError("refer_when belongs to offerings of kind referral")
        return self

    @property
    def active(self) -> bool:
        return self.status == "active"


class _OfferingFile(_Frozen):
    offerings: tuple[Offering, ...]

    @model_validator(mode="after")
    def _ids_and_references(self) -> _OfferingFile:
        ids = [o.id for o in self.offerings]
        for offering_id in ids:
            if ids.count(offering_id) > 1:
                raise ValueError(f"offering '{offering_id}' defined twice")
        missing = [o for o in OFFERING_IDS if o not in ids]
        if missing:
            raise ValueError(f"offerings missing (stored results name them): {', '.join(missing)}")
        by_id = {o.id: o for o in self.offerings}
        for o in self.offerings:
            refs = [*o.eligibility.requires_completed, *([o.next] if o.next else [])]
            for ref in [*refs, *([o.successor] if o.successor else [])]:
                if ref not in by_id:
                    raise ValueError(f"offering '{o.id}' refers to unknown offering '{ref}'")
            if o.successor is not None and not by_id[o.successor].active:
                raise ValueError(f"offering '{o.id}': its successor '{o.successor}' is not active")
        return self


class CompanySettings(_Frozen):
    sme_max_employees: int = Field(ge=1)
    small_max_employees: int = Field(ge=1)
    # As written in settings kept from before named industry sets; not read.
    manufacturing_divisions: tuple[int, int] | None = None


Division = Annotated[int, Field(ge=1, le=99)]


class IndustrySet(_Frozen):
    name: Text  # as it reads in a sentence: "industrin och industrinära tjänster"
    divisions: tuple[tuple[Division, Division], ...] = Field(min_length=1)  # ranges, inclusive

    @model_validator(mode="after")
    def _ranges(self) -> IndustrySet:
        for low, high in self.divisions:
            if low > high:
                raise ValueError(f"division range {low}-{high} runs backwards")
        return self

    def __contains__(self, division: object) -> bool:
        return isinstance(division, int) and any(lo <= division <= hi for lo, hi in self.divisions)

    @property
    def division_list(self) -> tuple[int, ...]:
        return tuple(d for lo, hi in self.divisions for d in range(lo, hi + 1))


class Industries(_Frozen):
    """The named sets of SNI 2007 divisions, and the words for the profile's list.

    ``target_group`` is the companies the programmes are for; it is also what the
    profile's industry list offers, one option per division, plus "other".
    """

    sets: dict[Identifier, IndustrySet]
    divisions: dict[str, Text]  # "25": {sv: "Metallvaror …"}, for every target division
    other: Text  # "Annan bransch"
    yours: Text  # "er bransch", as a reason names the company's industry

    @model_validator(mode="after")
    def _target_group_named(self) -> Industries:
        for required in ("target_group", "manufacturing"):  # the gate's, and peer groups'
            if required not in self.sets:
                raise ValueError(f"sets: the set '{required}' is required")
        for name, named in self.sets.items():
            unknown = [d for d in named.division_list if d not in SNI_DIVISIONS]
            if unknown:
                raise ValueError(f"sets › {name}: {unknown[0]:02d} is no SNI 2007 division")
        for division in self.sets["target_group"].division_list:
            if f"{division:02d}" not in self.divisions:
                raise ValueError(f"divisions: division {division:02d} of target_group has no name")
        for key in self.divisions:
            if not key.isdigit() or len(key) != 2:
                raise ValueError(f"divisions: '{key}' is not a two-digit SNI division")
        return self

    @property
    def target_group(self) -> IndustrySet:
        return self.sets["target_group"]

    def options(self) -> list[tuple[str, Text]]:
        """The profile's industry list: every target division, then "other"."""
        codes = [f"{d:02d}" for d in sorted(set(self.target_group.division_list))]
        return [*((c, self.divisions[c]) for c in codes), (OTHER_INDUSTRY, self.other)]


class Gate(_Frozen):
    """When a dimension counts as measured, and when there are enough answers for a path."""

    measured_weight_share: float = Field(gt=0, le=1)
    measured_items: int = Field(ge=1)
    path_dimensions: int = Field(ge=1, le=len(DIMENSION_IDS))
    path_digital_dimensions: int = Field(ge=0, le=6)

    def measured(self, coverage: float | None, answered: int | None) -> bool:
        """Whether a dimension with this coverage (weight share 0-1) and count counts."""
        if coverage is None or answered is None:
            return False
        return coverage >= self.measured_weight_share and answered >= self.measured_items


class EconomySettings(_Frozen):
    """When the economy lags, and where an SME whose economy lags starts."""

    lag: float = Field(ge=0, le=100)
    margin_question: Identifier
    loss_below: float
    customer_question: Identifier
    dominant_customer: tuple[str, ...] = Field(min_length=1)
    first_tracks: tuple[Identifier, ...] = Field(min_length=1)
    will_first: tuple[Identifier, ...] = ()  # only where change capability is low


class QuoteSettings(_Frozen):
    """Which answers a reason may quote: a weakness only at a low level, a strength only
    at a high one."""

    weak_at_most: float = Field(ge=0)
    strong_at_least: float = Field(ge=0)


class ActionPlanSettings(_Frozen):
    """How much the action plan holds: items from the weakest ``dimensions`` measured
    dimensions, each worth at least ``min_gain`` points, at most ``max_items``.

    ``not_steps``: questions whose answer is a result rather than a practice (a margin,
    a robot count): they count in the score but are never a step of their own. A team's
    item is talked about first when its answers lie ``discuss_distance`` levels apart
    or more (and it is among the team's top disagreements).
    """

    dimensions: int = Field(ge=1, le=len(DIMENSION_IDS))
    min_gain: int = Field(ge=1)
    max_items: int = Field(ge=1)
    not_steps: tuple[Identifier, ...] = ()
    discuss_distance: float = Field(default=2, gt=0, le=4)


class CapacitySettings(_Frozen):
    """When a company has little time for development, and what that changes."""

    question: Identifier
    little_at_most: float = Field(ge=0)
    unknown_small_below: int = Field(ge=1)
    complements_now: int = Field(ge=0)
    first_now: tuple[Identifier, ...] = ()  # complements put first when time is short


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
    "some_needs": frozenset({"count", "measured", "weak", "overall"}),
    "economy_weak": frozenset({"score", "lag"}),
    "economy_loss": frozenset({"margin"}),
    "economy_one_customer": frozenset({"question", "answer"}),
    "short_first": frozenset(),
    "economy_in_track": frozenset(),
    "economy_support": frozenset({"offering"}),
    "answer_quote": frozenset({"question", "answer"}),
    "weakest_answer": frozenset({"question", "answer"}),
    "strongest_answer": frozenset({"question", "answer"}),
    "capacity_answered": frozenset({"question", "answer"}),
    "capacity_unknown": frozenset({"employees"}),
    "capacity_caveat": frozenset(),
    "offering_unconfirmed": frozenset(),
    "replaces_unconfirmed": frozenset({"offering", "successor"}),
    "learned_choice": frozenset(),
    "not_sme": frozenset({"employees"}),
    "outside_industries": frozenset({"industries", "sni"}),
    "industry_not_given": frozenset({"industries"}),
    "requires_completed": frozenset({"offering"}),
    "already_completed": frozenset(),
    "offering_ended": frozenset({"ended_on"}),
    "offering_paused": frozenset(),
    "replaces_ended": frozenset({"offering", "successor"}),
    "replaces_paused": frozenset({"offering", "successor"}),
    "referral_outside": frozenset({"offering", "industries", "sni"}),
    # Given by paths stored before named industry sets; still worded when shown.
    "not_manufacturing": frozenset({"sni"}),
    "industry_unknown": frozenset(),
}


class RecommenderSettings(_Frozen):
    """recommender.yaml, validated."""

    company: CompanySettings
    industries: Industries
    gate: Gate
    economy: EconomySettings
    quotes: QuoteSettings
    capacity: CapacitySettings
    action_plan: ActionPlanSettings
    thresholds: Thresholds
    conflicts: tuple[tuple[str, str], ...] = ()
    reasons: dict[str, Text]

    @model_validator(mode="after")
    def _conflicts_name_reasons(self) -> RecommenderSettings:
        for pair in self.conflicts:
            for code in pair:
                if code not in REASON_PARAMS:
                    raise ValueError(f"conflicts: '{code}' is not a reason the recommender gives")
            if pair[0] == pair[1]:
                raise ValueError(f"conflicts: '{pair[0]}' cannot conflict with itself")
        return self

    @model_validator(mode="after")
    def _every_reason_has_a_text(self) -> RecommenderSettings:
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
    """Everything the recommender reads from data, loaded and checked once: the
    offerings, and the settings of recommender.yaml (their sections as attributes)."""

    def __init__(self, offerings: tuple[Offering, ...], settings: RecommenderSettings) -> None:
        self.offerings = offerings
        self.by_id = {o.id: o for o in offerings}
        self.settings = settings
        self.company = settings.company
        self.thresholds = settings.thresholds
        self.reasons = settings.reasons
        self.industries = settings.industries
        self.gate = settings.gate
        self.economy = settings.economy
        self.capacity = settings.capacity
        self.quotes = settings.quotes
        self.action_plan = settings.action_plan
        self.conflicts = frozenset(frozenset(pair) for pair in settings.conflicts)

    def with_offerings(self, offerings: tuple[Offering, ...]) -> Catalogue:
        """The same settings with other offerings (a test's, or an admin's edit)."""
        return Catalogue(offerings, self.settings)

    def offering(self, offering_id: str) -> Offering:
        return self.by_id[offering_id]

    def industry_set(self, set_id: str) -> IndustrySet:
        return self.industries.sets[set_id]


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
    settings = validate(RecommenderSettings, settings_document, settings_path)
    if settings.company.small_max_employees > settings.company.sme_max_employees:
        raise ContentError(
            settings_path, ["company: small_max_employees exceeds sme_max_employees"]
        )
    problems = []
    known = {o.id for o in offerings.offerings}
    named_tracks = (*settings.economy.first_tracks, *settings.economy.will_first)
    unknown_first = [t for t in named_tracks if t not in known]
    if unknown_first:
        raise ContentError(
            settings_path, [f"economy › first_tracks: unknown offering '{unknown_first[0]}'"]
        )
    for o in offerings.offerings:
        named = o.eligibility.industry_set
        if named is not None and named not in settings.industries.sets:
            problems.append(f"offering '{o.id}' › eligibility: unknown industry set '{named}'")
        if o.id in settings.economy.first_tracks and o.kind != "track":
            problems.append(f"offering '{o.id}' is named in economy.first_tracks but is no track")
        if "outside_target_group" in o.refer_when and named is not None:
            problems.append(
                f"offering '{o.id}': a referral for companies outside the target group "
                "cannot itself be limited to a set of industries"
            )
    if problems:
        raise ContentError(offerings_path, problems)
    return Catalogue(offerings.offerings, settings)


# What today's catalogue says of an offering's life, over any kept version's.
LIFE_KEYS: Final = ("status", "ended_on", "successor", "url", "verified_on")


def kept_documents(
    offerings: Any, settings: Any, today_offerings: Any, today_settings: Any
) -> tuple[Any, Any]:
    """A kept version's offerings and settings documents, brought up to today.

    A record keeps the content it was answered on, so its questions, texts and rules
    stay as they were. Two things come from today's documents instead:

    - whether an offering still takes companies (``LIFE_KEYS``), and the offerings
      added since: nothing ended is recommended, whatever version a workshop runs on;
    - what the kept settings lack, key by key: rules and reason texts added since.

    Documents that are not mappings are returned as they are, for the validation to
    name.
    """
    if not (isinstance(offerings, dict) and isinstance(today_offerings, dict)):
        return offerings, settings
    kept_list = offerings.get("offerings")
    today_list = today_offerings.get("offerings")
    if isinstance(kept_list, list) and isinstance(today_list, list):
        today_by_id = {_key(o.get("id")): o for o in today_list if isinstance(o, dict)}
        merged = []
        for item in kept_list:
            today = today_by_id.get(_key(item.get("id"))) if isinstance(item, dict) else None
            if today is not None:
                item = {k: v for k, v in item.items() if k not in LIFE_KEYS}
                item.update({k: today[k] for k in LIFE_KEYS if k in today})
            merged.append(item)
        kept_ids = {_key(o.get("id")) for o in kept_list if isinstance(o, dict)}
        merged += [
            o for o in today_list if isinstance(o, dict) and _key(o.get("id")) not in kept_ids
        ]
        offerings = {**offerings, "offerings": merged}
    if isinstance(settings, dict) and isinstance(today_settings, dict):
        settings = _fill_missing(settings, today_settings)
    return offerings, settings


def _key(value: Any) -> str | None:
    """An offering's id as a lookup key; None for one that is no text (the validation
    names it)."""
    return value if isinstance(value, str) else None


def _fill_missing(kept: dict[str, Any], today: dict[str, Any]) -> dict[str, Any]:
    merged = dict(kept)
    for key, value in today.items():
        if key not in merged:
            merged[key] = value
        elif isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = _fill_missing(merged[key], value)
    return merged
