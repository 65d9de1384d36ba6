"""The shared shapes of question editors: rows of a list, and the editor form's contract.

Quizzes, surveys and polls build their per-type editors from these, so a choice question's
options look and behave the same in the question bank, a survey and a poll.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtf_translations
from wtforms import Form, HiddenField, StringField
from wtforms.widgets import TextInput
from wtforms.validators import DataRequired, Length

from lms.forms import PortalForm
from lms.forms_fields import FiniteDecimalField
from lms.question_fields.lists import clean_row_ids

MAX_ROW_TEXT = 2000


class RowForm(Form):
    """One row of a list; ``id`` keeps a row's identity across edits (attempts refer to it)."""

    class Meta:
        def get_translations(self, form):
            # A row is a plain WTForms form inside a PortalForm: give it the same translated messages.
            return wtf_translations

    id = HiddenField()


class TextRowForm(RowForm):
    """A row that is one line of text: a survey option, a Likert row, an ordering item."""

    text = StringField(_l("Text"), validators=[DataRequired(message=_l("Enter the text.")),
                                               Length(max=MAX_ROW_TEXT)])


class LocalDecimalField(FiniteDecimalField):
    """A decimal number as people type it: a decimal comma and spaces between digit groups are fine
    (a text box with a decimal keypad: a number box refuses the comma Russian writes)."""

    widget = TextInput()

    def __init__(self, *args, render_kw=None, **kwargs):
        super().__init__(*args, render_kw={"inputmode": "decimal", **(render_kw or {})}, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [re.sub(r"[\s\u00a0\u202f]", "", valuelist[0]).replace(",", ".")]
        super().process_formdata(valuelist)


class EditorForm(PortalForm):
    """An editor of one question: ``load`` fills it from a stored definition, ``definition`` builds one.

    ``problems`` collects what the type's own checks refuse about the whole list (say, no correct
    option): the page shows them next to the list, in the user's language.
    """

    list_names: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []

    def load(self, definition: dict) -> None:
        raise NotImplementedError

    def definition(self) -> dict:
        raise NotImplementedError

    def row_ids(self, rows) -> list[str]:
        """The rows' ids, cleaned: a missing, malformed or repeated id gets a fresh one."""
        return clean_row_ids([entry.form.id.data for entry in rows])

    def load_rows(self, field, values: list[dict]) -> None:
        """Fill a FieldList of row forms from a list of dicts (one per row)."""
        while len(field.entries):
            field.pop_entry()
        for value in values:
            field.append_entry(SimpleNamespace(**value))
