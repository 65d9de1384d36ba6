"""The survey question kinds as field types: surveys (lms.surveys) and polls (lms_polls) edit with these.

Each form builds the plain definition ``lms.surveys.questions.validate_definition`` checks; choice
options are the same rows (``TextRowForm``) and the same row editor a quiz's options use.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.question_fields.forms import EditorForm, LocalDecimalField, TextRowForm
from lms.question_fields.lists import clean_row_ids
from lms.question_fields.registry import FieldType, FieldTypeRegistry

MAX_OPTION_VALUE = 200


class SurveyFieldForm(EditorForm):
    """What every survey or poll question has: a title, a hint, whether it must be answered, and
    (surveys only) a condition on an earlier question's answer."""

    title = StringField(_l("Question"), validators=[DataRequired(message=_l("Enter the question.")),
                                                    Length(max=500)])
    description = TextAreaField(_l("Hint under the question"), validators=[Optional(), Length(max=2000)])
    required = BooleanField(_l("An answer is required"))
    show_if_question = SelectField(_l("Show only when the answer to"), default="", validate_choice=False)
    show_if_value = StringField(_l("is (several answers: separate with commas)"),
                                validators=[Optional(), Length(max=500)])

    def set_earlier_questions(self, questions: list[dict]) -> None:
        """The questions a condition may refer to: the earlier ones (conditions look back only)."""
        self.show_if_question.choices = [SelectChoice("", str(_l("— always show —")))] + [
            SelectChoice(q["key"], q["title"]) for q in questions if q["kind"] not in ("likert", "long_text")]

    def load(self, definition: dict) -> None:
        self.title.data = definition.get("title", "")
        self.description.data = definition.get("description", "")
        self.required.data = bool(definition.get("required"))
        condition = definition.get("show_if") or {}
        self.show_if_question.data = condition.get("question", "")
        values = [condition["equals"]] if "equals" in condition else condition.get("in", [])
        self.show_if_value.data = ", ".join(str(v) for v in values)
        self.load_kind(definition)

    def definition(self) -> dict:
        out = {"title": self.title.data.strip(), "required": bool(self.required.data)}
        if (self.description.data or "").strip():
            out["description"] = self.description.data.strip()
        target = self.show_if_question.data
        values = [v.strip() for v in (self.show_if_value.data or "").split(",") if v.strip()]
        if target and values:
            out["show_if"] = {"question": target, **({"equals": values[0]} if len(values) == 1 else {"in": values})}
        return {**out, **self.kind_definition()}

    def load_kind(self, definition: dict) -> None:
        """Kinds without settings of their own."""

    def kind_definition(self) -> dict:
        return {}


def option_values(rows) -> list[str]:
    """Each option's stored value (kept on edit, so answers still match), or its label for a new one."""
    seen, out = set(), []
    for row in rows:
        value = (row.form.id.data or "").strip()[:MAX_OPTION_VALUE] or row.form.text.data.strip()[:MAX_OPTION_VALUE]
        while value in seen:
            value += "*"
        seen.add(value)
        out.append(value)
    return out


class ChoiceFieldForm(SurveyFieldForm):
    list_names = ("options",)
    options = FieldList(FormField(TextRowForm), label=_l("Options"), min_entries=2, max_entries=50)

    def load_kind(self, definition):
        options = [o if isinstance(o, dict) else {"value": o, "label": o} for o in definition.get("options") or []]
        self.load_rows(self.options, [{"id": o["value"], "text": o["label"]} for o in options])

    def kind_definition(self):
        return {"options": [{"value": value, "label": row.form.text.data.strip()}
                            for value, row in zip(option_values(self.options), self.options)]}


class MultipleChoiceFieldForm(ChoiceFieldForm):
    min_choices = IntegerField(_l("At least this many"), default=0, validators=[Optional(), NumberRange(0, 50)])
    max_choices = IntegerField(_l("At most this many (empty: any)"), validators=[Optional(), NumberRange(1, 50)])

    def load_kind(self, definition):
        super().load_kind(definition)
        self.min_choices.data = definition.get("min_choices", 0)
        self.max_choices.data = definition.get("max_choices")

    def kind_definition(self):
        out = super().kind_definition()
        if self.min_choices.data:
            out["min_choices"] = self.min_choices.data
        if self.max_choices.data:
            out["max_choices"] = self.max_choices.data
        return out


class LikertFieldForm(SurveyFieldForm):
    list_names = ("rows", "scale")
    rows = FieldList(FormField(TextRowForm), label=_l("Statements"), min_entries=1, max_entries=50)
    scale = FieldList(FormField(TextRowForm), label=_l("Scale points"), min_entries=2, max_entries=11)

    def load_kind(self, definition):
        self.load_rows(self.rows, [{"id": r["key"], "text": r["label"]} for r in definition.get("rows") or []])
        self.load_rows(self.scale, [{"id": "", "text": label} for label in definition.get("scale") or []])

    def kind_definition(self):
        keys = clean_row_ids([row.form.id.data for row in self.rows])
        return {"rows": [{"key": key, "label": row.form.text.data.strip()} for key, row in zip(keys, self.rows)],
                "scale": [row.form.text.data.strip() for row in self.scale]}


class TextFieldForm(SurveyFieldForm):
    max_length = IntegerField(_l("Longest answer, characters (empty: the usual limit)"),
                              validators=[Optional(), NumberRange(1, 20000)])

    def load_kind(self, definition):
        self.max_length.data = definition.get("max_length")

    def kind_definition(self):
        return {"max_length": self.max_length.data} if self.max_length.data else {}


class NumberFieldForm(SurveyFieldForm):
    integer = BooleanField(_l("Whole numbers only"))
    min = LocalDecimalField(_l("Smallest allowed"), validators=[Optional()])
    max = LocalDecimalField(_l("Largest allowed"), validators=[Optional()])

    def load_kind(self, definition):
        self.integer.data = bool(definition.get("integer"))
        self.min.data, self.max.data = definition.get("min"), definition.get("max")

    def kind_definition(self):
        def plain(number):
            return None if number is None else (int(number) if number == number.to_integral_value() else float(number))

        out = {"integer": bool(self.integer.data)}
        for key in ("min", "max"):
            if getattr(self, key).data is not None:
                out[key] = plain(getattr(self, key).data)
        return out


_EDITORS = "question_fields/"
SURVEY_FIELD_TYPES = FieldTypeRegistry([
    FieldType("single_choice", _l("One option"), ChoiceFieldForm, _EDITORS + "choice.html"),
    FieldType("multiple_choice", _l("Several options"), MultipleChoiceFieldForm, _EDITORS + "choice.html"),
    FieldType("rating", _l("Rating 1–5"), SurveyFieldForm, _EDITORS + "plain.html"),
    FieldType("nps", _l("Would recommend (NPS 0–10)"), SurveyFieldForm, _EDITORS + "plain.html"),
    FieldType("likert", _l("Likert matrix"), LikertFieldForm, _EDITORS + "likert.html"),
    FieldType("short_text", _l("Short text"), TextFieldForm, _EDITORS + "text.html"),
    FieldType("long_text", _l("Long text"), TextFieldForm, _EDITORS + "text.html"),
    FieldType("number", _l("Number"), NumberFieldForm, _EDITORS + "number.html"),
])
