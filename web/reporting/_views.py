"""The program overview for administrators: what the stored results add up to, filtered,
on a page and as an anonymous CSV of the same tables (:mod:`web.reporting.overview` counts).

Advisors who are not administrators get 403: the overview covers every advisor's
companies. Bad filter values show the form again with the message, with status 400.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from recommender.peers import INDUSTRY_GROUP_IDS
from web.platform import charts
from web.platform.areas import advisor as bp
from web.platform.recent import Recent, recent
from web.reporting import export, overview
from web.reporting._forms import OverviewFilterForm, month_value
from web.storage.access import advisor
from web.storage.content import Content, content
from web.storage.models import utcnow

# The industry groups of recommender.peers, by name (SNI 2007 divisions).
INDUSTRY_GROUP_NAMES: dict[str, Any] = {
    "food": _l("Food, beverages and tobacco (SNI 10–12)"),
    "textiles": _l("Textiles, clothing and leather (SNI 13–15)"),
    "wood_paper": _l("Wood, paper and printing (SNI 16–18)"),
    "chemicals": _l("Chemicals, plastics and minerals (SNI 19–23)"),
    "metal": _l("Metals and metal products (SNI 24–25)"),
    "machinery": _l("Electronics, electrical equipment and machinery (SNI 26–28)"),
    "vehicles": _l("Vehicles and other transport equipment (SNI 29–30)"),
    "other_manufacturing": _l("Furniture, other manufacturing, repair (SNI 31–33)"),
    "industry_related": _l("Industry-related: mining, energy, water, waste, engineering"),
    "non_manufacturing": _l("Outside the target group"),
}
if set(INDUSTRY_GROUP_NAMES) != set(INDUSTRY_GROUP_IDS):
    raise RuntimeError("every industry group of recommender.peers needs a name")

KIND_NAMES = {"online": _l("Online self-assessment"), "workshop": _l("Workshop (team)")}


def _language() -> str:
    return str(get_locale() or "sv")


def _labels(c: Content, language: str) -> dict[str, dict[str | None, str]]:
    """What each table's keys are called, in ``language``; None is "not given"."""
    small = c.catalogue.company.small_max_employees
    sme = c.catalogue.company.sme_max_employees
    unknown = str(_l("Not given"))
    region = c.questionnaire.question("region")
    return {
        "region": {
            None: unknown,
            **{o.value: o.label.get(language) for o in (region.options if region else ())},
        },
        "industry_group": {None: unknown, **{k: str(v) for k, v in INDUSTRY_GROUP_NAMES.items()}},
        "size_band": {
            None: unknown,
            "small": str(_l("Small (1–%(max)d employees)", max=small)),
            "medium": str(_l("Medium (%(min)d–%(max)d employees)", min=small + 1, max=sme)),
            "large": str(_l("Large (%(min)d employees or more)", min=sme + 1)),
        },
        "kind": {k: str(v) for k, v in KIND_NAMES.items()},
        "dimension": {d.id: d.name.get(language) for d in c.questionnaire.dimensions},
        "offering": {
            None: str(_l("No recommended step")),
            **{o.id: o.name.get(language) for o in c.catalogue.offerings},
        },
    }


def _form(labels: dict[str, dict[str | None, str]]) -> OverviewFilterForm:
    form = OverviewFilterForm(formdata=request.args)
    everything = ("", str(_l("All")))
    for field, table in (
        (form.region, "region"),
        (form.industry, "industry_group"),
        (form.size, "size_band"),
        (form.kind, "kind"),
    ):
        named = [(k, v) for k, v in labels[table].items() if k is not None]
        field.choices = [everything, *named]
    return form


def _filters(form: OverviewFilterForm) -> overview.Filters:
    return overview.Filters(
        first_month=month_value(form.start.data),
        last_month=month_value(form.end.data),
        region=form.region.data or None,
        industry_group=form.industry.data or None,
        size_band=form.size.data or None,
        kind=form.kind.data or None,
        include_demo=bool(current_app.config.get("DEMO_MODE")),
    )


def _admin_only() -> None:
    if not advisor().is_admin:
        abort(403)


def _context() -> dict[str, Any]:
    """What the page needs besides the figures: the filter form (filled from the query
    string), the names of every key, whether demo data counts, the score bands."""
    _admin_only()
    c = content()
    labels = _labels(c, _language())
    return {
        "form": _form(labels),
        "labels": labels,
        "demo": bool(current_app.config.get("DEMO_MODE")),
        "bands": c.questionnaire.bands,
        "view": None,
    }


def _bad_filters(context: dict[str, Any]) -> tuple[str, int]:
    return render_template("advisor/overview.html", **context), 400


def _cache() -> Recent[overview.Overview]:
    """This app's cache of computed overviews."""
    return recent("lyftkollen.overview_cache", size=32)


@bp.get("/oversikt")
@login_required
def program_overview() -> str | tuple[str, int]:
    context = _context()
    if not context["form"].validate():
        return _bad_filters(context)
    view = overview.overview(_filters(context["form"]), context["bands"], _cache())
    chart = charts.bar_chart(view.by_month)
    return render_template("advisor/overview.html", **{**context, "view": view, "chart": chart})


@bp.get("/oversikt.csv")
@login_required
def program_overview_export() -> Response | tuple[str, int]:
    """The overview's tables for the same filters, as anonymous counts in long format;
    comma-separated, for analysts."""
    return _overview_csv(for_excel=False)


@bp.get("/oversikt-excel.csv")
@login_required
def program_overview_export_excel() -> Response | tuple[str, int]:
    """The same tables as a CSV that Swedish Excel opens right: semicolons, decimal commas."""
    return _overview_csv(for_excel=True)


def _overview_csv(for_excel: bool) -> Response | tuple[str, int]:
    context = _context()
    if not context["form"].validate():
        return _bad_filters(context)
    view = overview.overview(_filters(context["form"]), context["bands"], _cache())
    min_group = current_app.extensions["lyftkollen.anonymity"].min_group
    table = overview.csv_rows(view, context["labels"], context["bands"], min_group)
    day = utcnow().date().isoformat()
    name = f"lyftkollen-oversikt-{day}{'-excel' if for_excel else ''}.csv"
    return export.download(export.to_csv(table, for_excel), name)
