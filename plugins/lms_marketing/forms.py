"""Forms of the marketing plugin: catalogue items, orders, delivery profiles and workflow steps."""
from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

KIND_LABELS = {
    "leaflet": _l("Leaflet"),
    "poster": _l("Poster"),
    "brochure": _l("Brochure"),
    "banner": _l("Banner"),
}
LANGUAGE_LABELS = {"ru": _l("Russian"), "en": _l("English")}


class ItemForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    format = StringField(_l("Format"), validators=[DataRequired(message=_l("Enter the format, e.g. A4.")),
                                                   Length(max=60)])
    language = SelectField(_l("Language"), choices=[SelectChoice(k, v) for k, v in LANGUAGE_LABELS.items()])
    product_line = StringField(_l("Product line"), validators=[Optional(), Length(max=120)])
    stock = IntegerField(_l("Stock"), validators=[
        Optional(),
        NumberRange(min=0, max=10_000_000, message=_l("Enter a whole number from 0."))], default=0)
    min_per_order = IntegerField(_l("Minimum per order"), default=1, validators=[
        DataRequired(message=_l("Enter a whole number from 1.")),
        NumberRange(min=1, max=1_000_000, message=_l("Enter a whole number from 1."))])
    max_per_order = IntegerField(_l("Maximum per order"), default=100, validators=[
        DataRequired(message=_l("Enter a whole number from 1.")),
        NumberRange(min=1, max=1_000_000, message=_l("Enter a whole number from 1."))])
    active = BooleanField(_l("Shown in the catalogue"), default=True)
    required_course_slug = StringField(_l("Requires a certificate for the course (slug)"),
                                       validators=[Optional(), Length(max=120)])
    required_product_line = StringField(_l("Requires a certificate for the product line"),
                                        validators=[Optional(), Length(max=120)])
    preview = FileField(_l("Preview image (PNG, JPEG, GIF or WebP)"))

    def validate_max_per_order(self, field):
        if self.min_per_order.data and field.data and field.data < self.min_per_order.data:
            raise ValidationError(_l("The maximum cannot be less than the minimum."))


class OrderForm(PortalForm):
    quantity = IntegerField(_l("Quantity"), validators=[
        DataRequired(message=_l("Enter how many copies you need.")),
        NumberRange(min=1, max=1_000_000, message=_l("Enter a whole number from 1."))])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class ProfileForm(PortalForm):
    address = TextAreaField(_l("Delivery address"), validators=[
        DataRequired(message=_l("Enter the delivery address.")), Length(max=1000)])
    contact = StringField(_l("Contact person and phone"), validators=[Optional(), Length(max=200)])


class RejectForm(PortalForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give the reason for the rejection.")), Length(max=2000)])


class ShipForm(PortalForm):
    tracking_number = StringField(_l("Tracking number"), validators=[
        DataRequired(message=_l("Enter the tracking number.")), Length(max=100)])
