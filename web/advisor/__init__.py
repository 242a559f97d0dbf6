from flask import Blueprint

bp = Blueprint("advisor", __name__, url_prefix="/radgivare")

from web.advisor import (  # noqa: E402,F401  (views on bp)
    company_views,
    compare_views,
    decision_views,
    overview_views,
    routes,
    workshop_views,
)
