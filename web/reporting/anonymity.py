"""How coarse the anonymous statistics are: the settings in ``data/statistics.yaml``, and
generalising rows until no combination of their identifying facts is rare (k-anonymity).

No Flask here: the export (web.reporting.statistics) and the overview's export
(web.reporting.overview) use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from questionnaire.content import ContentError, read_yaml

FILE_NAME = "statistics.yaml"


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int | None  # None: no maximum

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Anonymity:
    min_group: int
    buckets: tuple[Bucket, ...]

    def head_count(self, respondents: int) -> str:
        """The range a head count is exported as."""
        for bucket in self.buckets:
            if respondents >= bucket.low and (bucket.high is None or respondents <= bucket.high):
                return bucket.label
        return ""  # below 1: not a head count


def anonymity_from_document(document: Any, source: Path | str) -> Anonymity:
    """Validated settings; every problem names the item."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise ContentError(source, ["expected a mapping with min_group and respondent_buckets"])
    unknown = set(document) - {"min_group", "respondent_buckets"}
    if unknown:
        problems.append(f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    k = document.get("min_group")
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        problems.append(f"min_group: must be a whole number of at least 2, not {k!r}")
        k = 0  # never used: the problems are raised below
    raw = document.get("respondent_buckets")
    buckets: list[Bucket] = []
    if not isinstance(raw, list) or not raw:
        problems.append("respondent_buckets: must be a non-empty list of {min, max}")
        raw = []
    expected_low = 1
    for i, item in enumerate(raw, start=1):
        where = f"respondent_buckets › item {i}"
        last = i == len(raw)
        if not isinstance(item, dict) or set(item) - {"min", "max"} or "min" not in item:
            problems.append(f"{where}: must be {{min: N, max: N}} (the last without max)")
            continue
        low, high = item["min"], item.get("max")
        if isinstance(low, bool) or not isinstance(low, int) or low != expected_low:
            problems.append(
                f"{where}: min must be {expected_low} (no gaps, no overlap), not {low!r}"
            )
            if isinstance(high, int) and not isinstance(high, bool):
                expected_low = high + 1  # judge the next range on its own, not on this one
            continue
        if last and high is not None:
            problems.append(f"{where}: the last range must have no max")
        elif not last and (isinstance(high, bool) or not isinstance(high, int) or high < low):
            problems.append(f"{where}: max must be a whole number of at least {low}, not {high!r}")
            continue
        buckets.append(Bucket(low, high))
        expected_low = (high or low) + 1
    if problems:
        raise ContentError(source, problems)
    return Anonymity(min_group=k, buckets=tuple(buckets))


def load_anonymity(data_dir: Path) -> Anonymity:
    path = data_dir / FILE_NAME
    return anonymity_from_document(read_yaml(path), path)


def generalise(rows: list[list[Any]], ladder: Sequence[int], k: int) -> None:
    """Blank facts in ``rows`` (in place) until every combination of the ``ladder``
    columns' values is shared by at least ``k`` rows. No row is dropped.

    Step by step along ``ladder`` (the column least worth keeping first): each row in a
    combination fewer than ``k`` share loses that column's value. Rows never blanked stay
    in combinations of at least ``k``. At the end every row still rare has all of them
    blank; if fewer than ``k`` rows are, the smallest other combinations are blanked
    whole, until at least ``k`` are (or every row is, when there are fewer than ``k``).
    """

    def key(row: list[Any]) -> tuple[Any, ...]:
        return tuple(row[c] for c in ladder)

    for column in ladder:
        groups = Counter(key(row) for row in rows)
        for row in rows:
            if groups[key(row)] < k:
                row[column] = ""
    blank = tuple("" for _ in ladder)
    groups = Counter(key(row) for row in rows)
    merged = groups.pop(blank, 0)
    if merged == 0:
        return
    for combination, _n in sorted(groups.items(), key=lambda kv: (kv[1], str(kv[0]))):
        if merged >= k:
            break
        for row in rows:
            if key(row) == combination:
                for column in ladder:
                    row[column] = ""
        merged += _n
