"""Form fields shared by every domain and plugin: numbers the database can hold, or a field error;
calendar days typed as Russians write them.

WTForms' IntegerField takes any size of integer and DecimalField takes NaN, Infinity and
``1e999999``: past a column's range that was a 500 from the database, and ``sNaN`` made
WTForms' own NumberRange raise. These fields refuse such values while the form is read, with
WTForms' usual (translated) messages.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField
from wtforms.fields import DateField
from wtforms.widgets import TextInput

from lms.bounds import MAX_ID, parse_int

# Far beyond any mark, percentage or price we keep, and well inside every Numeric column.
DECIMAL_LIMIT = Decimal(10) ** 12


class IdField(IntegerField):
    """A database id typed or sent in a form (1 … 2**31 - 1); anything else is a field error."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            return
        self.data = parse_int(str(valuelist[0]).strip(), 1, MAX_ID)
        if self.data is None:
            raise ValueError(self.gettext("Not a valid integer value."))


class FiniteDecimalField(DecimalField):
    """A decimal number that is finite and of a sane size; NaN, Infinity and huge exponents are field errors."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and (not self.data.is_finite() or abs(self.data) >= DECIMAL_LIMIT):
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


# 31.12.2026, 1.2.2026, 31,12,2026 (a phone's number pad), 31122026; and ISO 2026-12-31 (old links).
# Never d/m/y with slashes: an English reader would mean m/d/y.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[.,](\d{1,2})[.,](\d{4})|(\d{2})(\d{2})(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DAY_FORMAT = "%d.%m.%Y"
DAY_ERROR = _l("Enter the date as dd.mm.yyyy, for example 31.12.2026.")
DAY_PLACEHOLDER = _l("dd.mm.yyyy")


def parse_day(text: str) -> date | None:
    """The day typed as dd.mm.yyyy (or yyyy-mm-dd); None for anything else, 31.02 included."""
    text = (text or "").strip()
    found = _DAY_MONTH_YEAR.fullmatch(text)
    if found:
        day, month, year = (int(part) for part in found.groups() if part is not None)
    elif found := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def format_day(value: date | None) -> str:
    return value.strftime(DAY_FORMAT) if value else ""


class DayField(DateField):
    """A day in a text field, shown as dd.mm.yyyy whatever the browser's language.

    A native ``<input type="date">`` is drawn in the browser's own format, not the page's: Chromium
    with an English interface shows mm/dd/yyyy on a Russian page (issue 25), and a Russian who types
    01.02 there gets 2 January. A text field shows and takes one format for everybody.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": DAY_PLACEHOLDER, "autocomplete": "off", "maxlength": 10})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:  # what was typed comes back as typed, next to its error
            return " ".join(self.raw_data)
        return format_day(self.data)

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = parse_day(str(valuelist[0]))
        if self.data is None:
            raise ValueError(str(DAY_ERROR))
