"""Question type basics: the protocol, validation helpers, response helpers and the registry.

Definitions and responses are plain dicts so they can live in JSON columns. ``public_view`` is the
only thing that may reach the browser before review: it never holds fractions, correct answers or
feedback.
"""
from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import Protocol, runtime_checkable

from ..grading import QuizInputError, as_decimal, seeded_shuffle

TEXT_FORMATS = ("moodle", "html", "markdown", "plain")
MAX_SHORT_RESPONSE = 1_000
MAX_ESSAY_RESPONSE = 100_000
ORDERING_RULES = ("adjacent_pairs", "absolute_position")


class Problem(str):
    """An English validation message that keeps its msgid and params so a view can translate it."""

    def __new__(cls, msgid: str, **params):
        self = super().__new__(cls, msgid % params if params else msgid)
        self.msgid, self.params = msgid, params
        return self


class ResponseError(QuizInputError):
    """A learner's response that does not fit the question (unknown option, not a number …)."""


class DuplicateQuestionType(RuntimeError):
    """Two plugins registered the same question type name; raised at start-up."""


@runtime_checkable
class QuestionType(Protocol):
    """What every question type (built-in or from a plugin) provides."""

    name: str
    needs_manual_grading: bool

    def validate(self, definition) -> list[str]: ...
    def normalize_response(self, definition: dict, raw) -> dict: ...
    def grade(self, definition: dict, response: dict | None) -> Decimal | None: ...
    def feedback(self, definition: dict, response: dict | None) -> list[str]: ...
    def public_view(self, definition: dict, *, shuffle_seed=None) -> dict: ...
    def summarize_response(self, definition: dict, response: dict | None) -> list[str]: ...


def new_item_id() -> str:
    """A fresh opaque id for an option the author adds in the editor."""
    return "o" + secrets.token_hex(5)


def stable_item_id(text: str, occurrence: int = 0) -> str:
    """An opaque id derived from an item's own text, so re-importing a file keeps ids stable.

    Only public text goes in, never the item's position or grade, so the id leaks nothing.
    """
    return "o" + hashlib.sha256(f"{occurrence}\x1f{text}".encode()).hexdigest()[:10]


# --- definition checks --------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and as_decimal(value).is_finite()


def _in_range(low, high):
    return lambda v: _is_number(v) and low <= as_decimal(v) <= high


_BAD_GRADE = "Answer %(n)d: the grade must be between %(low)s%% and %(high)s%%."
# kind -> (accepts value, msgid when it does not); "?" kinds may be absent.
_KINDS = {
    "text": (lambda v: isinstance(v, str) and v.strip() != "", "Answer %(n)d: the text is empty."),
    "note?": (lambda v: v is None or isinstance(v, str), "Answer %(n)d: %(field)s must be text."),
    "format?": (lambda v: v is None or v in TEXT_FORMATS, "Answer %(n)d: unknown text format in %(field)s."),
    "weight": (_in_range(-1, 1), _BAD_GRADE),
    "credit": (_in_range(0, 1), _BAD_GRADE),
    "value": (lambda v: v == "*" or _is_number(v), "Answer %(n)d: the value must be a number or *."),
    "tolerance?": (lambda v: v is None or (_is_number(v) and v >= 0),
                   "Answer %(n)d: the tolerance must be a number of zero or more."),
}
_TOP_KINDS = {
    "flag?": (lambda v: v is None or isinstance(v, bool), "%(field)s must be true or false."),
    "flag": (lambda v: isinstance(v, bool), "%(field)s must be true or false."),
    "note?": (lambda v: v is None or isinstance(v, str), "%(field)s must be text."),
    "format?": (lambda v: v is None or v in TEXT_FORMATS, "Unknown text format in %(field)s."),
    "texts?": (lambda v: v is None or (isinstance(v, list) and all(isinstance(t, str) and t.strip() for t in v)),
               "%(field)s must be a list of non-empty texts."),
    "rule?": (lambda v: v is None or v in ORDERING_RULES, "Unknown grading rule in %(field)s."),
    "list": (lambda v: isinstance(v, list), "%(field)s must be a list."),
}


