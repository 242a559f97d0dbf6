from flask import Blueprint

bp = Blueprint("advisor", __name__, url_prefix="/radgivare")

from web.advisor import company_views, compare_views, routes, workshop_views  # noqa: E402,F401  (views on bp)
