"""What a recommendation is: a path of offerings, each with its reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaire.model import Text
from recommender.catalogue import Catalogue


@dataclass(frozen=True)
class Reason:
    """Why, as a stable code and the company's own figures; worded only when shown."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    offering: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Exclusion:
    offering: str
    reason: Reason


@dataclass(frozen=True)
class Recommendation:
    primary: Step | None
    complementary: tuple[Step, ...]
    later: Step | None
    excluded: tuple[Exclusion, ...]

    @property
    def path(self) -> tuple[str, ...]:
        steps = [self.primary, *self.complementary, self.later]
        return tuple(s.offering for s in steps if s is not None)


def render_reason(
    reason: Reason,
    language: str,
    catalogue: Catalogue,
    dimension_names: Mapping[str, Text],
) -> str:
    """The reason in words, with dimension and offering ids replaced by their names."""
    params: dict[str, Any] = {}
    for key, value in reason.params.items():
        if key == "dimension":
            params[key] = dimension_names[value].get(language)
        elif key == "offering":
            params[key] = catalogue.offering(value).name_in_sentence.get(language)
        elif isinstance(value, float):
            params[key] = f"{value:.0f}"
        else:
            params[key] = value
    text = catalogue.reasons[reason.code].get(language).format(**params)
    return text[0].upper() + text[1:] if text else text


def recommendation_to_dict(recommendation: Recommendation) -> dict[str, Any]:
    """A JSON-ready form, kept with an assessment as what the company was shown."""

    def step(s: Step | None) -> dict[str, Any] | None:
        if s is None:
            return None
        return {"id": s.offering, "reasons": [reason_to_dict(r) for r in s.reasons]}

    return {
        "primary": step(recommendation.primary),
        "complementary": [step(s) for s in recommendation.complementary],
        "later": step(recommendation.later),
        "excluded": [
            {"id": e.offering, "reason": reason_to_dict(e.reason)} for e in recommendation.excluded
        ],
    }


def reason_to_dict(reason: Reason) -> dict[str, Any]:
    return {"code": reason.code, "params": dict(reason.params)}


def recommendation_from_dict(data: Mapping[str, Any]) -> Recommendation:
    def reason(d: Mapping[str, Any]) -> Reason:
        return Reason(d["code"], dict(d.get("params") or {}))

    def step(d: Mapping[str, Any] | None) -> Step | None:
        if d is None:
            return None
        return Step(d["id"], tuple(reason(r) for r in d["reasons"]))

    primary = step(data.get("primary"))
    return Recommendation(
        primary=primary,
        complementary=tuple(s for s in (step(d) for d in data.get("complementary", [])) if s),
        later=step(data.get("later")),
        excluded=tuple(Exclusion(d["id"], reason(d["reason"])) for d in data.get("excluded", [])),
    )
