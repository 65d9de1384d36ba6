"""Survey question kinds as plain dicts: check definitions, clean answers, evaluate conditions.

Pure functions on plain values, so the views, the JSON API and imports share one set of rules.
Errors carry an English msgid (marked with ``N_`` for extraction) plus params; the view translates.
"""
from __future__ import annotations

from collections.abc import Mapping

from lms.surveys.answers import (  # noqa: F401  (re-exported: callers import the errors from here)
    AnswerError,
    DefinitionError,
    KEY_PATTERN,
    KINDS,
    MAX_LIKERT_POINTS,
    N_,
    REQUIRED,
    TEXT_LIMITS,
    NORMALIZERS,
    is_blank,
    is_int,
    is_number,
    SurveyError,
)


def validate_definition(definition: Mapping) -> dict:
    """Check one question definition and return a clean copy with defaults filled in."""
    if not isinstance(definition, Mapping):
        raise DefinitionError(N_("A question must be a set of named settings."))
    key = definition.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise DefinitionError(N_("A question key must be 1 to 64 Latin letters, digits, '_' or '-'."))
    kind = definition.get("kind")
    if kind not in KINDS:
        raise DefinitionError(N_("Unknown question kind: %(kind)s."), question=key, kind=str(kind))
    title = definition.get("title")
    if not isinstance(title, str) or not title.strip():
        raise DefinitionError(N_("Every question needs a title."), question=key)
    required = definition.get("required", False)
    if not isinstance(required, bool):
        raise DefinitionError(N_("The 'required' setting must be true or false."), question=key)
    clean = {"key": key, "kind": kind, "title": title.strip(), "required": required}
    if isinstance(definition.get("description"), str) and definition["description"].strip():
        clean["description"] = definition["description"].strip()
    _DEFINITION_CHECKS.get(kind, lambda d, c: None)(definition, clean)
    if definition.get("show_if") is not None:
        clean["show_if"] = _condition_shape(definition["show_if"], key)
    return clean


def validate_survey(questions) -> list[dict]:
    """Check a whole question list: unique keys, conditions on EARLIER questions with possible values."""
    seen: dict[str, dict] = {}
    for raw in questions:
        question = validate_definition(raw)
        key = question["key"]
        if key in seen:
            raise DefinitionError(N_("The question key %(key)s is used twice."), question=key, key=key)
        condition = question.get("show_if")
        if condition:
            target = seen.get(condition["question"])
            if target is None:
                # Only earlier questions: display order then settles every condition in one pass.
                raise DefinitionError(N_("A condition must refer to an earlier question, not %(target)s."),
                                      question=key, target=condition["question"])
            if target["kind"] in ("likert", "long_text"):
                raise DefinitionError(N_("A condition cannot depend on a Likert matrix or a long text."),
                                      question=key)
            field = "equals" if "equals" in condition else "in"
            values = [condition["equals"]] if field == "equals" else condition["in"]
            clean_values = [_condition_value(target, value, key) for value in values]
            condition[field] = clean_values[0] if field == "equals" else clean_values
        seen[key] = question
    return list(seen.values())


def normalize_answer(definition: Mapping, raw):
    """Return the clean value of one answer, ``None`` when blank and optional; raise AnswerError."""
    if is_blank(raw):
        if definition.get("required"):
            raise AnswerError(REQUIRED, question=definition["key"])
        return None
    return NORMALIZERS[definition["kind"]](definition, raw)


def visible_questions(questions, answers: Mapping) -> list[dict]:
    """The questions shown for these clean answers, in order; a hidden question hides its dependants."""
    shown, shown_answers = [], {}
    for question in questions:
        if _condition_met(question.get("show_if"), shown_answers):
            shown.append(question)
            if answers.get(question["key"]) is not None:
                shown_answers[question["key"]] = answers[question["key"]]
    return shown


def validate_response(questions, raw_answers: Mapping) -> tuple[dict, dict[str, AnswerError]]:
    """Clean a whole response: answers of visible questions only, and the errors by question key.

    ``raw_answers`` maps keys to a string, a list (multiple choice) or a row mapping (Likert).
    A condition reads the clean earlier answer, so an invalid answer hides its dependants until fixed.
    """
    clean: dict = {}
    errors: dict[str, AnswerError] = {}
    for question in questions:
        if not _condition_met(question.get("show_if"), clean):
            continue  # hidden: neither required nor stored, whatever the client sent
        try:
            value = normalize_answer(question, raw_answers.get(question["key"]))
        except AnswerError as error:
            errors[question["key"]] = error
            continue
        if value is not None:
            clean[question["key"]] = value
    return clean, errors


# --- definitions -------------------------------------------------------------------------------

