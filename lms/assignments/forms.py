"""The assignment form (pickers with labels: nobody types an id) and the exemption form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.assignments.audience import AUDIENCE_LABELS
from lms.assignments.services import MAX_DAYS
from lms.forms import PortalForm
from lms.forms_fields import DayField

DUE_LABELS = {
    "fixed": _l("By a fixed date"),
    "after_joining": _l("Within N days of joining (or of the assignment, for people already here)"),
    "after_assignment": _l("Within N days of the assignment"),
}


class AssignmentForm(PortalForm):
    target = SelectField(_l("Course or learning path"),
                         validators=[DataRequired(message=_l("Choose a course or a learning path."))])
    audience_kind = RadioField(_l("Who"), choices=[SelectChoice(kind, label) for kind, label in AUDIENCE_LABELS.items()], default="all",
                               validators=[DataRequired(message=_l("Choose who the assignment is for."))])
    tiers = SelectMultipleField(_l("Tiers"), validate_choice=True)
    regions = SelectMultipleField(_l("Regions"), validate_choice=True)
    dealers = SelectMultipleField(_l("Dealers"), coerce=int, validate_choice=True)
    roles = SelectMultipleField(_l("Roles"), validate_choice=True)
    people = SelectMultipleField(_l("People"), coerce=int, validate_choice=True)
    due_kind = RadioField(_l("Due"), choices=[SelectChoice(kind, label) for kind, label in DUE_LABELS.items()], default="after_assignment",
                          validators=[DataRequired(message=_l("Choose how the due date is set."))])
    due_on = DayField(_l("Due date"), validators=[Optional()])
    due_days = IntegerField(_l("Days"), default=30,
                            validators=[Optional(), NumberRange(min=1, max=MAX_DAYS)])
    renew = BooleanField(_l("Recurring: renew before the certificate expires"))
    renew_days_before = IntegerField(_l("Re-open this many days before the certificate expires"), default=30,
                                     validators=[Optional(), NumberRange(min=1, max=MAX_DAYS)])

    AUDIENCE_FIELDS = {"tier": "tiers", "region": "regions", "dealers": "dealers", "roles": "roles",
                       "people": "people"}

    def audience_values(self) -> tuple:
        field = self.AUDIENCE_FIELDS.get(self.audience_kind.data)
        return tuple(getattr(self, field).data or ()) if field else ()

    def validate(self, extra_validators=None) -> bool:
        """The fields the chosen kinds need, each with its message next to it."""
        valid = super().validate(extra_validators)
        field = self.AUDIENCE_FIELDS.get(self.audience_kind.data)
        if field and not getattr(self, field).data and not getattr(self, field).errors:
            getattr(self, field).errors = [_l("Choose at least one.")]
            valid = False
        if self.due_kind.data == "fixed" and self.due_on.data is None and not self.due_on.errors:
            self.due_on.errors = [_l("Enter the due date.")]
            valid = False
        if self.due_kind.data in ("after_joining", "after_assignment") and self.due_days.data is None \
                and not self.due_days.errors:
            self.due_days.errors = [_l("Enter the number of days.")]
            valid = False
        if self.renew.data:
            if not str(self.target.data or "").startswith("course:"):
                self.renew.errors = [_l("Only a course with a certificate can be renewed.")]
                valid = False
            elif self.renew_days_before.data is None and not self.renew_days_before.errors:
                self.renew_days_before.errors = [_l("Enter the number of days.")]
                valid = False
        return valid


class ExemptForm(PortalForm):
    reason = StringField(_l("Reason for the exemption"),
                         validators=[DataRequired(message=_l("Give the reason for the exemption.")), Length(max=500)])
