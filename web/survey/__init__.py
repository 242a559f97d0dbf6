from flask import Blueprint
from werkzeug.wrappers import Response

bp = Blueprint("survey", __name__)


@bp.after_request
def keep_private_pages_private(response: Response) -> Response:
    """A private link's pages hold a company's answers: no caches, no referrer leaks."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


from web.survey import routes  # noqa: E402,F401  (registers the views on bp)
