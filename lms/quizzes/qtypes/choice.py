"""Single choice, multiple choice (weights, negative ones too) and true/false."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext

from ..grading import as_decimal, clamp_fraction
from .base import Problem, ResponseError, _blank, _check, _need_full_credit, _unwrap, _view_items


class _ChoiceType:
    """Shared by single and multiple choice: ``{"options": [{"id", "text", "fraction", "feedback"?,
    "text_format"?, "feedback_format"?}], "shuffle"?: bool}``."""

    needs_manual_grading = False
    _weight_kind = "weight"

    def validate(self, definition) -> list[str]:
        spec = {"id": "id", "text": "text", "text_format": "format?", "fraction": self._weight_kind,
                "feedback": "note?", "feedback_format": "format?"}
        problems, options = _check(definition, {"options": "list", "shuffle": "flag?"}, "options", spec, 2)
        if options and not problems:
            self._check_weights(options, problems)
        return problems

    def public_view(self, definition, *, shuffle_seed=None) -> dict:
        options = _view_items(definition["options"], "text", shuffle_seed, "options",
                              definition.get("shuffle", True))
        return {"type": self.name, "options": options}

    def _chosen(self, definition, response) -> list[dict]:
        ids = self._chosen_ids(response)
        return [o for o in definition["options"] if o["id"] in ids]

    def grade(self, definition, response):
        return clamp_fraction(sum((as_decimal(o["fraction"]) for o in self._chosen(definition, response)), Decimal(0)))

    def feedback(self, definition, response):
        return [o["feedback"] for o in self._chosen(definition, response) if o.get("feedback")]

    def summarize_response(self, definition, response):
        return [o["text"] for o in self._chosen(definition, response)]


class SingleChoiceType(_ChoiceType):
    """One option may be picked; response ``{"choice": option_id | None}``; the grade is its fraction."""

    name = "single_choice"

    def _check_weights(self, options, problems):
        _need_full_credit(options, problems)

    def _chosen_ids(self, response):
        return {response.get("choice")} if response else set()

    def normalize_response(self, definition, raw):
        choice = _unwrap(raw, "choice")
        if _blank(choice):
            return {"choice": None}
        if not isinstance(choice, str) or choice not in {o["id"] for o in definition["options"]}:
            raise ResponseError("The chosen answer is not one of this question's options.")
        return {"choice": choice}


class MultipleChoiceType(_ChoiceType):
    """Any options may be picked; response ``{"choices": [option_id, ...]}``.

    The grade is the sum of the picked options' weights (negative ones included) clamped to [0, 1],
    so ticking every box cannot beat a question whose wrong options carry negative weights.
    """

    name = "multiple_choice"

    def _check_weights(self, options, problems):
        total = sum(as_decimal(o["fraction"]) for o in options if as_decimal(o["fraction"]) > 0)
        # Thirds (33.33333% x 3) must pass, so allow a rounding slack.
        if abs(total - 1) > Decimal("0.0001"):
            problems.append(Problem("The correct options must add up to 100%% (now %(total)s%%).",
                                    total=format((total * 100).normalize(), "f")))

    def _chosen_ids(self, response):
        return set(response.get("choices") or ()) if response else set()

    def normalize_response(self, definition, raw):
        choices = _unwrap(raw, "choices")
        if _blank(choices):
            return {"choices": []}
        known = [o["id"] for o in definition["options"]]
        if not isinstance(choices, list) or not all(isinstance(c, str) and c in known for c in choices):
            raise ResponseError("The chosen answer is not one of this question's options.")
        return {"choices": [option_id for option_id in known if option_id in choices]}


class TrueFalseType:
    """``{"correct": bool, "feedback_true"?: str, "feedback_false"?: str, ..._format?}``; response
    ``{"value": bool | None}``. ``feedback_true`` is shown to whoever answered True, right or wrong."""

    name = "true_false"
    needs_manual_grading = False

    def validate(self, definition):
        spec = {"correct": "flag", "feedback_true": "note?", "feedback_true_format": "format?",
                "feedback_false": "note?", "feedback_false_format": "format?"}
        return _check(definition, spec, "", {}, 0)[0]

    def normalize_response(self, definition, raw):
        value = _unwrap(raw, "value")
        if _blank(value):
            return {"value": None}
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        if not isinstance(value, bool):
            raise ResponseError("Answer true or false.")
        return {"value": value}

    def grade(self, definition, response):
        value = response.get("value") if response else None
        return clamp_fraction(1 if value is not None and value == definition["correct"] else 0)

    def feedback(self, definition, response):
        value = response.get("value") if response else None
        text = None if value is None else definition.get("feedback_true" if value else "feedback_false")
        return [text] if text else []

    def public_view(self, definition, *, shuffle_seed=None):
        return {"type": self.name}

    def summarize_response(self, definition, response):
        value = response.get("value") if response else None
        # Shown to people on the result page: the reader's «Верно»/«Неверно», never Python's True.
        return [] if value is None else [gettext("True") if value else gettext("False")]
