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
