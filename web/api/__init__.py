from flask import Blueprint

bp = Blueprint("api", __name__)

from web.api import _routes  # noqa: E402,F401  (registers the views on bp)
