"""The author's choices for a SCORM lesson: what completes it and what a finished attempt allows."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from lms.forms import PortalForm


class ScormSettingsForm(PortalForm):
    complete_on = SelectField(_l("The lesson is completed when the learner"), choices=[
        SelectChoice("completed", _l("completes the module")),
        SelectChoice("passed", _l("passes the module")),
        SelectChoice("score", _l("reaches a minimum score"))])
    min_score = IntegerField(_l("Minimum score, %"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Enter a score from 0 to 100."))])
    attempts = SelectField(_l("After the module is finished"), choices=[
        SelectChoice("review", _l("the learner may review it (the result is kept)")),
        SelectChoice("new", _l("opening it again starts a new attempt"))])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.complete_on.data == "score" and self.min_score.data is None:
            self.min_score.errors.append(_l("Enter the minimum score."))
            return False
        return True
