"""Question editors, one form per built-in type; a plugin type brings its own as ``form_class``.

Each form fills itself from a stored definition (``load``) and builds the definition the type's
``validate`` checks (``definition``); JSON stays in the API and the file formats.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.question_fields import EditorForm, LocalDecimalField, RowForm, TextRowForm
from lms.question_fields.forms import MAX_ROW_TEXT

TYPE_LABELS = {
    "single_choice": _l("One answer"), "multiple_choice": _l("Several answers"), "true_false": _l("True or false"),
    "short_answer": _l("Short answer"), "numerical": _l("Number"), "matching": _l("Matching"),
    "ordering": _l("Ordering"), "essay": _l("Essay"),
}
FORMAT_LABELS = {"markdown": _l("Markdown"), "moodle": _l("Moodle text"), "html": _l("Simple HTML"),
                 "plain": _l("Plain text")}
HUNDRED = Decimal(100)


def type_label(qtype) -> str:
    """A type's name for people: the built-ins' translated labels, a plugin type's ``label``."""
    name = getattr(qtype, "name", qtype)
    return str(TYPE_LABELS.get(name) or getattr(qtype, "label", None) or name)


def _percent(fraction) -> Decimal:
    return (Decimal(str(fraction)) * HUNDRED).normalize()


def _fraction(percent: Decimal) -> float:
    return float(percent / HUNDRED)


def _feedback(value: str | None) -> dict:
    return {"feedback": value.strip()} if value and value.strip() else {}


