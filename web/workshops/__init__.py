from flask import Blueprint

bp = Blueprint("workshop", __name__)

from web.workshops import _routes  # noqa: E402,F401  (registers the views on bp)
