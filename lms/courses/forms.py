"""Author forms: course (with its exam, completion rule and certificate), section, lesson, moves,
copies, asset upload, publishing and learning paths. An address (slug) left empty is made from the title."""
from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from lms.forms_fields import IdField

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MESSAGE = _l("Use lower-case Latin letters, digits and dashes, e.g. storage-basics.")
LESSON_KIND_LABELS = {
    "markdown": _l("Lecture (Markdown)"),
    "pdf": _l("PDF or slides"),
    "video": _l("Video"),
    "attachment": _l("File to download"),
}


COMPLETION_RULE_LABELS = {
    "lessons_and_exam": _l("All required lessons and every exam passed"),
    "exam_only": _l("Every exam passed, lessons optional"),
}
SLUG_DESCRIPTION = _l("Leave empty to make it from the title.")


def slug_field(label=_l("Address (slug)")) -> StringField:
    return StringField(label, description=SLUG_DESCRIPTION, filters=[lambda value: (value or "").strip()],
                       validators=[Optional(), Length(max=100), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)])


class CourseForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title.")), Length(max=200)])
    slug = slug_field()
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20000)])
    language = SelectField(_l("Language"), choices=[SelectChoice("ru", "Русский"), SelectChoice("en", "English")])
    product_line = StringField(_l("Product line"), validators=[Optional(), Length(max=120)])
    # Several exams (an intermediate test and a final exam), each passed by its own pass mark.
    exam_ids = SelectMultipleField(_l("Exams"), coerce=int, validate_choice=True, default=[],
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    completion_rule = SelectField(_l("The course is completed when"), default="lessons_and_exam",
                                  choices=[SelectChoice(k, v) for k, v in COMPLETION_RULE_LABELS.items()])
    certificate = BooleanField(_l("Issue a certificate on completion"))
    validity_months = IntegerField(_l("Certificate validity, months (0 = does not expire)"),
                                   validators=[Optional(), NumberRange(min=0, max=600)])
    certificate_template = SelectField(_l("Certificate template"), default="")
    targets_all = BooleanField(_l("All dealers"))
    tiers = StringField(_l("Dealer tiers (comma-separated)"), validators=[Optional(), Length(max=500)])
    regions = StringField(_l("Regions (comma-separated)"), validators=[Optional(), Length(max=2000)])
    dealers = SelectMultipleField(_l("Named dealers"), coerce=int, validate_choice=True)


class SectionForm(PortalForm):
    # Its own id: the builder page also holds the course settings form, whose title is "title".
    title = StringField(_l("Section title"), id="new-section-title", validators=[
        Optional(), Length(max=200, message=_l("The section title is too long (at most 200 characters)."))])


class SectionRenameForm(PortalForm):
    title = StringField(_l("Section title"), validators=[Optional(), Length(max=200)])


class MoveForm(PortalForm):
    """Up/down buttons (no JavaScript needed); drag and drop sends the target section and position instead."""
    direction = SelectField(choices=[SelectChoice(d, d) for d in ("up", "down", "to")], default="to")
    section_id = IdField(validators=[Optional()])
    position = IntegerField(validators=[Optional(), NumberRange(min=0, max=10000)])


class CopyForm(PortalForm):
    title = StringField(_l("Title of the copy"), validators=[DataRequired(message=_l("Enter the title.")),
                                                             Length(max=200)])
    slug = slug_field()


class LessonForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title.")), Length(max=200)])
    slug = slug_field()
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in LESSON_KIND_LABELS.items()])
    section_id = SelectField(_l("Section"), coerce=int, validate_choice=True)
    required = BooleanField(_l("Required to complete the course"), default=True)
    minutes = IntegerField(_l("Estimated time, minutes"), validators=[Optional(), NumberRange(min=0, max=1000)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=200000)])
    file = FileField(_l("File (PDF, PPTX, MP4, WebM or a document)"))
    preview = FileField(_l("PDF export of the slides (optional, for PPTX)"))
    video_url = StringField(_l("Or a video address from an allowed host"), validators=[Optional(), Length(max=500)])
    attachment = FileField(_l("Add a file to download"))


class AssetForm(PortalForm):
    file = FileField(_l("File"))


class PublishForm(PortalForm):
    requires_recertification = BooleanField(_l("This version requires recertification"))


class PathForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title.")), Length(max=200)])
    slug = slug_field()
    targets_all = BooleanField(_l("All dealers"))
    tiers = StringField(_l("Dealer tiers (comma-separated)"), validators=[Optional(), Length(max=500)])
    regions = StringField(_l("Regions (comma-separated)"), validators=[Optional(), Length(max=2000)])
    certificate = BooleanField(_l("Issue a certificate for the whole path"))
    validity_months = IntegerField(_l("Certificate validity, months (0 = does not expire)"),
                                   validators=[Optional(), NumberRange(min=0, max=600)])


class PathCourseForm(PortalForm):
    course_id = SelectField(_l("Course"), coerce=int, validate_choice=True)
