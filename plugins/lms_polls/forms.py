"""The quick-poll form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

KIND_LABELS = {
    "single_choice": _l("One option"),
    "multiple_choice": _l("Several options"),
    "rating": _l("Rating 1–5"),
    "nps": _l("Would recommend (NPS 0–10)"),
    "short_text": _l("Short text"),
}


class PollForm(PortalForm):
    question = StringField(_l("Question"), validators=[DataRequired(message=_l("Enter the question.")),
                                                       Length(max=200)])
    kind = SelectField(_l("Answer type"), choices=[SelectChoice(k, label) for k, label in KIND_LABELS.items()])
    options = TextAreaField(_l("Options, one per line"), validators=[Optional(), Length(max=5000)])
    questions_json = TextAreaField(_l("Or a short survey: questions as JSON (replaces the single question)"),
                                   validators=[Optional(), Length(max=50000)])
    anonymous = BooleanField(_l("Anonymous"))
    closes_at = DateTimeLocalField(_l("Closes at"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    tiers = SelectMultipleField(_l("Dealer tiers"), validate_choice=True)
    regions = SelectMultipleField(_l("Regions"), validate_choice=True)
    dealers = SelectMultipleField(_l("Named dealers"), coerce=int, validate_choice=True)

    def set_target_choices(self, choices: dict) -> None:
        self.tiers.choices = [SelectChoice(tier, tier) for tier in choices["tier"]]
        self.regions.choices = [SelectChoice(region, region) for region in choices["region"]]
        self.dealers.choices = [SelectChoice(dealer_id, name) for dealer_id, name in choices["dealer"]]
