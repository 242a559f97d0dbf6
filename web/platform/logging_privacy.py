"""Log records without private links, join codes, query strings or addresses, one line each.

A private link (``/a/<token>``, ``/api/v1/assessments/<token>``) opens, changes and
deletes an assessment, a participant's link (``/w/deltagare/<token>``) answers for them,
and a join code (``/w/<code>``) lets anyone into a workshop: none of them is written to a
log. Nor is a query string (``?next=/a/…``) or an IP address: the privacy page promises
that no address is kept with anything a visitor gives.

``PrivacyFilter`` rewrites each record before any handler writes it. ``install`` attaches
it to loggers and to every handler they have; ``create_app`` and ``gunicorn.conf.py``
both call it. This module needs only the standard library, so that gunicorn.conf.py can
import it without building the app.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import traceback
from types import TracebackType
from urllib.parse import unquote

# The loggers whose records can hold a request's path or a client's address, besides the
# app's own: werkzeug's development server, gunicorn's two, and the root logger, whose
# handlers write what other libraries log.
LOGGERS = ("werkzeug", "gunicorn.error", "gunicorn.access", "")

MASK = "…"
_PRIVATE_PATH = re.compile(
    # "/a//<token>" is the same link (werkzeug redirects it): any run of slashes.
    r"(?P<area>/api/v1/assessments|/w/deltagare|/a|/w)/+[^/?#\s\"'<>\\]+",
    re.IGNORECASE,
)
# A query string after a path (a space or "(" before "?" is prose or SQL, not a URL).
_QUERY = re.compile(r"(?<=[\w/.~%\-…])\?[^\s\"'<>]+")
# A database error names the values of its statement, such as a private link's token.
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*\]")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})"
    r"(?:%[\w.]+)?(?![\w:])"
)
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\w)")
# Characters that end or break a line in a log file, a viewer or a terminal (C0 and C1
# controls, the Unicode line and paragraph separators); a tab stays. A colour stays only
# in the development server's own lines (werkzeug colours them on a terminal): anywhere
# else it came from a request, and one that hides text would hide the lines after it.
_COLOUR = r"\x1b\[[0-9;]*m|"
_BREAKS = r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]"
_BREAKS_BUT_NEWLINE = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]"
_CONTROL = {
    (one_line, colour): re.compile(
        (_COLOUR if colour else "") + (_BREAKS if one_line else _BREAKS_BUT_NEWLINE)
    )
    for one_line in (True, False)
    for colour in (True, False)
}
_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if len(char) > 1:
        return char  # a colour
    return _ESCAPES.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}"
    )


def _address(match: re.Match[str]) -> str:
    text = match.group()
    if not any(c.isalnum() for c in text):
        return text  # "::" in prose
    address = text.rstrip(":")  # "ip=2001:db8::1: Invalid header"
    try:
        ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return text  # a time of day (18:12:27), a version number
    return MASK + text[len(address) :]


def mask(text: str, one_line: bool = True, addresses: bool = True, colour: bool = False) -> str:
    """``text`` with private paths, query strings, a database error's parameters and IP
    addresses (unless ``addresses`` is false) masked, and every character that could
    start a new line escaped (newlines kept when ``one_line`` is false: a traceback's own
    lines; terminal colours kept when ``colour`` is true)."""
    if _PERCENT.search(text):
        # The app sees /a%2F<token> as /a/<token>, and %0A as a newline: so does the log.
        text = unquote(text, errors="replace")
    text = _PRIVATE_PATH.sub(lambda m: f"{m.group('area')}/{MASK}", text)
    text = _SQL_PARAMETERS.sub(f"[parameters: {MASK}]", text)
    text = _QUERY.sub(f"?{MASK}", text)
    if addresses:
        text = _IPV6.sub(_address, text)
        text = _IPV4.sub(_address, text)
    return _CONTROL[one_line, colour].sub(_escape, text)


# Where CPython 3.11-3.13 keep a TracebackException's message: private, so not in its types.
_MESSAGE = "_str"


def _traceback(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]) -> str:
    """The traceback as logging writes it, each exception's message on one line, so that
    a message holding a newline (a decoded URL, a SQL statement) cannot start a line."""
    report = traceback.TracebackException(*exc_info)
    pending, seen = [report], set()
    while pending:
        part = pending.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        message = getattr(part, _MESSAGE, None)
        if isinstance(message, str):
            setattr(part, _MESSAGE, mask(message))
        pending.extend(p for p in (part.__cause__, part.__context__) if p is not None)
        pending.extend(getattr(part, "exceptions", None) or ())
    return mask("".join(report.format()).rstrip("\n"), one_line=False)


class PrivacyFilter(logging.Filter):
    """Masks each record's message and traceback in place, so every handler after it
    (and every handler the record propagates to) writes the masked text. It never drops
    a record and never raises: a record it cannot mask is written without its text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage().rstrip("\r\n")
            if record.name == "werkzeug" and not record.args:
                # What the development server says of itself ("Running on http://…"):
                # a developer opens that address. Its request lines all have arguments.
                message = mask(message, one_line=False, addresses=False, colour=True)
            else:
                message = mask(message, colour=record.name == "werkzeug")
            if record.exc_text:  # formatted already (by this filter on the logger)
                record.exc_text = mask(record.exc_text, one_line=False)
            elif record.exc_info and record.exc_info[0] is not None:
                record.exc_text = _traceback(record.exc_info)
            if record.stack_info:
                record.stack_info = mask(record.stack_info, one_line=False)
        except Exception:  # a log line is never worth a failed request or a dead worker
            message = "(a log message that could not be masked, left out)"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.msg, record.args = message, ()
        return True


_FILTER = PrivacyFilter()


def install(*loggers: logging.Logger | str) -> None:
    """Attach the filter to ``LOGGERS`` and ``loggers``: to each logger (its own records,
    wherever they propagate) and to each of its handlers (records from its child
    loggers), and to logging's last resort. Safe to repeat."""
    targets: list[logging.Filterer] = []
    for logger in (*LOGGERS, *loggers):
        if isinstance(logger, str):
            logger = logging.getLogger(logger)
        targets += [logger, *logger.handlers]
    if logging.lastResort is not None:
        targets.append(logging.lastResort)  # writes warnings of loggers with no handler
    for target in targets:
        if not any(isinstance(f, PrivacyFilter) for f in target.filters):
            target.addFilter(_FILTER)
