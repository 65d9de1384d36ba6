"""Survey answers: the kinds, the messages a respondent or author may see, and how each kind's
raw answer is cleaned (questions.py checks definitions and whole responses with these).

Errors carry an English msgid (marked with ``N_`` for extraction) plus params; the view translates.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping

KINDS = ("single_choice", "multiple_choice", "likert", "rating", "nps", "short_text", "long_text", "number")
SCALE_RANGES = {"rating": (1, 5), "nps": (0, 10)}
# (default, ceiling) characters; the ceiling keeps one answer from bloating exports and pages.
TEXT_LIMITS = {"short_text": (200, 1000), "long_text": (5000, 20000)}
MAX_LIKERT_POINTS = 11
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# PostgreSQL refuses NUL in text and other C0 controls only corrupt exports; tab and newline stay.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def N_(msgid: str) -> str:
    """Mark a msgid for Babel extraction without translating it (no app is needed here)."""
    return msgid


REQUIRED = N_("This question requires an answer.")
UNKNOWN_OPTION = N_("Unknown option: %(value)s.")
OUT_OF_RANGE = N_("Choose a value from %(min)s to %(max)s.")
TOO_LONG = N_("The answer is too long: %(length)s characters, at most %(max)s allowed.")
WRONG_FORMAT = N_("This answer has the wrong format.")
NOT_A_NUMBER = N_("Enter a number.")
NOT_A_WHOLE_NUMBER = N_("Enter a whole number.")
# Past this float() loses whole units and int(float) of a huge value overflows: no answer needs more.
NUMBER_LIMIT = 10**15


class SurveyError(ValueError):
    """A survey problem as an English msgid plus params; ``str()`` gives the English text."""

    def __init__(self, message: str, question: str | None = None, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.question = question
        self.params = params


class DefinitionError(SurveyError):
    """An invalid question or survey definition: an author's mistake, shown in the editor."""


class AnswerError(SurveyError):
    """An invalid answer to one question: a respondent's mistake, shown next to the question."""


def _single_choice(definition: Mapping, raw):
    if isinstance(raw, (list, tuple)):
        values = [item for item in raw if not is_blank(item)]
        if len(values) > 1:
            raise AnswerError(N_("Choose only one option."), question=definition["key"])
        raw = values[0]
    return _option_value(definition, raw)


def _multiple_choice(definition: Mapping, raw):
    items = [raw] if isinstance(raw, (str, int)) else raw
    if not isinstance(items, (list, tuple, set, frozenset)):
        raise AnswerError(WRONG_FORMAT, question=definition["key"])
    chosen = {_option_value(definition, item) for item in items if not is_blank(item)}
    low, high = definition.get("min_choices", 0), definition.get("max_choices", len(definition["options"]))
    if len(chosen) < low:
        raise AnswerError(N_("Choose at least %(min)s options."), question=definition["key"], min=low)
    if len(chosen) > high:
        raise AnswerError(N_("Choose at most %(max)s options."), question=definition["key"], max=high)
    # Definition order, so equal answers are equal lists whatever order the client sent.
    return [option["value"] for option in definition["options"] if option["value"] in chosen]


def _option_value(definition: Mapping, raw) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # JSON clients may send numeric option values
    if not isinstance(raw, str):
        raise AnswerError(WRONG_FORMAT, question=definition["key"])
    value = raw.strip()
    if not any(option["value"] == value for option in definition["options"]):
        raise AnswerError(UNKNOWN_OPTION, question=definition["key"], value=value[:80])
    return value


def _likert(definition: Mapping, raw):
    if not isinstance(raw, Mapping):
        raise AnswerError(WRONG_FORMAT, question=definition["key"])
    row_keys = [row["key"] for row in definition["rows"]]
    unknown = sorted(str(row) for row in raw if row not in row_keys)
    if unknown:
        raise AnswerError(N_("Unknown row: %(row)s."), question=definition["key"], row=unknown[0][:80])
    points = len(definition["scale"])
    clean = {row: _scale_value(definition, raw[row], 1, points)
             for row in row_keys if not is_blank(raw.get(row))}
    if definition.get("required") and len(clean) < len(row_keys):
        raise AnswerError(N_("Answer every row of this question."), question=definition["key"])
    return clean or None


