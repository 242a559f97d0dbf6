"""Translations in templates, found once per language instead of on every ``_()``.

Flask-Babel's template functions look up the request's locale, domain and catalogue on
each call; a questionnaire page calls ``_()`` a score of times, and the look-ups cost a
third of a plain page. Here each call asks only for the locale (Flask-Babel keeps it for
the request, and ``force_locale`` changes it) and takes that language's catalogue from a
dictionary. The catalogues are the ones Flask-Babel loads, and never change while the
app runs.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import Flask
from flask_babel import get_locale, get_translations


def install(app: Flask) -> None:
    """Replace the template functions ``_``, ``gettext`` and ``ngettext`` of ``app``."""
    catalogues: dict[Locale, Any] = {}

    def current() -> Any:
        locale = get_locale()
        if locale is None:  # outside a request: Flask-Babel's own answer
            return get_translations()
        catalogue = catalogues.get(locale)
        if catalogue is None:
            catalogue = catalogues[locale] = get_translations()
        return catalogue

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: current().ugettext(s),
        ngettext=lambda s, p, n: current().ungettext(s, p, n),
        pgettext=lambda c, s: current().upgettext(c, s),
        npgettext=lambda c, s, p, n: current().unpgettext(c, s, p, n),
        newstyle=True,
    )
