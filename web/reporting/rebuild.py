"""The read model (``result_summaries``) made anew from the records: ``flask summaries
rebuild``. Every row is written by the same code the app writes it with as it goes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from web.platform.extensions import db
from web.storage import summaries
from web.storage.content import content_for
from web.storage.models import Assessment, ResultSummary, Workshop
from web.workshops import service as workshops


def rebuild() -> int:
    """Recreate every row from the records; returns how many there are now."""
    db.session.execute(delete(ResultSummary))
    online = select(Assessment).where(
        Assessment.workshop_id.is_(None), Assessment.status == "completed"
    )
    rows: list[dict[str, Any]] = []
    for assessment in db.session.execute(online.execution_options(yield_per=1000)).scalars():
        values = summaries.assessment_values(assessment, content_for(assessment))
        if values is not None:
            rows.append({"assessment_id": assessment.id, "workshop_id": None, **values})
    for workshop in db.session.execute(
        select(Workshop).where(Workshop.status == "closed")
    ).scalars():
        values = workshops.summary_values(workshop, content_for(workshop))
        if values is not None:
            rows.append({"assessment_id": None, "workshop_id": workshop.id, **values})
    if rows:
        db.session.execute(ResultSummary.__table__.insert(), rows)
    summaries.copy_all_decisions()
    return len(rows)
