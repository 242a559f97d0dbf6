"""The advisor's companies: their workshops, the online assessments they shared, progress."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from web.advisor._access import company_or_404
from web.advisor._decision_forms import (
    company_decision_views,
    decision_form,
    linked,
    save_decision,
)
from web.advisor._forms import ActionForm, CompanyForm, DecisionForm, LinkAssessmentForm
from web.assessments import service as assessments
from web.learning import decisions
from web.platform.areas import advisor as bp
from web.platform.extensions import db
from web.storage.access import advisor
from web.storage.models import Company
from web.workshops import service as workshops


def token_from_link(link: str) -> str:
    """The assessment's token from a pasted private link (or the bare token)."""
    try:
        path = urlsplit(link.strip()).path.strip("/")
    except ValueError:  # not a URL at all, e.g. "http://[::1"
        return ""
    parts = path.split("/")
    if len(parts) >= 2 and parts[0] == "a":
        return parts[1]
    return parts[-1] if parts else ""


@bp.get("/foretag")
@login_required
def companies() -> str:
    listed = db.session.execute(workshops.visible_companies(advisor())).scalars().all()
    return render_template("advisor/companies.html", companies=listed, form=CompanyForm())


@bp.post("/foretag")
@login_required
def create_company() -> Response | tuple[str, int]:
    form = CompanyForm()
    if not form.validate_on_submit():
        listed = db.session.execute(workshops.visible_companies(advisor())).scalars().all()
        return render_template("advisor/companies.html", companies=listed, form=form), 422
    company = workshops.create_company(advisor(), form.name.data or "")
    return redirect(url_for("advisor.company", public_id=company.public_id))


def company_page(
    company: Company,
    link_form: LinkAssessmentForm | None = None,
    decisions: list[Any] | None = None,
) -> str:
    """The company's page; a form sent back with errors is passed in to show them."""
    return render_template(
        "advisor/company.html",
        company=company,
        measurements=workshops.measurements(company),
        link_form=link_form or LinkAssessmentForm(formdata=None),
        action=ActionForm(),
        decisions=decisions if decisions is not None else company_decision_views(company),
    )


@bp.get("/foretag/<public_id>")
@login_required
def company(public_id: str) -> str:
    return company_page(company_or_404(public_id))


@bp.post("/foretag/<public_id>/koppla")
@login_required
def link_assessment(public_id: str) -> Response | tuple[str, int]:
    """Link an online assessment whose private link the company shared."""
    company = company_or_404(public_id)
    form = LinkAssessmentForm()
    if form.validate_on_submit():
        assessment = assessments.find(token_from_link(form.link.data or ""))
        if assessment is None or assessment.workshop_id is not None:
            form.link.errors = (
                gettext("No self-assessment has that link. Check that it is complete."),
            )
        elif not assessment.completed:
            form.link.errors = (gettext("That self-assessment is not finished yet."),)
        elif assessment.company_id not in (None, company.id):
            form.link.errors = (
                gettext("That self-assessment is already linked to another company."),
            )
        elif not workshops.link_assessment(company, assessment):  # linked meanwhile
            form.link.errors = (
                gettext("That self-assessment is already linked to another company."),
            )
        else:
            flash(gettext("The self-assessment is linked to %(name)s.", name=company.name))
            return redirect(url_for("advisor.company", public_id=company.public_id))
    return company_page(company, form), 422


@bp.route("/foretag/<public_id>/radera", methods=["GET", "POST"])
@login_required
def delete_company(public_id: str) -> Response | str:
    """Delete the company and everything that belongs to it, after a confirmation."""
    company = company_or_404(public_id)
    if request.method == "POST" and ActionForm().validate_on_submit():
        name = company.name
        workshops.delete_company(company)
        flash(gettext("%(name)s and everything stored about it are deleted.", name=name))
        return redirect(url_for("advisor.companies"))
    return render_template(
        "advisor/delete_company.html",
        company=company,
        records=workshops.company_records(company),
        action=ActionForm(),
    )


@bp.post("/foretag/<public_id>/beslut")
@login_required
def company_decision(public_id: str) -> Response | tuple[str, int]:
    """Record or change what the company went on to do after a linked self-assessment."""
    company = company_or_404(public_id)
    key = DecisionForm().target.data
    assessment = next((a for a in linked(company) if workshops.assessment_key(a) == key), None)
    if assessment is None:
        abort(404)
    recommended = decisions.recommended_for_assessment(assessment)
    existing = decisions.for_assessment(assessment)
    form = decision_form(assessment, existing, recommended, formdata=True)
    if form.validate_on_submit():
        back = url_for("advisor.company", public_id=company.public_id) + "#decisions"
        return save_decision(form, existing, recommended, back, assessment=assessment)
    form.target.data = key
    return company_page(company, decisions=company_decision_views(company, (key, form))), 422
