"""Advisor decisions: what the company went on to do, recorded on the workshop's page (the
team's result) and on the company's page (each linked online self-assessment).

The forms and what is shown beside them. Both forms post to the record's own URL
(``…/<public_id>/beslut``, in workshop_views and company_views), so only an advisor who
may see the workshop or the company (or an admin) reaches them; anyone else gets 404. A
bad form (an unknown offering, too long a reason) shows the page again with the message,
in the advisor's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, url_for
from flask_babel import get_locale, gettext
from werkzeug.wrappers import Response

from web.advisor._forms import DecisionForm
from web.learning import decisions
from web.storage.access import advisor
from web.storage.content import content_for
from web.storage.models import LOCAL_TIME, Assessment, Company, Decision, Workshop
from web.workshops import service as workshops


def _language() -> str:
    return str(get_locale() or "sv")


def decision_form(
    workshop_or_assessment: Workshop | Assessment,
    existing: Decision | None,
    recommended: str | None,
    target: str = "",
    formdata: bool = False,
) -> DecisionForm:
    """The form, with the offerings by name; preselected: the decision, else the
    recommended primary step."""
    form = DecisionForm() if formdata else DecisionForm(formdata=None)
    catalogue = content_for(workshop_or_assessment).catalogue
    current = existing.offering if existing else None
    form.set_offerings(decisions.offering_choices(catalogue, _language(), current))
    if not formdata:
        form.target.data = target
        form.offering.data = existing.offering if existing else (recommended or "")
        form.reason.data = existing.reason if existing else ""
    return form


@dataclass(frozen=True)
class DecisionView:
    """One decision form on a page, with what was decided so far."""

    form: DecisionForm
    decision: Decision | None
    recommended: str | None  # the offering id the app recommended
    recommended_name: str | None
    action: str  # the form's URL
    title: str = ""  # on a company's page: which self-assessment

    @property
    def decided_on(self) -> str:
        """The Swedish date it was first recorded."""
        if self.decision is None:
            return ""
        return self.decision.decided_at.astimezone(LOCAL_TIME).date().isoformat()

    @property
    def changed_on(self) -> str:
        """The Swedish date it last changed, when that is another day."""
        if self.decision is None:
            return ""
        changed = self.decision.updated_at.astimezone(LOCAL_TIME).date().isoformat()
        return changed if changed != self.decided_on else ""

    @property
    def decided_by(self) -> str:
        user = self.decision.decided_by if self.decision else None
        return user.email if user else ""


def _name(record: Workshop | Assessment, offering: str | None) -> str | None:
    if offering is None:
        return None
    catalogue = content_for(record).catalogue
    if offering not in catalogue.by_id:
        return offering
    return catalogue.offering(offering).name.get(_language())


# ---------------------------------------------------------------- a workshop's team


def workshop_decision_view(workshop: Workshop, form: DecisionForm | None = None) -> DecisionView:
    recommended = decisions.recommended_for_workshop(workshop, content_for(workshop))
    existing = decisions.for_workshop(workshop)
    return DecisionView(
        form=form or decision_form(workshop, existing, recommended),
        decision=existing,
        recommended=recommended,
        recommended_name=_name(workshop, recommended),
        action=url_for("advisor.workshop_decision", public_id=workshop.public_id),
    )


def save_decision(
    form: DecisionForm,
    existing: Decision | None,
    recommended: str | None,
    back: str,
    **target: Any,
) -> Response:
    """Record the valid form's decision on ``target`` (a workshop or an assessment)."""
    decisions.record(
        existing,
        offering=form.offering.data or "",
        reason=form.reason.data or "",
        recommended=recommended,
        user=advisor(),
        **target,
    )
    flash(gettext("The company’s decision is saved."))
    return redirect(back)


# ---------------------------------------------------------------- a company's self-assessments


def linked(company: Company) -> list[Assessment]:
    """The company's finished online self-assessments that have a path, oldest first."""
    found = [
        a
        for a in company.assessments
        if a.completed and a.recommendation is not None and a.workshop_id is None
    ]
    return sorted(found, key=lambda a: (a.completed_at or a.created_at, a.id))


def _assessment_title(assessment: Assessment) -> str:
    finished = assessment.completed_at or assessment.created_at
    return gettext(
        "Self-assessment online, %(date)s",
        date=finished.astimezone(LOCAL_TIME).date().isoformat(),
    )


def company_decision_views(
    company: Company, failed: tuple[str, DecisionForm] | None = None
) -> list[DecisionView]:
    views = []
    for assessment in linked(company):
        key = workshops.assessment_key(assessment)
        recommended = decisions.recommended_for_assessment(assessment)
        existing = decisions.for_assessment(assessment)
        if failed is not None and failed[0] == key:
            form = failed[1]
        else:
            form = decision_form(assessment, existing, recommended, target=key)
        views.append(
            DecisionView(
                form=form,
                decision=existing,
                recommended=recommended,
                recommended_name=_name(assessment, recommended),
                action=url_for("advisor.company_decision", public_id=company.public_id),
                title=_assessment_title(assessment),
            )
        )
    return views
