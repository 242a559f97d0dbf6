from flask import Blueprint

bp = Blueprint("advisor", __name__, url_prefix="/radgivare")

from web.advisor import routes  # noqa: E402,F401  (registers the views on bp)
