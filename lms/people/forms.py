"""Forms of people management: password reset, invitations, user editing, bulk import."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from lms.forms import PortalForm


def _new_password(label=_l("New password")):
    return PasswordField(label, validators=[DataRequired(message=_l("Enter a new password.")), Length(max=1024)],
                         render_kw={"autocomplete": "new-password"})


def _confirm():
    return PasswordField(_l("Repeat the new password"),
                         validators=[DataRequired(message=_l("Repeat the new password.")),
                                     EqualTo("new_password", message=_l("The two new passwords differ."))],
                         render_kw={"autocomplete": "new-password"})


class ForgotPasswordForm(PortalForm):
    email = StringField(_l("Email"), validators=[DataRequired(message=_l("Enter your email.")), Length(max=254)],
                        render_kw={"autocomplete": "username", "inputmode": "email"})


class ResetPasswordForm(PortalForm):
    new_password = _new_password()
    confirm_password = _confirm()


class AcceptInvitationForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)])
    new_password = _new_password(_l("Password"))
    confirm_password = _confirm()


class InviteForm(PortalForm):
    email = StringField(_l("Email"), validators=[DataRequired(message=_l("Enter the email.")), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the person's name.")), Length(max=200)])


class EditUserForm(PortalForm):
    email = StringField(_l("Email"), validators=[DataRequired(message=_l("Enter the email.")), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the person's name.")), Length(max=200)])
    role = SelectField(_l("Role"))
    dealer_id = SelectField(_l("Dealer"), coerce=int, validate_choice=True)
    active = BooleanField(_l("Active"))


class ImportForm(PortalForm):
    file = FileField(_l("CSV or XLSX file"))
    apply = BooleanField(_l("Apply"))
