"""Absolute links: built from ``PUBLIC_BASE_URL`` when it is set, never from ``Host``.

A link that leaves the page (a private link to note down, the join address and its QR
code on the projector, the API's ``url`` and ``Location``) must point at the real site.
Built from the request's ``Host`` header, a forged header would make it point elsewhere.
Without ``PUBLIC_BASE_URL`` (a laptop, the tests) the request's own address is used.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for


def absolute_url_for(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, _external=True)``, on ``PUBLIC_BASE_URL`` when it is set.

    The base may carry a path (``https://example.se/lyftkollen``): it is the address of
    the app's root, so the path within the app is appended to it.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    script_root = request.script_root if has_request_context() else ""
    return str(base) + path.removeprefix(script_root)
