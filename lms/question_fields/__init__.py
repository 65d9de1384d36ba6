"""One question-field system for quizzes, surveys and polls (issue 19).

Like Indico's ``fields/`` shared by its surveys and registration forms: a field type is a name,
a translated label, an editor form (``EditorForm``: ``load(definition)`` / ``definition()``) and
templates. Lists of rows (options, pairs, items) are added, removed and moved by submit buttons
(``apply_list_action``), so every editor works without JavaScript; ``question_fields.js`` only
makes it quicker. Plugins use this package through docs/plugins.md.
"""
from lms.question_fields.forms import EditorForm, LocalDecimalField, RowForm, TextRowForm
from lms.question_fields.lists import (ACTION_FIELD, MAX_ROWS, apply_list_action, clean_row_ids, moved_or_removed,
                                       new_row_id)
from lms.question_fields.registry import DuplicateFieldType, FieldType, FieldTypeRegistry

__all__ = ["ACTION_FIELD", "MAX_ROWS", "DuplicateFieldType", "EditorForm", "FieldType", "FieldTypeRegistry", "LocalDecimalField",
           "RowForm", "TextRowForm", "apply_list_action", "clean_row_ids", "moved_or_removed", "new_row_id"]
