"""An advisor sees only their own workshops and companies (an admin sees all).

Every advisor view finds its workshop or company here: another advisor's is answered
404, exactly as one that does not exist.
"""

from __future__ import annotations

from flask import abort

from web.storage.access import advisor
from web.storage.models import Company, Workshop
from web.workshops import service as workshops


def workshop_or_404(public_id: str) -> Workshop:
    workshop = workshops.workshop_for(advisor(), public_id)
    if workshop is None:
        abort(404)
    return workshop


def company_or_404(public_id: str) -> Company:
    company = workshops.company_for(advisor(), public_id)
    if company is None:
        abort(404)
    return company
