from flask import Blueprint

# A private link's pages hold a company's answers: web/platform/caching.py keeps them out of
# caches, and the app-wide Referrer-Policy "same-origin" keeps the link from other sites.
bp = Blueprint("survey", __name__)

from web.survey import _routes  # noqa: E402,F401  (registers the views on bp)
