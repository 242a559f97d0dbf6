"""Text typed into a form, made safe to store, show and export."""

from __future__ import annotations

import re

# C0 and C1 control characters (NUL included), except tab and line breaks: they cannot be
# stored in PostgreSQL (NUL) or written to Excel, and no one means to type them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_line(value: str | None) -> str | None:
    """One line of text: control characters removed, whitespace runs made one space."""
    if value is None:
        return None
    return " ".join(_CONTROL.sub("", value).split())


def strip_control(value: str) -> str:
    return _CONTROL.sub("", value)
