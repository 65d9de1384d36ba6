"""Author forms: quiz settings, categories, GIFT upload, picking questions, essay grading (editors: editors.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.forms_fields import FiniteDecimalField

GRADING_LABELS = {"highest": _l("Highest grade"), "last": _l("Last attempt"), "first": _l("First attempt"),
                  "average": _l("Average grade")}
REVIEW_LABELS = {"score_only": _l("Score only"), "with_answers": _l("Score, correct answers and feedback"),
                 "answers_after_close": _l("Correct answers only after the quiz closes"),
                 "answers_after_pass": _l("Correct answers only after a pass")}


class QuizForm(PortalForm):
    # Opening and closing times are typed in the author's time zone (views convert to UTC).
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    published = BooleanField(_l("Published (learners can take it)"))
    shuffle_questions = BooleanField(_l("Shuffle questions"))
    shuffle_options = BooleanField(_l("Shuffle answer options"), default=True)
    time_limit_minutes = IntegerField(_l("Time limit, minutes (0: none)"), default=0, validators=[NumberRange(0, 10000)])
    attempts_allowed = IntegerField(_l("Attempts allowed (0: unlimited)"), default=0, validators=[NumberRange(0, 1000)])
    cooldown_minutes = IntegerField(_l("Pause between attempts, minutes"), default=0, validators=[NumberRange(0, 100000)])
    pass_percent = FiniteDecimalField(_l("Pass mark, %"), default=70, places=2, validators=[InputRequired(), NumberRange(0, 100)])
    grading_method = SelectField(_l("Grading method"), default="highest")
    open_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    close_at = DateTimeLocalField(_l("Closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    review = SelectField(_l("After submitting, learners see"), default="with_answers")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grading_method.choices = [SelectChoice(k, str(v)) for k, v in GRADING_LABELS.items()]
        self.review.choices = [SelectChoice(k, str(v)) for k, v in REVIEW_LABELS.items()]


class DrawForm(PortalForm):
    """One "N random questions from category X" draw of a quiz; a quiz may hold several."""

    category_id = SelectField(_l("Category"), coerce=int, validate_choice=True)
    count = IntegerField(_l("Number of questions"), default=1,
                         validators=[InputRequired(message=_l("Enter how many questions to draw.")), NumberRange(1, 500)])
    mark = FiniteDecimalField(_l("Mark for each"), default=1, places=2,
                              validators=[InputRequired(), NumberRange(0.01, 1000)])

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [SelectChoice(c.id, path) for c, _depth, path in categories]


class CategoryForm(PortalForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    parent_id = SelectField(_l("Inside"), coerce=int, validators=[Optional()])

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(c.id, "  " * depth + c.name) for c, depth, _path in categories]


class GiftUploadForm(PortalForm):
    file = FileField(_l("GIFT file"), validators=[FileRequired()])


class AddQuestionsForm(PortalForm):
    """Questions ticked in the bank search results; their ids come from the page, never typed."""

    question_ids = SelectMultipleField(_l("Questions"), validate_choice=False)
    max_mark = FiniteDecimalField(_l("Mark"), default=1, places=2, validators=[InputRequired(), NumberRange(0.01, 1000)])


class QuizAuthorForm(PortalForm):
    author_id = SelectField(_l("Author who sees the attempts"), coerce=int)

    def __init__(self, *args, authors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.author_id.choices = [SelectChoice(0, str(_l("Nobody: managers and administrators only")))] + [
            SelectChoice(user_id, label) for user_id, label in authors]


class GradeForm(PortalForm):
    mark = FiniteDecimalField(_l("Mark"), places=2, validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=10000)])
