from flask import Blueprint

bp = Blueprint("survey", __name__)

from web.survey import routes  # noqa: E402,F401  (registers the views on bp)
