"""The programme overview's filters, from the query string."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from web.platform.text import clean_line

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


# Months the overview can be asked about: Produktionslyftet started in 2007.
FIRST_YEAR = 2000


def month_value(value: str | None) -> date | None:
    """The first day of a month given as "YYYY-MM" from FIRST_YEAR to next year; None when
    empty or not such a month."""
    if not value or not _MONTH.fullmatch(value):
        return None
    year = int(value[:4])
    if not FIRST_YEAR <= year <= date.today().year + 1:
        return None
    return date(year, int(value[5:7]), 1)


def _month(form: FlaskForm, field: StringField) -> None:
    if field.data and month_value(field.data) is None:
        raise ValidationError(_l("Enter the month as YYYY-MM, e.g. 2026-03."))


def _listed(form: FlaskForm, field: SelectField) -> None:
    if (field.data or "") not in {choice[0] for choice in field.iter_choices()}:
        raise ValidationError(_l("Choose one of the listed options."))


class OverviewFilterForm(FlaskForm):
    """The program overview's filters: a GET form, so no CSRF token; every field optional."""

    class Meta:
        csrf = False

    start = StringField(
        _l("From month"),
        filters=[clean_line],
        validators=[_month],
        render_kw={"type": "month", "placeholder": "YYYY-MM", "maxlength": 7},
    )
    end = StringField(
        _l("To month"),
        filters=[clean_line],
        validators=[_month],
        render_kw={"type": "month", "placeholder": "YYYY-MM", "maxlength": 7},
    )
    region = SelectField(_l("County"), validate_choice=False, validators=[_listed])
    industry = SelectField(_l("Industry"), validate_choice=False, validators=[_listed])
    size = SelectField(_l("Company size"), validate_choice=False, validators=[_listed])
    kind = SelectField(_l("Kind of result"), validate_choice=False, validators=[_listed])

    def validate_end(self, field: StringField) -> None:
        start, end = month_value(self.start.data), month_value(field.data)
        if start and end and end < start:
            raise ValidationError(_l("The period ends before it starts."))
