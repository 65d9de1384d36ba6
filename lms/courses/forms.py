"""Author forms: course, section, lesson, asset upload and publishing."""
from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MESSAGE = _l("Use lower-case Latin letters, digits and dashes, e.g. storage-basics.")
LESSON_KIND_LABELS = {
    "markdown": _l("Lecture (Markdown)"),
    "pdf": _l("PDF or slides"),
    "video": _l("Video"),
    "attachment": _l("File to download"),
}


class CourseForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title.")), Length(max=200)])
    slug = StringField(_l("Address (slug)"), validators=[
        DataRequired(message=_l("Enter the address.")), Length(max=100), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20000)])
    language = SelectField(_l("Language"), choices=[SelectChoice("ru", "Русский"), SelectChoice("en", "English")])
    product_line = StringField(_l("Product line"), validators=[Optional(), Length(max=120)])
    certificate = BooleanField(_l("Issue a certificate on completion"))
    validity_months = IntegerField(_l("Certificate validity, months (0 = does not expire)"),
                                   validators=[Optional(), NumberRange(min=0, max=600)])
    targets_all = BooleanField(_l("All dealers"))
    tiers = StringField(_l("Dealer tiers (comma-separated)"), validators=[Optional(), Length(max=500)])
    regions = StringField(_l("Regions (comma-separated)"), validators=[Optional(), Length(max=2000)])
    dealers = SelectMultipleField(_l("Named dealers"), coerce=int, validate_choice=True)


class SectionForm(PortalForm):
    title = StringField(_l("Section title"), validators=[Optional(), Length(max=200)])


class LessonForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title.")), Length(max=200)])
    slug = StringField(_l("Address (slug)"), validators=[
        DataRequired(message=_l("Enter the address.")), Length(max=100), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)])
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
