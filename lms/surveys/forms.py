"""Manager forms of the survey editor; questions are edited one by one with lms.question_fields forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from lms.admin.forms import ROLE_LABELS
from lms.auth.models import tier_label

class SurveyForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    anonymous = BooleanField(_l("Anonymous: answers are not linked to people"))
    opens_at = DateTimeLocalField(_l("Opens at"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes at"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    tiers = SelectMultipleField(_l("Dealer tiers"), validate_choice=True)
    regions = SelectMultipleField(_l("Regions"), validate_choice=True)
    dealers = SelectMultipleField(_l("Named dealers"), coerce=int, validate_choice=True)
    roles = SelectMultipleField(_l("Roles"), validate_choice=True,
                                choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()])
    course_id = SelectField(_l("Feedback survey of the course"), coerce=int, default=0)

    def set_target_choices(self, choices: dict) -> None:
        """Fill the targeting lists from the dealers that exist."""
        self.tiers.choices = [SelectChoice(tier, tier_label(tier)) for tier in choices["tier"]]
        self.regions.choices = [SelectChoice(region, region) for region in choices["region"]]
        self.dealers.choices = [SelectChoice(dealer_id, name) for dealer_id, name in choices["dealer"]]

    def set_course_choices(self, courses: list[tuple[int, str]]) -> None:
        """The courses a feedback survey may belong to, by title (no id is typed)."""
        self.course_id.choices = [SelectChoice(0, str(_l("— none —")))] + [
            SelectChoice(course_id, title) for course_id, title in courses]
