"""The fixed ids of what is measured. Data files and the API use exactly these."""

from typing import Final

AREA_IDS: Final = ("digital", "sustainability", "change")

DIMENSION_IDS: Final = (
    "strategy",
    "readiness",
    "people",
    "data",
    "automation",
    "green_digital",
    "social",
    "ecological",
    "economic",
    "change",
)

# Which area each dimension belongs to (the data file must say the same).
AREA_OF: Final = {
    "strategy": "digital",
    "readiness": "digital",
    "people": "digital",
    "data": "digital",
    "automation": "digital",
    "green_digital": "digital",
    "social": "sustainability",
    "ecological": "sustainability",
    "economic": "sustainability",
    "change": "change",
}

# The change area has one dimension; rules that speak of "change capability" use it.
CHANGE_CAPABILITY: Final = "change"

# An item's answer is a level on this scale; a dimension's score is 0-100.
LEVEL_MAX: Final = 4

# The profile questions the rest of the app relies on, by id.
PROFILE_FIELDS: Final = ("employees", "turnover_msek", "sni", "region", "completed")
