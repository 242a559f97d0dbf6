"""URL areas that several features share.

The advisor's area, ``/radgivare``, holds the advisor's desk (web.advisor), the programme
overview and the statistics export (web.reporting._views) and the advisors' decisions
(web.learning.views). It is one blueprint, so what applies to every advisor page (no
caching, web.platform.caching; the endpoint names ``advisor.*`` the templates link to)
is set in one place. Each feature's views module adds its routes to it; ``create_app``
imports those modules before it registers the area.
"""

from __future__ import annotations

from flask import Blueprint

advisor = Blueprint("advisor", __name__, url_prefix="/radgivare")