class QuestionEditorForm(EditorForm):
    """What every question has: a name, the prompt (Markdown by default) and feedback for everyone."""

    name = StringField(_l("Name in the bank"), validators=[DataRequired(message=_l("Enter the question's name.")),
                                                          Length(max=255)])
    text = TextAreaField(_l("Question text"), validators=[DataRequired(message=_l("Enter the question text.")),
                                                         Length(max=20000)])
    text_format = SelectField(_l("Text format"), default="markdown")
    general_feedback = TextAreaField(_l("Feedback shown to everyone after answering"),
                                     validators=[Optional(), Length(max=20000)])
    tags = StringField(_l("Tags, separated by commas"), validators=[Optional(), Length(max=900)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text_format.choices = [SelectChoice(k, str(v)) for k, v in FORMAT_LABELS.items()]

    def load(self, definition: dict) -> None:
        """Built-ins without answers to edit (a plugin form overrides this)."""

    def definition(self) -> dict:
        return {}


# --- choice -------------------------------------------------------------------------------------


class ChoiceRowForm(TextRowForm):
    correct = BooleanField(_l("Correct"))
    grade = LocalDecimalField(_l("Partial credit, %"), validators=[Optional(), NumberRange(-100, 100)])
    feedback = StringField(_l("Feedback for this answer"), validators=[Optional(), Length(max=MAX_ROW_TEXT)])


class SingleChoiceForm(QuestionEditorForm):
    """Options; the correct one is ticked, others may earn partial credit."""

    list_names = ("options",)
    options = FieldList(FormField(ChoiceRowForm), label=_l("Options"), min_entries=2, max_entries=50)
    shuffle = BooleanField(_l("Shuffle the options"), default=True)
    multiple = False

    def load(self, definition):
        options = definition.get("options") or []
        positive = [o for o in options if Decimal(str(o["fraction"])) > 0]
        share = _percent(1 / Decimal(len(positive))) if positive else None
        rows = []
        for o in options:
            percent = _percent(o["fraction"])
            correct = percent == 100 or (self.multiple and percent > 0)
            derived = percent in (0, 100) or (self.multiple and percent == share)
            rows.append({"id": o["id"], "text": o["text"], "correct": correct,
                         "grade": None if derived else percent, "feedback": o.get("feedback") or ""})
        self.load_rows(self.options, rows)
        self.shuffle.data = definition.get("shuffle", True)

    def definition(self):
        rows = [entry.form for entry in self.options]
        ids = self.row_ids(self.options)
        correct = [row for row in rows if row.correct.data and row.grade.data is None]
        out = []
        for item_id, row in zip(ids, rows):
            if row.grade.data is not None:
                fraction = _fraction(row.grade.data)
            elif row.correct.data:
                fraction = 1.0 if not self.multiple else round(1 / len(correct), 7)
            else:
                fraction = 0.0
            out.append({"id": item_id, "text": row.text.data.strip(), "fraction": fraction,
                        **_feedback(row.feedback.data)})
        return {"options": out, "shuffle": bool(self.shuffle.data)}


class MultipleChoiceForm(SingleChoiceForm):
    """Several correct options share 100% unless given their own credit; wrong ones may take some away."""

    multiple = True


class TrueFalseForm(QuestionEditorForm):
    correct = RadioField(_l("The statement is"),
                         choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
                         validators=[InputRequired(message=_l("Choose whether the statement is true."))])
    feedback_true = StringField(_l("Feedback for «True»"), validators=[Optional(), Length(max=MAX_ROW_TEXT)])
    feedback_false = StringField(_l("Feedback for «False»"), validators=[Optional(), Length(max=MAX_ROW_TEXT)])

    def load(self, definition):
        self.correct.data = "true" if definition.get("correct") else "false"
        self.feedback_true.data = definition.get("feedback_true") or ""
        self.feedback_false.data = definition.get("feedback_false") or ""

    def definition(self):
        out = {"correct": self.correct.data == "true"}
        for key in ("feedback_true", "feedback_false"):
            if (getattr(self, key).data or "").strip():
                out[key] = getattr(self, key).data.strip()
        return out


# --- typed answers ------------------------------------------------------------------------------


class TextAnswerRowForm(TextRowForm):
    grade = LocalDecimalField(_l("Credit, %"), default=100,
                               validators=[InputRequired(message=_l("Enter the credit, from 0 to 100.")),
                                           NumberRange(0, 100)])
    feedback = StringField(_l("Feedback for this answer"), validators=[Optional(), Length(max=MAX_ROW_TEXT)])


class ShortAnswerForm(QuestionEditorForm):
    """Accepted answers (``*`` matches anything), each with its credit."""

    list_names = ("answers",)
    answers = FieldList(FormField(TextAnswerRowForm), label=_l("Accepted answers"), min_entries=1, max_entries=50)
    case_sensitive = BooleanField(_l("Letter case matters"))

    def load(self, definition):
        self.load_rows(self.answers, [{"id": "", "text": a["text"], "grade": _percent(a["fraction"]),
                                       "feedback": a.get("feedback") or ""} for a in definition.get("answers") or []])
        self.case_sensitive.data = bool(definition.get("case_sensitive"))

    def definition(self):
        answers = [{"text": row.form.text.data.strip(), "fraction": _fraction(row.form.grade.data),
                    **_feedback(row.form.feedback.data)} for row in self.answers]
        return {"answers": answers, **({"case_sensitive": True} if self.case_sensitive.data else {})}


class NumberAnswerRowForm(RowForm):
    value = LocalDecimalField(_l("Answer"), validators=[InputRequired(message=_l("Enter a number."))])
    tolerance = LocalDecimalField(_l("Tolerance ±"), default=0, validators=[Optional(), NumberRange(0)])
    grade = LocalDecimalField(_l("Credit, %"), default=100,
                               validators=[InputRequired(message=_l("Enter the credit, from 0 to 100.")),
                                           NumberRange(0, 100)])
    feedback = StringField(_l("Feedback for this answer"), validators=[Optional(), Length(max=MAX_ROW_TEXT)])


class NumericalForm(QuestionEditorForm):
    """Accepted numbers, each with a tolerance and a credit."""

    list_names = ("answers",)
    answers = FieldList(FormField(NumberAnswerRowForm), label=_l("Accepted answers"), min_entries=1, max_entries=50)

    def load(self, definition):
        rows = [{"id": "", "value": None if a["value"] == "*" else Decimal(str(a["value"])),
                 "tolerance": Decimal(str(a.get("tolerance") or 0)), "grade": _percent(a["fraction"]),
                 "feedback": a.get("feedback") or ""} for a in definition.get("answers") or []]
        self.load_rows(self.answers, rows)

    def definition(self):
        out = []
        for row in self.answers:
            form = row.form
            number = form.value.data
            tolerance = form.tolerance.data or Decimal(0)
            out.append({"value": int(number) if number == number.to_integral_value() else float(number),
                        **({"tolerance": float(tolerance)} if tolerance else {}),
                        "fraction": _fraction(form.grade.data), **_feedback(form.feedback.data)})
        return {"answers": out}


# --- structured ---------------------------------------------------------------------------------


class PairRowForm(RowForm):
    premise = StringField(_l("Item"), validators=[DataRequired(message=_l("Enter the item.")),
                                                  Length(max=MAX_ROW_TEXT)])
    answer = StringField(_l("Its match"), validators=[DataRequired(message=_l("Enter its match.")),
                                                      Length(max=MAX_ROW_TEXT)])


class MatchingForm(QuestionEditorForm):
    """Pairs to match, plus wrong matches offered as distractors."""

    list_names = ("pairs", "distractors")
    pairs = FieldList(FormField(PairRowForm), label=_l("Pairs"), min_entries=2, max_entries=50)
    distractors = FieldList(FormField(TextRowForm), label=_l("Wrong matches (optional)"), min_entries=0, max_entries=50)
    shuffle = BooleanField(_l("Shuffle the items"), default=True)

    def load(self, definition):
        self.load_rows(self.pairs, [{"id": p["id"], "premise": p["premise"], "answer": p["answer"]}
                                    for p in definition.get("pairs") or []])
        self.load_rows(self.distractors, [{"id": "", "text": t} for t in definition.get("distractors") or []])
        self.shuffle.data = definition.get("shuffle", True)

    def definition(self):
        pairs = [{"id": item_id, "premise": row.form.premise.data.strip(), "answer": row.form.answer.data.strip()}
                 for item_id, row in zip(self.row_ids(self.pairs), self.pairs)]
        distractors = [row.form.text.data.strip() for row in self.distractors]
        return {"pairs": pairs, **({"distractors": distractors} if distractors else {}),
                "shuffle": bool(self.shuffle.data)}


class OrderingForm(QuestionEditorForm):
    """Items in the correct order (moved with the arrows); learners see them shuffled."""

    list_names = ("items",)
    items = FieldList(FormField(TextRowForm), label=_l("Items in the correct order"), min_entries=2, max_entries=50)
    grading = SelectField(_l("Grading"), default="adjacent_pairs", choices=[
        SelectChoice("adjacent_pairs", _l("Per pair of neighbours kept together")),
        SelectChoice("absolute_position", _l("Per item in its exact place"))])

    def load(self, definition):
        self.load_rows(self.items, [{"id": i["id"], "text": i["text"]} for i in definition.get("items") or []])
        self.grading.data = definition.get("grading") or "adjacent_pairs"

    def definition(self):
        items = [{"id": item_id, "text": row.form.text.data.strip()}
                 for item_id, row in zip(self.row_ids(self.items), self.items)]
        return {"items": items, "grading": self.grading.data}


class EssayForm(QuestionEditorForm):
    grader_info = TextAreaField(_l("Notes for the grader"), validators=[Optional(), Length(max=20000)])
    response_template = TextAreaField(_l("Answer template shown to the learner"),
                                      validators=[Optional(), Length(max=20000)])

    def load(self, definition):
        self.grader_info.data = definition.get("grader_info") or ""
        self.response_template.data = definition.get("response_template") or ""

    def definition(self):
        return {key: getattr(self, key).data.strip() for key in ("grader_info", "response_template")
                if (getattr(self, key).data or "").strip()}


BUILTIN_FORMS = {"single_choice": SingleChoiceForm, "multiple_choice": MultipleChoiceForm,
                 "true_false": TrueFalseForm, "short_answer": ShortAnswerForm, "numerical": NumericalForm,
                 "matching": MatchingForm, "ordering": OrderingForm, "essay": EssayForm}


_PLUGIN_FORMS: dict[type, type] = {}


def editor_form_class(qtype):
    """The type's editor: a built-in's, or the plugin's ``form_class`` (an ``EditorForm`` with the
    type's own fields) joined to the common ones; None when the type has no editor."""
    if qtype.name in BUILTIN_FORMS:
        return BUILTIN_FORMS[qtype.name]
    own = getattr(qtype, "form_class", None)
    if own is None:
        return None
    if own not in _PLUGIN_FORMS:
        _PLUGIN_FORMS[own] = type(f"{own.__name__}Editor", (own, QuestionEditorForm), {})
    return _PLUGIN_FORMS[own]
