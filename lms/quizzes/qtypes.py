"""Built-in question types: validate a JSON definition, normalise and grade a response, build the browser view.

Each type is a stateless object; definitions and responses are plain dicts (shapes in the docstrings)
so they can live in JSON columns. ``public_view`` is the only thing that may reach the browser
before review: it never holds fractions, correct answers or feedback.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from decimal import Decimal
from typing import Protocol, runtime_checkable

from .grading import QuizInputError, as_decimal, clamp_fraction, seeded_shuffle

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


def _view_items(items, text_key, seed, salt, shuffle):
    view = [{"id": i["id"], "text": i[text_key], **({"text_format": i[f"{text_key}_format"]}
            if i.get(f"{text_key}_format") else {})} for i in items]
    return seeded_shuffle(view, seed, salt=salt) if shuffle and seed is not None else view


# --- the types ----------------------------------------------------------------------------


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
        return [] if value is None else ["True" if value else "False"]


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
        text = _unwrap(raw, "text")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise ResponseError("The answer must be text.")
        if len(text) > MAX_SHORT_RESPONSE:
            raise ResponseError("The answer is too long (at most %(max)d characters).", max=MAX_SHORT_RESPONSE)
        return {"text": _squash(text)}

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


def matching_choice_id(answer_text: str) -> str:
    """The public id of a matching answer: derived from its text, so equal texts share one choice."""
    return "c" + hashlib.sha256(answer_text.strip().encode()).hexdigest()[:10]


class MatchingType:
    """``{"pairs": [{"id", "premise", "premise_format"?, "answer"}], "distractors"?: [str], "shuffle"?}``;
    response ``{"matches": {pair_id: choice_id}}``. Each correctly matched premise earns 1/len(pairs)."""

    name = "matching"
    needs_manual_grading = False

    def validate(self, definition):
        spec = {"id": "id", "premise": "text", "premise_format": "format?", "answer": "text"}
        top = {"pairs": "list", "distractors": "texts?", "shuffle": "flag?"}
        return _check(definition, top, "pairs", spec, 2)[0]

    def _choices(self, definition) -> dict[str, str]:
        texts = [p["answer"] for p in definition["pairs"]] + list(definition.get("distractors") or [])
        return {matching_choice_id(t): t.strip() for t in texts}

    def public_view(self, definition, *, shuffle_seed=None):
        premises = _view_items(definition["pairs"], "premise", shuffle_seed, "premises",
                               definition.get("shuffle", True))
        choices = [{"id": cid, "text": text} for cid, text in self._choices(definition).items()]
        # Choices listed in pair order would give the answers away, so they are never left in it.
        if shuffle_seed is None:
            choices.sort(key=lambda c: (c["text"].casefold(), c["id"]))
        else:
            choices = seeded_shuffle(choices, shuffle_seed, salt="choices")
        return {"type": self.name, "premises": premises, "choices": choices}

    def normalize_response(self, definition, raw):
        matches = _unwrap(raw, "matches")
        if _blank(matches):
            return {"matches": {}}
        pair_ids, choice_ids = {p["id"] for p in definition["pairs"]}, self._choices(definition)
        if not isinstance(matches, dict) or not all(
                k in pair_ids and (v is None or v in choice_ids) for k, v in matches.items()):
            raise ResponseError("The answer refers to an item that is not in this question.")
        return {"matches": {k: v for k, v in matches.items() if v is not None}}

    def grade(self, definition, response):
        matches = (response or {}).get("matches") or {}
        pairs = definition["pairs"]
        right = sum(matches.get(p["id"]) == matching_choice_id(p["answer"]) for p in pairs)
        return clamp_fraction(Decimal(right) / len(pairs))

    def feedback(self, definition, response):
        return []

    def summarize_response(self, definition, response):
        matches, choices = (response or {}).get("matches") or {}, self._choices(definition)
        return [f"{p['premise']} → {choices[matches[p['id']]]}" for p in definition["pairs"] if p["id"] in matches]


class OrderingType:
    """``{"items": [{"id", "text", "text_format"?}] in the correct order, "grading"?: rule}``;
    response ``{"order": [item_id, ...]}`` (all ids). Rules: ``adjacent_pairs`` (default) gives
    one point per correct-order neighbour pair kept next to each other, out of n-1, so one item
    misplaced costs little; ``absolute_position`` gives one point per item in its exact place, out of n."""

    name = "ordering"
    needs_manual_grading = False

    def validate(self, definition):
        spec = {"id": "id", "text": "text", "text_format": "format?"}
        return _check(definition, {"items": "list", "grading": "rule?"}, "items", spec, 2)[0]

    def public_view(self, definition, *, shuffle_seed=None):
        items = definition["items"]
        # Shown order must never be the answer, so there is always a shuffle, and never the identity.
        seed = shuffle_seed if shuffle_seed is not None else "|".join(i["id"] for i in items)
        view = _view_items(items, "text", seed, "items", True)
        if [v["id"] for v in view] == [i["id"] for i in items]:
            view = view[1:] + view[:1]
        return {"type": self.name, "items": view}

    def normalize_response(self, definition, raw):
        order = _unwrap(raw, "order")
        if _blank(order):
            return {"order": []}
        ids = [i["id"] for i in definition["items"]]
        if (not isinstance(order, list) or not all(isinstance(i, str) for i in order)
                or sorted(order) != sorted(ids)):
            raise ResponseError("Put every item in order exactly once.")
        return {"order": list(order)}

    def grade(self, definition, response):
        order = (response or {}).get("order") or []
        correct = [i["id"] for i in definition["items"]]
        if not order:
            return clamp_fraction(0)
        if definition.get("grading") == "absolute_position":
            return clamp_fraction(Decimal(sum(a == b for a, b in zip(order, correct))) / len(correct))
        position = {item_id: n for n, item_id in enumerate(order)}
        kept = sum(position[b] == position[a] + 1 for a, b in zip(correct, correct[1:]))
        return clamp_fraction(Decimal(kept) / (len(correct) - 1))

    def feedback(self, definition, response):
        return []

    def summarize_response(self, definition, response):
        texts = {i["id"]: i["text"] for i in definition["items"]}
        order = (response or {}).get("order") or []
        return [" | ".join(texts[i] for i in order)] if order else []


class EssayType:
    """``{"grader_info"?: str, "grader_info_format"?, "response_template"?: str}``; response
    ``{"text": str}``. ``grade`` returns None (a human grades it, see grading.make_manual_grade);
    a blank essay is graded 0 at once so nobody has to mark empty answers."""

    name = "essay"
    needs_manual_grading = True

    def validate(self, definition):
        spec = {"grader_info": "note?", "grader_info_format": "format?", "response_template": "note?"}
        return _check(definition, spec, "", {}, 0)[0]

    def normalize_response(self, definition, raw):
        text = _unwrap(raw, "text")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise ResponseError("The answer must be text.")
        if len(text) > MAX_ESSAY_RESPONSE:
            raise ResponseError("The answer is too long (at most %(max)d characters).", max=MAX_ESSAY_RESPONSE)
        return {"text": text.strip()}

    def grade(self, definition, response):
        return None if response and (response.get("text") or "").strip() else clamp_fraction(0)

    def feedback(self, definition, response):
        return []

    def public_view(self, definition, *, shuffle_seed=None):
        return {"type": self.name, "response_template": definition.get("response_template") or ""}

    def summarize_response(self, definition, response):
        return []


def builtin_question_types() -> list:
    """The eight built-in types, as the core's ``lms_register_question_types`` impl returns them."""
    return [SingleChoiceType(), MultipleChoiceType(), TrueFalseType(), ShortAnswerType(),
            NumericalType(), MatchingType(), OrderingType(), EssayType()]


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
