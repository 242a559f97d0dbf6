"""Absolute links: built from ``PUBLIC_BASE_URL`` when it is set, never from ``Host``.

A link that leaves the page (a private link to note down, the join address and its QR
code on the projector, the API's ``url`` and ``Location``) must point at the real site.
Built from the request's ``Host`` header, a forged header would make it point elsewhere.
Without ``PUBLIC_BASE_URL`` (a laptop, the tests) the request's own address is used.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def absolute_url_for(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, _external=True)``, on ``PUBLIC_BASE_URL`` when it is set (a
    scheme, a host and maybe a port: config.py refuses a path)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return str(base) + url_for(endpoint, **values)