def _check_choices(definition: Mapping, clean: dict) -> None:
    options = definition.get("options")
    if not isinstance(options, (list, tuple)) or len(options) < 2:
        raise DefinitionError(N_("A choice question needs at least two options."), question=clean["key"])
    clean_options, values = [], set()
    for option in options:
        if isinstance(option, str):
            option = {"value": option, "label": option}  # shorthand: the label is the value
        value = option.get("value") if isinstance(option, Mapping) else None
        label = option.get("label", value) if isinstance(option, Mapping) else None
        if not isinstance(value, str) or not value.strip() or not isinstance(label, str) or not label.strip():
            raise DefinitionError(N_("Every option needs a value and a label."), question=clean["key"])
        if value.strip() in values:
            raise DefinitionError(N_("The option %(value)s is listed twice."), question=clean["key"],
                                  value=value.strip())
        values.add(value.strip())
        clean_options.append({"value": value.strip(), "label": label.strip()})
    clean["options"] = clean_options
    if clean["kind"] == "multiple_choice":
        low = definition.get("min_choices", 0)
        high = definition.get("max_choices", len(clean_options))
        if not (is_int(low) and is_int(high) and 0 <= low <= high and 1 <= high <= len(clean_options)):
            raise DefinitionError(N_("The minimum and maximum number of choices do not fit the options."),
                                  question=clean["key"])
        clean["min_choices"], clean["max_choices"] = low, high


def _check_likert(definition: Mapping, clean: dict) -> None:
    rows, scale = definition.get("rows"), definition.get("scale")
    if (not isinstance(rows, (list, tuple)) or not rows or not isinstance(scale, (list, tuple))
            or not 2 <= len(scale) <= MAX_LIKERT_POINTS):
        raise DefinitionError(N_("A Likert matrix needs at least one row and 2 to %(max)s scale points."),
                              question=clean["key"], max=MAX_LIKERT_POINTS)
    if not all(isinstance(label, str) and label.strip() for label in scale):
        raise DefinitionError(N_("Every scale point needs a label."), question=clean["key"])
    clean_rows = []
    for row in rows:
        row_key = row.get("key") if isinstance(row, Mapping) else None
        label = row.get("label") if isinstance(row, Mapping) else None
        if not isinstance(row_key, str) or not KEY_PATTERN.fullmatch(row_key) or not isinstance(label, str) \
                or not label.strip():
            raise DefinitionError(N_("Every Likert row needs a key and a label."), question=clean["key"])
        if any(existing["key"] == row_key for existing in clean_rows):
            raise DefinitionError(N_("The row %(row)s is listed twice."), question=clean["key"], row=row_key)
        clean_rows.append({"key": row_key, "label": label.strip()})
    clean["rows"], clean["scale"] = clean_rows, [label.strip() for label in scale]


def _check_text(definition: Mapping, clean: dict) -> None:
    default, ceiling = TEXT_LIMITS[clean["kind"]]
    limit = definition.get("max_length", default)
    if not is_int(limit) or not 1 <= limit <= ceiling:
        raise DefinitionError(N_("The length limit must be from 1 to %(max)s characters."),
                              question=clean["key"], max=ceiling)
    clean["max_length"] = limit


def _check_number(definition: Mapping, clean: dict) -> None:
    integer = definition.get("integer", False)
    if not isinstance(integer, bool):
        raise DefinitionError(N_("The 'integer' setting must be true or false."), question=clean["key"])
    low, high = definition.get("min"), definition.get("max")
    for bound in (low, high):
        if bound is not None and (not is_number(bound) or (integer and bound != int(bound))):
            raise DefinitionError(N_("The minimum and maximum must be numbers."), question=clean["key"])
    if low is not None and high is not None and low > high:
        raise DefinitionError(N_("The minimum must not exceed the maximum."), question=clean["key"])
    clean.update(integer=integer, min=low, max=high)


_DEFINITION_CHECKS = {"single_choice": _check_choices, "multiple_choice": _check_choices,
                      "likert": _check_likert, "short_text": _check_text, "long_text": _check_text,
                      "number": _check_number}


def _condition_shape(condition, key: str) -> dict:
    if (not isinstance(condition, Mapping) or not isinstance(condition.get("question"), str)
            or ("equals" in condition) == ("in" in condition)):
        raise DefinitionError(N_("A condition names a question and exactly one of 'equals' or 'in'."),
                              question=key)
    if "in" in condition and (not isinstance(condition["in"], (list, tuple)) or not condition["in"]):
        raise DefinitionError(N_("A condition's 'in' must list at least one value."), question=key)
    field = "equals" if "equals" in condition else "in"
    return {"question": condition["question"], field: condition[field] if field == "equals" else list(condition["in"])}


def _condition_value(target: dict, value, key: str):
    """Clean a condition value as an answer to ``target``, so comparisons see the stored form."""
    probe = {**target, "required": False, "min_choices": 0}
    try:
        clean = normalize_answer(probe, value)
    except AnswerError:
        clean = None
    if target["kind"] == "multiple_choice" and clean is not None:
        clean = clean[0] if len(clean) == 1 else None  # a condition tests one option at a time
    if clean is None:
        raise DefinitionError(N_("%(value)s is not a possible answer to the question %(target)s."),
                              question=key, value=str(value), target=target["key"])
    return clean


def _condition_met(condition, answers: Mapping) -> bool:
    if not condition:
        return True
    value = answers.get(condition["question"])
    if value is None:
        return False
    wanted = [condition["equals"]] if "equals" in condition else condition["in"]
    if isinstance(value, list):  # multiple choice: met when any chosen option is wanted
        return any(item in wanted for item in value)
    return value in wanted


# --- answers -----------------------------------------------------------------------------------
