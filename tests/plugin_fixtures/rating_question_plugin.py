"""A third-party question type with its own editor form (issue 19): "a number from a scale".

It uses only the public surface: ``lms.hookimpl``, ``lms.question_fields.EditorForm`` and the type
protocol of docs/hooks.md. The learner sees it through the attempt page's default text field.
"""
from decimal import Decimal

from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from lms import hookimpl
from lms.question_fields import EditorForm


class ScaleForm(EditorForm):
    """The type's own fields; the core adds the name, the text and the feedback."""

    low = IntegerField("Lowest point", default=1, validators=[InputRequired(), NumberRange(0, 10)])
    high = IntegerField("Highest point", default=5, validators=[InputRequired(), NumberRange(1, 100)])
    right = IntegerField("Right point", validators=[InputRequired(), NumberRange(0, 100)])

    def load(self, definition):
        self.low.data, self.high.data, self.right.data = definition["low"], definition["high"], definition["right"]

    def definition(self):
        return {"low": self.low.data, "high": self.high.data, "right": self.right.data}


class ScaleType:
    name = "scale_point"
    label = "Scale point"
    needs_manual_grading = False
    form_class = ScaleForm

    def validate(self, definition):
        if not isinstance(definition, dict) or set(definition) != {"low", "high", "right"}:
            return ["The definition needs low, high and right."]
        if not definition["low"] <= definition["right"] <= definition["high"]:
            return ["The right point must lie on the scale."]
        return []

    def normalize_response(self, definition, raw):
        value = raw.get("value") if isinstance(raw, dict) else raw
        return {"value": str(value or "")}

    def grade(self, definition, response):
        return Decimal(1) if (response or {}).get("value") == str(definition["right"]) else Decimal(0)

    def feedback(self, definition, response):
        return []

    def public_view(self, definition, *, shuffle_seed=None):
        return {"type": self.name}

    def summarize_response(self, definition, response):
        return [(response or {}).get("value") or ""]


@hookimpl
def lms_register_question_types():
    return [ScaleType()]
