"""Admin forms for users and dealers."""
from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from lms.auth.models import ROLE_LABELS


class UserForm(PortalForm):
    email = StringField(_l("Email"), validators=[DataRequired(message=_l("Enter the email.")), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the person's name.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()])
    dealer_id = SelectField(_l("Dealer"), coerce=int, validate_choice=True)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=1024)])


class DealerForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the dealer's name.")), Length(max=200)])
    tax_id = StringField(_l("Tax ID"), validators=[Optional(), Length(max=32)])
    tier = StringField(_l("Tier"), validators=[DataRequired(message=_l("Enter the tier.")), Length(max=40)])
    region = StringField(_l("Region"), validators=[DataRequired(message=_l("Enter the region.")), Length(max=120)])

