"""Typed answers: short answer (wildcards, case folding) and numerical (tolerance, ranges)."""
from __future__ import annotations

import re
from decimal import Decimal

from ..grading import as_decimal, clamp_fraction
from .base import MAX_SHORT_RESPONSE, ResponseError, _blank, _check, _need_full_credit, _text_response, _unwrap


class _TypedAnswerType:
    """Shared by short answer and numerical: the best-credited matching answer wins (ties: first)."""

    needs_manual_grading = False

    def _best(self, definition, response) -> dict | None:
        if not response or response.get(self._response_key) in (None, ""):
            return None
        best = None
        for answer in definition["answers"]:
            if self._matches(definition, answer, response[self._response_key]):
                if best is None or as_decimal(answer["fraction"]) > as_decimal(best["fraction"]):
                    best = answer
        return best

    def grade(self, definition, response):
        best = self._best(definition, response)
        return clamp_fraction(best["fraction"] if best else 0)

    def feedback(self, definition, response):
        best = self._best(definition, response)
        return [best["feedback"]] if best and best.get("feedback") else []

    def public_view(self, definition, *, shuffle_seed=None):
        return {"type": self.name}

    def summarize_response(self, definition, response):
        value = response.get(self._response_key) if response else None
        return [] if value in (None, "") else [value]


def _squash(text: str) -> str:
    return " ".join(text.split())


class ShortAnswerType(_TypedAnswerType):
    """``{"answers": [{"text", "fraction", "feedback"?, "feedback_format"?}], "case_sensitive"?: bool}``;
    response ``{"text": str}``. ``*`` matches any characters (``\\*`` is a literal star); spaces
    are trimmed and collapsed; case is ignored unless ``case_sensitive``."""

    name = "short_answer"
    _response_key = "text"

    def validate(self, definition):
        spec = {"text": "text", "fraction": "credit", "feedback": "note?", "feedback_format": "format?"}
        problems, answers = _check(definition, {"answers": "list", "case_sensitive": "flag?"}, "answers", spec, 1)
        if answers and not problems:
            _need_full_credit(answers, problems)
        return problems

    def normalize_response(self, definition, raw):
        return {"text": _squash(_text_response(raw, MAX_SHORT_RESPONSE))}

    def _matches(self, definition, answer, text):
        fold = (lambda s: s) if definition.get("case_sensitive") else str.casefold
        parts = re.split(r"(?<!\\)\*", _squash(answer["text"]))
        pattern = ".*".join(re.escape(fold(part.replace("\\*", "*"))) for part in parts)
        return re.fullmatch(pattern, fold(_squash(text)), re.DOTALL) is not None


def parse_number(text) -> Decimal | None:
    """Read a learner's number: accepts a decimal comma and spaces between digit groups."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        number = as_decimal(text)
        return number if number.is_finite() else None
    if not isinstance(text, str) or len(text) > 100:
        return None
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,2})?", cleaned):
        return None
    return Decimal(cleaned)


class NumericalType(_TypedAnswerType):
    """``{"answers": [{"value": number | "*", "tolerance"?: number, "fraction", "feedback"?, ...}]}``;
    response ``{"value": "3.5"}`` (a normalised decimal string). A response matches an answer when
    ``|response - value| <= tolerance``; ``"*"`` matches any number (GIFT's ``~#feedback``)."""

    name = "numerical"
    _response_key = "value"

    def validate(self, definition):
        spec = {"value": "value", "tolerance": "tolerance?", "fraction": "credit",
                "feedback": "note?", "feedback_format": "format?"}
        problems, answers = _check(definition, {"answers": "list"}, "answers", spec, 1)
        if answers and not problems:
            _need_full_credit(answers, problems)
        return problems

    def normalize_response(self, definition, raw):
        value = _unwrap(raw, "value")
        if _blank(value):
            return {"value": None}
        number = parse_number(value)
        if number is None:
            raise ResponseError("Enter a number, for example 3.5.")
        return {"value": format(number.normalize(), "f") if number else "0"}

    def _matches(self, definition, answer, value):
        if answer["value"] == "*":
            return True
        return abs(Decimal(value) - as_decimal(answer["value"])) <= as_decimal(answer.get("tolerance") or 0)
