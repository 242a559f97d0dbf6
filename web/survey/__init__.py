from flask import Blueprint
from werkzeug.wrappers import Response

bp = Blueprint("survey", __name__)


@bp.after_request
def keep_private_pages_private(response: Response) -> Response:
    """A private link's pages hold a company's answers: no caches (the app-wide
    Referrer-Policy "same-origin" keeps the link from other sites)."""
    response.headers["Cache-Control"] = "no-store"
    return response


from web.survey import routes  # noqa: E402,F401  (registers the views on bp)
