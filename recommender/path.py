"""What a recommendation is: a path of offerings, each with its reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from questionnaire.model import Questionnaire, Text
from questionnaire.profile import OTHER_INDUSTRY
from recommender.catalogue import Catalogue

# Whether the recommendation gives a path: only with answers enough, for a company in
# the programmes' target group.
Status = Literal["ready", "needs_more_answers", "outside_target_group"]
STATUSES: Final[tuple[Status, ...]] = ("ready", "needs_more_answers", "outside_target_group")
# When a step is to be taken.
When = Literal["now", "6_months", "1_2_years"]
WHENS: Final[tuple[When, ...]] = ("now", "6_months", "1_2_years")


@dataclass(frozen=True)
class Reason:
    """Why, as a stable code and the company's own figures; worded only when shown."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    offering: str
    reasons: tuple[Reason, ...]
    when: When = "now"


@dataclass(frozen=True)
class Exclusion:
    offering: str
    reason: Reason


@dataclass(frozen=True)
class Missing:
    """What a path still needs: dimensions not yet measured, and profile fields."""

    dimensions: tuple[str, ...] = ()
    profile: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """The company's path, or why there is none.

    With ``status`` other than ``ready`` there is no path (``primary`` None, no
    complements, no later step): ``missing`` says what to answer first, or
    ``referrals`` where a company outside the target group may turn instead.
    ``excluded`` is listed either way.
    """

    primary: Step | None
    complementary: tuple[Step, ...]
    later: Step | None
    excluded: tuple[Exclusion, ...]
    status: Status = "ready"
    missing: Missing | None = None
    referrals: tuple[Step, ...] = ()
    deferred: tuple[Step, ...] = ()

    @property
    def path(self) -> tuple[str, ...]:
        steps = [self.primary, *self.complementary, *self.deferred, self.later]
        return tuple(s.offering for s in steps if s is not None)

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step offered: the path's, and the referrals."""
        steps = [self.primary, *self.complementary, *self.deferred, self.later, *self.referrals]
        return tuple(s for s in steps if s is not None)


_MONTHS = {
    "sv": (
        "januari februari mars april maj juni juli augusti september oktober november december"
    ).split(),
    "en": (
        "January February March April May June July August September October November December"
    ).split(),
}


def month_words(month: str, language: str) -> str:
    """ "2021-12" as "december 2021" (or "December 2021")."""
    year, number = month.split("-")[:2]
    return f"{_MONTHS['en' if language == 'en' else 'sv'][int(number) - 1]} {year}"


def industry_set_words(catalogue: Catalogue, set_id: str, language: str) -> str:
    """A named set of industries in words, with its SNI divisions: "… (SNI 10–33)"."""
    named = catalogue.industry_set(set_id)
    ranges = ", ".join(
        f"{lo:02d}" if lo == hi else f"{lo:02d}–{hi:02d}" for lo, hi in named.divisions
    )
    return f"{named.name.get(language)} (SNI {ranges})"


def industry_words(sni: str | None, catalogue: Catalogue, language: str) -> str:
    """The company's industry as a reason names it: "er bransch (SNI 62)", or just "er
    bransch" for one outside the profile's list."""
    yours = catalogue.industries.yours.get(language)
    return yours if sni in (OTHER_INDUSTRY, None) else f"{yours} (SNI {sni})"


def render_reason(
    reason: Reason,
    language: str,
    catalogue: Catalogue,
    dimension_names: Mapping[str, Text],
    questionnaire: Questionnaire | None = None,
) -> str:
    """The reason in words, with dimension and offering ids replaced by their names and
    a quoted answer by its question's and option's own words (``questionnaire``)."""
    params: dict[str, Any] = {}
    for key, value in reason.params.items():
        if key == "question":
            question = questionnaire.question(str(value)) if questionnaire else None
            option = question.option(str(reason.params.get("option"))) if question else None
            params["question"] = question.text.get(language) if question else value
            params["answer"] = option.label.get(language) if option else reason.params.get("option")
        elif key == "option":
            continue
        elif key == "margin":  # a true minus sign, and a decimal comma in Swedish
            shown = f"{float(value):g}".replace("-", "\u2212")
            params[key] = shown.replace(".", ",") if language == "sv" else shown
        elif key == "dimension":
            params[key] = dimension_names[value].get(language)
        elif key in ("offering", "successor"):
            params[key] = catalogue.offering(value).name_in_sentence.get(language)
        elif key == "industries":
            params[key] = industry_set_words(catalogue, value, language)
        elif key == "sni" and reason.code != "not_manufacturing":
            params[key] = industry_words(value, catalogue, language)
        elif key == "ended_on":
            params[key] = month_words(value, language)
        elif isinstance(value, float):
            params[key] = f"{value:.0f}"
        else:
            params[key] = value
    text = catalogue.reasons[reason.code].get(language).format(**params)
    return text[0].upper() + text[1:] if text else text
