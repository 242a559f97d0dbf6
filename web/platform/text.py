"""Text typed into a form or sent to the API, made safe to store, show and export."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from questionnaire.answers import strip_control, strip_format

# A Python string holds a UTF-16 surrogate only alone (JSON "\ud800"; a pair is decoded
# to one character): it is no character, and UTF-8 cannot encode it, so a page or an
# export that holds one fails.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


class LoneSurrogate(ValueError):
    """The text holds a lone UTF-16 surrogate. Its message is for a form, translated."""

    def __init__(self) -> None:
        super().__init__(_l("This text holds a character that cannot be stored. Please retype it."))


def holds_lone_surrogate(value: str) -> bool:
    return _SURROGATE.search(value) is not None


def clean_text(value: str) -> str:
    """Text as stored: control characters removed. Raises LoneSurrogate for a lone surrogate."""
    if holds_lone_surrogate(value):
        raise LoneSurrogate
    return strip_control(value)


def clean_line(value: str | None) -> str | None:
    """One line of text: control and invisible format characters (zero-width spaces,
    direction overrides) removed, whitespace runs made one space.

    The forms' filter: a lone surrogate makes the field invalid (LoneSurrogate).
    """
    if value is None:
        return None
    return " ".join(strip_format(clean_text(value)).split())


def lone_surrogates(value: str) -> list[str]:
    """The lone surrogates in ``value``, each as its escape ("\\ud800")."""
    return [f"\\u{ord(found):04x}" for found in _SURROGATE.findall(value)]


def replace_surrogates(value: str) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD, the replacement character."""
    return _SURROGATE.sub(REPLACEMENT, value)


def map_strings(value: Any, change: Callable[[str, str, bool], str], path: str = "") -> Any:
    """A copy of a JSON value with every string in it, object keys too, replaced by
    ``change(path, text, is_key)``; objects keep their key order.

    ``path`` names where a string is as the API names fields: keys joined by dots, list
    items by their index ("answers.systems.1"); a key's path is that of its value.
    Walks without recursion, so any nesting depth that JSON parsing accepted is fine.
    """
    if not isinstance(value, dict | list):
        return change(path, value, False) if isinstance(value, str) else value
    root: dict[str, Any] | list[Any] = {} if isinstance(value, dict) else []
    pending: list[tuple[Any, Any, str]] = [(value, root, path)]
    while pending:
        source, target, where = pending.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            inner = f"{where}.{key}" if where else str(key)
            if isinstance(item, dict | list):
                copy: Any = {} if isinstance(item, dict) else []
                pending.append((item, copy, inner))
                item = copy
            elif isinstance(item, str):
                item = change(inner, item, False)
            if isinstance(target, dict):
                target[change(inner, key, True) if isinstance(key, str) else key] = item
            else:
                target.append(item)
    return root
