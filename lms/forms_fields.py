"""Form fields shared by every domain and plugin: numbers the database can hold, or a field error.

WTForms' IntegerField takes any size of integer and DecimalField takes NaN, Infinity and
``1e999999``: past a column's range that was a 500 from the database, and ``sNaN`` made
WTForms' own NumberRange raise. These fields refuse such values while the form is read, with
WTForms' usual (translated) messages.
"""
from __future__ import annotations

from decimal import Decimal

from wtforms import DecimalField, IntegerField

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
