"""Field types: a name, a translated label, an editor form and the templates that edit and show it."""
from __future__ import annotations

from dataclasses import dataclass


class DuplicateFieldType(RuntimeError):
    """Two field types share a name."""


@dataclass(frozen=True)
class FieldType:
    """One kind of question: ``form_class`` edits it (an ``EditorForm``); ``editor_template`` lays out
    that form's own fields; ``learner_template`` shows the question as a respondent sees it."""

    name: str
    label: object  # a lazy translated string
    form_class: type
    editor_template: str
    learner_template: str = ""


class FieldTypeRegistry:
    """Name → FieldType, in registration order (the order the type pickers list them)."""

    def __init__(self, types=()):
        self._types: dict[str, FieldType] = {}
        for field_type in types:
            self.register(field_type)

    def register(self, field_type: FieldType) -> None:
        if field_type.name in self._types:
            raise DuplicateFieldType(f"field type {field_type.name!r} is registered twice")
        self._types[field_type.name] = field_type

    def get(self, name: str) -> FieldType:
        try:
            return self._types[name]
        except KeyError:
            raise KeyError(f"unknown field type {name!r}") from None

    def __contains__(self, name) -> bool:
        return name in self._types

    def __iter__(self):
        return iter(self._types.values())

    def choices(self) -> list[tuple[str, str]]:
        """(name, translated label) pairs for a type picker."""
        return [(t.name, str(t.label)) for t in self._types.values()]
