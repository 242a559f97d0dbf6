"""This database's identity: the id a trained model records, so that it is used only here.

Migration 0011 makes the one row. A database without it (its tables emptied by hand)
gets one when a model is trained (:func:`ensure`); until then no model is used on it.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, scoped_session

from web.platform.extensions import db
from web.storage.models import Installation, utcnow

# At most this long; an id written by an import is checked against it.
MAX_LENGTH = 64


def current(session: Session | scoped_session[Session] | None = None) -> str | None:
    """This database's installation id, or None when it has none."""
    found = (session or db.session).execute(select(Installation.installation_id).limit(1))
    return found.scalar_one_or_none()


def ensure() -> str:
    """This database's installation id, made now if it has none (the caller commits)."""
    found = current()
    if found is not None:
        return found
    row = Installation(id=1)
    db.session.add(row)
    db.session.flush()
    return row.installation_id


def replace(session: Session, installation_id: str) -> None:
    """Give the database ``installation_id`` (an import of a full export; not committed)."""
    session.execute(delete(Installation))
    session.add(Installation(id=1, installation_id=installation_id, created_at=utcnow()))
    session.flush()
