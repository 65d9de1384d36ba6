"""The quick-poll form: the poll's settings joined to one question editor of the shared field system."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.auth.models import tier_label
from lms.question_fields import EditorForm

_JOINED: dict[type, type] = {}


class PollSettingsForm(EditorForm):
    """Who is asked and until when; the question's own fields come from its field type's form."""

    anonymous = BooleanField(_l("Anonymous"))
    closes_at = DateTimeLocalField(_l("Closes at"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    tiers = SelectMultipleField(_l("Dealer tiers"), validate_choice=True)
    regions = SelectMultipleField(_l("Regions"), validate_choice=True)
    dealers = SelectMultipleField(_l("Named dealers"), coerce=int, validate_choice=True)

    def set_target_choices(self, choices: dict) -> None:
        self.tiers.choices = [SelectChoice(tier, tier_label(tier)) for tier in choices["tier"]]
        self.regions.choices = [SelectChoice(region, region) for region in choices["region"]]
        self.dealers.choices = [SelectChoice(dealer_id, name) for dealer_id, name in choices["dealer"]]


def poll_form_class(field_type) -> type:
    """The poll form for one kind of question: the kind's editor plus the poll's settings."""
    if field_type.form_class not in _JOINED:
        _JOINED[field_type.form_class] = type(f"Poll{field_type.form_class.__name__}",
                                              (field_type.form_class, PollSettingsForm), {})
    return _JOINED[field_type.form_class]
