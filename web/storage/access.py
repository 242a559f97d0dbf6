"""Who is asking: the advisor a request belongs to, as a stored user.

Flask-Login keeps the login (web.advisor.sessions checks it against the server-side
session); these give its user typed, for views and services in any feature.
"""

from __future__ import annotations

from flask_login import current_user

from web.storage.models import User


def signed_in() -> User | None:
    """The advisor this request belongs to, or None: Flask-Login's ``current_user``, typed."""
    user = current_user._get_current_object()
    return user if isinstance(user, User) else None


def advisor() -> User:
    """The advisor of a view that requires a login (``login_required``)."""
    user = signed_in()
    if user is None:
        raise RuntimeError("an advisor's view without login_required")
    return user
