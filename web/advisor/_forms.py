"""The advisor's forms: login, companies, workshops and linking an online assessment."""

from __future__ import annotations

from datetime import datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from web.platform.text import clean_line, strip_control
from web.storage.models import DECISION_REASON_MAX, LOCAL_TIME

NEW_COMPANY = "new"


def _lazy_choice(value: str, label: LazyString) -> SelectChoice:
    """A choice whose label is translated when the page is drawn. WTForms types a label
    as str only; a lazy string renders as the str it stands for."""
    return SelectChoice(value, label)  # type: ignore[arg-type]


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
        # No Optional(): it would end the checks on an empty field, and with them
        # validate_new_company, which refuses a new company without a name.
        validators=[Length(max=200, message=_l("At most 200 characters, please."))],
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
            _lazy_choice("immediate", _l("As soon as they have answered")),
            _lazy_choice("on_reveal", _l("When I show the results")),
        ],
        default="immediate",
    )

    # The company's size and industry, optional: with them the team's path shows as soon
    # as someone has answered (the projector's path slide is not empty). Checked by the
    # questionnaire's own profile rules in the view; the rest of the profile is on its page.
    employees = StringField(
        _l("Number of employees"),
        filters=[clean_line],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12},
    )
    sni = SelectField(_l("Industry"), validate_choice=False)

    def set_industries(self, choices: list[tuple[str, str]]) -> None:
        given = [SelectChoice(value, text) for value, text in choices]
        self.sni.choices = [_lazy_choice("", _l("Choose …")), *given]

    def set_companies(self, companies: list[tuple[str, str]]) -> None:
        choices = [SelectChoice(public_id, name) for public_id, name in companies]
        self.company.choices = [*choices, _lazy_choice(NEW_COMPANY, _l("A new company …"))]
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


def _clean_text(value: str | None) -> str | None:
    """Free text over several lines: control characters removed, ends trimmed."""
    if value is None:
        return None
    return strip_control(value if isinstance(value, str) else str(value)).strip()


class DecisionForm(FlaskForm):
    """What the company went on to do: an offering, and why if the advisor wants to say."""

    # Which of the company's self-assessments the decision is about (its assessment key);
    # empty on a workshop's page, where the decision is the team's.
    target = HiddenField()
    offering = SelectField(
        _l("What did the company go on to do?"), validate_choice=False, filters=[clean_line]
    )
    reason = TextAreaField(
        _l("Why (optional)"),
        filters=[_clean_text],
        validators=[
            Optional(),
            Length(
                max=DECISION_REASON_MAX,
                message=_l("At most %(max)d characters, please.", max=DECISION_REASON_MAX),
            ),
        ],
        render_kw={"maxlength": DECISION_REASON_MAX, "rows": 2},
    )

    offering_ids: frozenset[str] = frozenset()

    def set_offerings(self, offerings: list[tuple[str, str]]) -> None:
        self.offering.choices = [SelectChoice(o, name) for o, name in offerings]
        self.offering_ids = frozenset(o for o, _ in offerings)

    def validate_offering(self, field: SelectField) -> None:
        if not isinstance(field.data, str) or field.data not in self.offering_ids:
            raise ValidationError(_l("Choose one of the offerings."))
