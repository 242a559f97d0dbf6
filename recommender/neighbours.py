""" "Companies like yours": the results nearest to a company's score profile, and what the
advisors decided for them.

The profile is the ten dimension scores (0-100), compared by Euclidean distance, so each
dimension weighs the same. A score that was not measured (None or NaN) is imputed with
that dimension's mean over the decided results the index was fitted on (50, the middle of
the scale, when none of them measured it), for the fitted results and the company alike:
an unmeasured dimension then neither pulls a company towards nor away from anyone in
particular.

What is shown is only a count of the advisors' decisions among the nearest results, and
only when there are at least :data:`MIN_DECIDED` decided results to choose from and an
offering was decided at least :data:`MIN_COUNT` times among them: one company is no
pattern, and a count of one could point at it.

scikit-learn is imported when an index is fitted, not when this module is: it takes about
a second, which a worker should not pay at start for a page that may never need it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from questionnaire.dimensions import DIMENSION_IDS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# How many nearest results are looked at, and how many decided results must exist first.
K: Final = 15
MIN_DECIDED: Final = 30
# The fewest decisions for one offering among the nearest that are shown; at most TOP shown.
MIN_COUNT: Final = 2
TOP: Final = 3
_MIDDLE: Final = 50.0

Scores = Mapping[str, float | int | None]


def _value(score: float | int | None) -> float:
    return math.nan if score is None else float(score)


@dataclass(frozen=True)
class OfferingCount:
    offering: str
    count: int  # how many of the nearest results it was decided for


@dataclass(frozen=True)
class NeighbourDecisions:
    """What advisors most often decided for the ``nearest`` results most like a company."""

    nearest: int  # how many results were looked at (K, or fewer when fewer exist)
    offerings: tuple[OfferingCount, ...]  # most often first; at most TOP, each >= MIN_COUNT


class NeighbourIndex:
    """Decided results' score profiles, fitted once, queried per company."""

    def __init__(self, profiles: Sequence[Scores], offerings: Sequence[str]) -> None:
        if len(profiles) != len(offerings):
            raise ValueError("one offering per profile")
        import numpy as np  # noqa: PLC0415 (lazy: see the module's docstring)
        from sklearn.neighbors import NearestNeighbors  # noqa: PLC0415

        self.offerings: tuple[str, ...] = tuple(offerings)
        matrix = np.array(
            [[_value(p.get(d)) for d in DIMENSION_IDS] for p in profiles], dtype=np.float64
        ).reshape(len(profiles), len(DIMENSION_IDS))
        measured = ~np.isnan(matrix)
        counts = measured.sum(axis=0)
        sums = np.where(measured, matrix, 0.0).sum(axis=0)
        self.means: npt.NDArray[np.float64] = np.where(
            counts > 0, sums / np.maximum(counts, 1), _MIDDLE
        )
        self._matrix = np.where(measured, matrix, self.means)
        self._model: Any = None
        if len(profiles):
            self._model = NearestNeighbors(n_neighbors=min(K, len(profiles)))
            self._model.fit(self._matrix)

    def __len__(self) -> int:
        return len(self.offerings)

    def _vector(self, scores: Scores) -> npt.NDArray[np.float64]:
        import numpy as np  # noqa: PLC0415

        row = np.array([_value(scores.get(d)) for d in DIMENSION_IDS], dtype=np.float64)
        return np.where(np.isnan(row), self.means, row).reshape(1, -1)

    def nearest(self, scores: Scores, k: int = K) -> list[int]:
        """The positions of the ``k`` fitted results nearest to ``scores``, nearest first
        (equal distances: the earlier fitted first)."""
        if self._model is None:
            return []
        k = min(k, len(self))
        distances, positions = self._model.kneighbors(self._vector(scores), n_neighbors=k)
        pairs = sorted(zip(distances[0].tolist(), positions[0].tolist(), strict=True))
        return [int(p) for _, p in pairs]

    def decisions(
        self, scores: Scores, k: int = K, exclude: int | None = None
    ) -> NeighbourDecisions | None:
        """What was decided for the results nearest to ``scores``, leaving out the fitted
        result at position ``exclude`` (the company's own); None when there are fewer
        than :data:`MIN_DECIDED` decided results besides it."""
        others = len(self) - (exclude is not None)
        if others < MIN_DECIDED:
            return None
        positions = [p for p in self.nearest(scores, k + 1) if p != exclude][:k]
        return NeighbourDecisions(
            nearest=len(positions),
            offerings=most_often([self.offerings[p] for p in positions]),
        )


def most_often(offerings: Sequence[str]) -> tuple[OfferingCount, ...]:
    """The offerings decided at least :data:`MIN_COUNT` times, most often first; equal
    counts in the order first met (``offerings`` is nearest first). At most :data:`TOP`."""
    counts: dict[str, int] = {}
    for offering in offerings:
        counts[offering] = counts.get(offering, 0) + 1
    order = {o: i for i, o in reversed(list(enumerate(offerings)))}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order[item[0]]))
    return tuple(OfferingCount(o, n) for o, n in ranked if n >= MIN_COUNT)[:TOP]
