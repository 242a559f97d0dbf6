"""Which responses no cache may keep: everything behind a private link or an advisor's login.

A private link (``/a/<token>``, a workshop participant's pages under ``/w``, the API's
assessment document) opens and changes a company's answers, and the advisor's pages
(``/radgivare``) show many companies' results. A browser on a shared computer or a proxy
on the way must not keep a copy, so all of them say ``no-store``. One hook decides it for
whole blueprints, so a view added later is covered without anyone remembering to.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

PRIVATE_BLUEPRINTS = frozenset({"survey", "workshop", "advisor"})
# The API's answers that carry an assessment's private document and its link.
PRIVATE_ENDPOINTS = frozenset({"api.create_assessment", "api.get_assessment"})


def register(app: Flask) -> None:
    @app.after_request
    def keep_private_responses_uncached(response: Response) -> Response:
        if request.blueprint in PRIVATE_BLUEPRINTS or request.endpoint in PRIVATE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        return response
