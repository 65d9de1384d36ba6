"""Sign-in and password-change forms."""
from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(PortalForm):
    email = StringField(
        _l("Email"),
        validators=[DataRequired(message=_l("Enter your email.")), Length(max=254)],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me"))


class PasswordChangeForm(PortalForm):
    """The length rule is the service's (``set_password``), so that every way in applies it."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a new password.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=_l("Repeat the new password.")),
                    EqualTo("new_password", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class TimezoneForm(PortalForm):
    """The zone dates and times are shown and typed in; choices (with "the portal's") come from the view."""

    timezone = SelectField(_l("Time zone"), validate_choice=True)
