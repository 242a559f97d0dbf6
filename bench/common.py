"""What the benchmarks share: the repository's questionnaire, form data and CSRF tokens.

The locust files and the driver import this module. It reads the questionnaire from
``data/`` with the app's own loader (no Flask app, no database), so the form field names
are always the questionnaire's own.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from questionnaire.model import DONT_KNOW, Question  # noqa: E402

DONT_KNOW_SUFFIX = "__dont_know"  # web/assessments/forms.py: the "don't know" box of a number
# The company's profile as the self-assessment's first page takes it (employees required).
PROFILE = {"employees": "45", "turnover_msek": "60", "sni": "25", "region": ""}

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
JOINED = re.compile(r"/a/([A-Za-z0-9_-]+)$")


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise ValueError("the page has no CSRF token")
    return match.group(1) or match.group(2)


@functools.cache
def questionnaire() -> Any:
    """The questionnaire in ``LYFTKOLLEN_DATA_DIR`` (default ``data/``), validated as the
    app validates it."""
    from web.storage.content import load_content

    data_dir = Path(os.environ.get("LYFTKOLLEN_DATA_DIR", REPO / "data"))
    return load_content(data_dir).questionnaire


def _answer(question: Question, person: int, position: int) -> dict[str, Any]:
    """Person ``person``'s form data for one question; people differ, and so do questions."""
    seed = person * 7 + position * 3
    qid = question.id
    if question.type == "single":
        scored = [o.value for o in question.options if o.level is not None]
        if seed % 11 == 0:
            return {qid: DONT_KNOW}
        return {qid: scored[seed % len(scored)]}
    if question.type == "multi":
        scored = [o.value for o in question.options if not o.exclusive and o.level is not None]
        if seed % 13 == 0:
            return {qid: [DONT_KNOW]}
        ticked = [v for bit, v in enumerate(scored) if (seed + person) >> bit & 1]
        return {qid: ticked or ["none"]}
    if question.type == "number":
        if seed % 9 == 0:
            return {qid + DONT_KNOW_SUFFIX: "y"}
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 100
        value = low + (seed % max(1, int(min(high, low + 40) - low)))
        if question.integer:
            return {qid: str(int(value))}
        return {qid: f"{value + 0.5:g}".replace(".", ",")}  # a Swedish decimal comma
    return {qid: f"Svar {person}"}


@functools.cache
def maturity_pages(person: int) -> dict[int, dict[str, Any]]:
    """Step number -> form data (without CSRF token and action) for every maturity page."""
    pages: dict[int, dict[str, Any]] = {}
    position = 0
    for number, section in enumerate(questionnaire().sections, start=1):
        if section.dimension is None:
            continue
        pages[number] = {}
        for q in section.questions:
            pages[number].update(_answer(q, person, position))
            position += 1
    return pages


def answers_per_participant() -> int:
    """How many answers a participant who answers every maturity page leaves in the database."""
    return sum(len(s.questions) for s in questionnaire().maturity_sections)


def step_count() -> int:
    return len(questionnaire().sections)


def think_range(default: str) -> tuple[float, float]:
    """``BENCH_THINK`` as "LOW-HIGH" seconds (or one number): a person reading a page."""
    raw = os.environ.get("BENCH_THINK", default)
    low, _, high = raw.partition("-")
    return float(low), float(high or low)