def _scale(definition: Mapping, raw):
    low, high = SCALE_RANGES[definition["kind"]]
    return _scale_value(definition, raw, low, high)


def _scale_value(definition: Mapping, raw, low: int, high: int) -> int:
    value = _parse_number(definition, raw)
    if value != int(value) or not low <= value <= high:
        raise AnswerError(OUT_OF_RANGE, question=definition["key"], min=low, max=high)
    return int(value)


def _text(definition: Mapping, raw):
    if not isinstance(raw, str):
        raise AnswerError(WRONG_FORMAT, question=definition["key"])
    text = CONTROL_CHARS.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if definition["kind"] == "short_text":
        text = " ".join(text.split())  # a one-line field: a pasted line break is not meaningful
    limit = definition.get("max_length", TEXT_LIMITS[definition["kind"]][0])
    if len(text) > limit:
        raise AnswerError(TOO_LONG, question=definition["key"], max=limit, length=len(text))
    return text or None


def _number(definition: Mapping, raw):
    value = _parse_number(definition, raw)
    if definition.get("integer"):
        if value != int(value):
            raise AnswerError(NOT_A_WHOLE_NUMBER, question=definition["key"])
        value = int(value)
    else:
        value = float(value)
    low, high = definition.get("min"), definition.get("max")
    if low is not None and value < low:
        raise AnswerError(N_("Enter a number no less than %(min)s."), question=definition["key"], min=low)
    if high is not None and value > high:
        raise AnswerError(N_("Enter a number no greater than %(max)s."), question=definition["key"], max=high)
    return value


def _parse_number(definition: Mapping, raw):
    """Parse an int or float from JSON or a form; accepts '3,5' and '1 000' as Russian users type them."""
    if is_number(raw):
        return _within_limit(definition, raw)
    if isinstance(raw, float):  # NaN or infinity from a JSON client
        raise AnswerError(NOT_A_NUMBER, question=definition["key"])
    if not isinstance(raw, str):
        raise AnswerError(WRONG_FORMAT, question=definition["key"])
    text = re.sub(r"[\s\u00a0\u202f]", "", raw).replace(",", ".")
    try:
        whole = int(text)  # exact for large integers, where float() would round
    except ValueError:
        pass
    else:
        return _within_limit(definition, whole)
    try:
        value = float(text)
    except ValueError:
        raise AnswerError(NOT_A_NUMBER, question=definition["key"]) from None
    if not math.isfinite(value):  # float() accepts 'nan' and 'inf'; neither is an answer
        raise AnswerError(NOT_A_NUMBER, question=definition["key"])
    return _within_limit(definition, value)


def _within_limit(definition: Mapping, value):
    if value > NUMBER_LIMIT:
        raise AnswerError(N_("Enter a number no greater than %(max)s."), question=definition["key"], max=NUMBER_LIMIT)
    if value < -NUMBER_LIMIT:
        raise AnswerError(N_("Enter a number no less than %(min)s."), question=definition["key"], min=-NUMBER_LIMIT)
    return value


NORMALIZERS = {"single_choice": _single_choice, "multiple_choice": _multiple_choice, "likert": _likert,
                "rating": _scale, "nps": _scale, "short_text": _text, "long_text": _text, "number": _number}


def is_blank(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, Mapping):
        return all(is_blank(value) for value in raw.values())
    if isinstance(raw, (list, tuple, set, frozenset)):
        return all(is_blank(value) for value in raw)
    return False


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    # math.isfinite() of an int past a float's range raises OverflowError; every int is finite
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
