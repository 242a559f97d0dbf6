"""Forms a workshop participant fills in: the join code, and an optional name and role."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from web.platform.text import clean_line


class CodeForm(FlaskForm):
    code = StringField(
        _l("Workshop code"),
        validators=[DataRequired(_l("Enter the code shown by your advisor.")), Length(max=20)],
        filters=[clean_line],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "class": "code-input",
        },
    )


class JoinForm(FlaskForm):
    name = StringField(
        _l("Your name (optional)"),
        validators=[Optional(), Length(max=80, message=_l("At most 80 characters, please."))],
        filters=[clean_line],
        render_kw={"autocomplete": "name", "maxlength": 80},
    )
    role = StringField(
        _l("Your role (optional), for example CEO or Production"),
        validators=[Optional(), Length(max=80, message=_l("At most 80 characters, please."))],
        filters=[clean_line],
        render_kw={"autocomplete": "organization-title", "maxlength": 80},
    )