def _check(definition, top_spec: dict, items_key: str, item_spec: dict, min_items: int) -> tuple[list, list]:
    """Check a definition's shape; returns (problems, the items that are objects)."""
    if not isinstance(definition, dict):
        return [Problem("The question definition must be an object.")], []
    problems = [Problem("Unknown field %(field)s.", field=key) for key in sorted(definition.keys() - top_spec.keys())]
    for field, kind in top_spec.items():
        accepts, msgid = _TOP_KINDS[kind]
        if not accepts(definition.get(field)):
            problems.append(Problem(msgid, field=field))
    items = definition.get(items_key) if items_key else None
    if not items_key or not isinstance(items, list):
        return problems, []
    if len(items) < min_items:
        problems.append(Problem("At least %(min)d answers are needed.", min=min_items))
    seen_ids, good = set(), []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.append(Problem("Answer %(n)d must be an object.", n=n))
            continue
        good.append(item)
        problems += [Problem("Answer %(n)d: unknown field %(field)s.", n=n, field=key)
                     for key in sorted(item.keys() - item_spec.keys())]
        for field, kind in item_spec.items():
            if kind == "id":
                item_id = item.get(field)
                if not isinstance(item_id, str) or not item_id or len(item_id) > 64 or item_id in seen_ids:
                    problems.append(Problem("Answer %(n)d: the id is missing or repeated.", n=n))
                seen_ids.add(item_id)
                continue
            accepts, msgid = _KINDS[kind]
            if not accepts(item.get(field)):
                low, high = ("-100", "100") if kind == "weight" else ("0", "100")
                problems.append(Problem(msgid, n=n, field=field, low=low, high=high))
    return problems, good


def _need_full_credit(items, problems, key="fraction"):
    if not any(_is_number(i.get(key)) and as_decimal(i[key]) == 1 and i.get("value") != "*" for i in items):
        problems.append(Problem("One answer must be worth 100%%."))


def _blank(raw) -> bool:
    return raw is None or raw == "" or raw == [] or raw == {}


def _unwrap(raw, key):
    """Accept either the stored response dict or the bare value a form posts."""
    return raw.get(key) if isinstance(raw, dict) else raw


def _text_response(raw, max_length: int) -> str:
    """The typed text of a response (empty when blank); refuses non-text and over-long answers."""
    text = _unwrap(raw, "text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ResponseError("The answer must be text.")
    if len(text) > max_length:
        raise ResponseError("The answer is too long (at most %(max)d characters).", max=max_length)
    return text


def _view_items(items, text_key, seed, salt, shuffle):
    view = [{"id": i["id"], "text": i[text_key], **({"text_format": i[f"{text_key}_format"]}
            if i.get(f"{text_key}_format") else {})} for i in items]
    return seeded_shuffle(view, seed, salt=salt) if shuffle and seed is not None else view


class QuestionTypeRegistry:
    """Name → type; filled at start-up from every plugin's ``lms_register_question_types()`` lists."""

    def __init__(self, types=()):
        self._types: dict[str, QuestionType] = {}
        self.register_all(types)

    def register(self, qtype) -> None:
        if not isinstance(qtype, QuestionType) or not isinstance(getattr(qtype, "name", None), str):
            raise TypeError(f"{qtype!r} does not implement the QuestionType protocol")
        if qtype.name in self._types:
            first, second = type(self._types[qtype.name]).__qualname__, type(qtype).__qualname__
            raise DuplicateQuestionType(f"question type {qtype.name!r} is registered twice ({first} and {second})")
        self._types[qtype.name] = qtype

    def register_all(self, types) -> None:
        for qtype in types:
            self.register(qtype)

    def register_hook_results(self, results) -> None:
        """Register the lists returned by ``pm.hook.lms_register_question_types()`` (None entries skipped)."""
        for types in results:
            self.register_all(types or ())

    def get(self, name: str):
        try:
            return self._types[name]
        except KeyError:
            raise KeyError(f"unknown question type {name!r}") from None

    def __contains__(self, name) -> bool:
        return name in self._types

    def names(self) -> list[str]:
        return list(self._types)
