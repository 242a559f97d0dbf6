"""The advisor's forms: login, companies, workshops and linking an online assessment."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from web.models import LOCAL_TIME
from web.text import clean_line

NEW_COMPANY = "new"


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        filters=[clean_line],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


class CompanyForm(FlaskForm):
    name = StringField(
        _l("Company name"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Enter the company’s name.")),
            Length(max=200, message=_l("At most 200 characters, please.")),
        ],
        render_kw={"autocomplete": "organization", "maxlength": 200},
    )


class WorkshopForm(FlaskForm):
    company = SelectField(_l("Company"), validate_choice=True)
    new_company = StringField(
        _l("New company’s name"),
        filters=[clean_line],
        validators=[Optional(), Length(max=200, message=_l("At most 200 characters, please."))],
        render_kw={"autocomplete": "organization", "maxlength": 200},
    )
    title = StringField(
        _l("Title"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Give the workshop a title.")),
            Length(max=200, message=_l("At most 200 characters, please.")),
        ],
        render_kw={"maxlength": 200},
    )
    held_on = DateField(
        _l("Date"),
        default=lambda: datetime.now(LOCAL_TIME).date(),  # the Swedish date, not the server's
        validators=[DataRequired(_l("Enter the date as YYYY-MM-DD."))],
    )
    language = RadioField(
        _l("Language of the workshop"),
        choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")],
        default="sv",
    )
    reveal = RadioField(
        _l("When do participants see their own result?"),
        choices=[
            SelectChoice("immediate", _l("As soon as they have answered")),
            SelectChoice("on_reveal", _l("When I show the results")),
        ],
        default="immediate",
    )

    def set_companies(self, companies: list[tuple[str, str]]) -> None:
        choices = [SelectChoice(public_id, name) for public_id, name in companies]
        self.company.choices = [*choices, SelectChoice(NEW_COMPANY, _l("A new company …"))]
        if not self.company.data and not companies:
            self.company.data = NEW_COMPANY

    def validate_new_company(self, field: StringField) -> None:
        if self.company.data == NEW_COMPANY and not (field.data or "").strip():
            raise ValidationError(_l("Enter the new company’s name."))


class LinkAssessmentForm(FlaskForm):
    link = StringField(
        _l("The company’s private link"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Paste the private link the company shared with you.")),
            Length(max=500),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
