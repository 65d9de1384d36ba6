"""The course exam's JSON sidecar: what GIFT cannot hold, so an exported exam imports back the same.

The course format keeps the exam in a GIFT file (Moodle reads it). GIFT has no ordering questions,
no case-sensitive short answers, no shuffle flags, no tags and no per-quiz marks, so ``lms export``
also writes ``<slug>.quiz.json`` (``[quiz] details`` in course.toml)::

    {"format": 1,
     "questions": [                                       # the exam's order
        {"name": "Склад 1", "mark": "2", "tags": ["склад"]},                 # a question of the GIFT file
        {"name": "Склад 8", "mark": "1", "tags": [], "question": {...}}]}    # the whole question

An entry with ``question`` (``type``, ``name``, ``text``, ``text_format``, ``general_feedback``,
``general_feedback_format``, ``definition`` — the API's shape) is used instead of the GIFT one of that
name; the exporter writes it for every question whose GIFT form would not read back identical.
Questions are matched by name, so names are unique within an exam. GIFT questions the sidecar does
not list come after the listed ones with mark 1 and no tags, as in an exam without a sidecar.
"""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from lms.quizzes import bank
from lms.quizzes.gift import GiftError, import_gift
from lms.quizzes.gift_export import GIFT_TYPES, export_gift
from lms.quizzes.registry import question_types

FORMAT = 1
QUESTION_KEYS = ("type",) + bank.CONTENT_FIELDS


class DetailsError(ValueError):
    """The sidecar is not what ``lms export`` writes; ``problems`` are English messages."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _gift_keeps(question: dict) -> bool:
    """Whether GIFT reads this question back exactly as it is stored."""
    if question["type"] not in GIFT_TYPES:
        return False
    try:
        parsed = import_gift(export_gift([{**question, "category": []}]))
    except GiftError:
        return False
    if len(parsed) != 1:
        return False
    return all(_same(parsed[0].get(key), question.get(key)) for key in QUESTION_KEYS)


def _same(a, b) -> bool:
    # Definitions hold numbers as int, float, Decimal or text depending on where they came from.
    return json.loads(json.dumps(a, default=str)) == json.loads(json.dumps(b, default=str)) or _numeric_same(a, b)


def _numeric_same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_numeric_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_numeric_same(x, y) for x, y in zip(a, b))
    try:
        return not isinstance(a, bool) and not isinstance(b, bool) and Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return a == b


def _mark(value) -> str:
    return format(Decimal(value).normalize(), "f")


def export_exam(entries: list[tuple[dict, Decimal, list[str]]]) -> tuple[str, str]:
    """(GIFT text, sidecar JSON text) for the exam's questions in order, each (question dict, mark, tags).

    Questions are matched by name on import, so a name an earlier question of the exam already has
    gets " (2)", " (3)" … added: two bank questions of the same name both come back."""
    details, seen, renamed = [], set(), []
    for question, mark, tags in entries:
        name, number = question["name"], 1
        while name.casefold() in seen:
            number += 1
            name = f"{question['name']} ({number})"
        seen.add(name.casefold())
        renamed.append(({**question, "name": name}, mark, tags))
    entries = renamed
    for question, mark, tags in entries:
        entry = {"name": question["name"], "mark": _mark(mark), "tags": list(tags)}
        if not _gift_keeps(question):
            entry["question"] = json.loads(json.dumps({key: question[key] for key in QUESTION_KEYS}, default=str))
        details.append(entry)
    gift = export_gift([q for q, _m, _t in entries if q["type"] in GIFT_TYPES])
    text = json.dumps({"format": FORMAT, "questions": details}, ensure_ascii=False, indent=1)
    return gift, text + "\n"


def _entry_problems(number: int, entry) -> list[str]:
    where = f"questions[{number}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        return [f"{where} must be an object with a name."]
    problems = []
    try:
        if Decimal(str(entry.get("mark", "1"))) < 0:
            problems.append(f"{where}: mark must not be negative.")
    except InvalidOperation:
        problems.append(f"{where}: mark must be a number.")
    if not isinstance(entry.get("tags", []), list) or not all(isinstance(t, str) for t in entry.get("tags", [])):
        problems.append(f"{where}: tags must be a list of texts.")
    question = entry.get("question")
    if question is not None:
        if not isinstance(question, dict) or question.get("type") not in question_types():
            return problems + [f"{where}: question must be an object with a known type."]
        content = {key: question.get(key) for key in bank.CONTENT_FIELDS if key in question}
        if not isinstance(content.get("definition"), dict) or not isinstance(content.get("text"), str):
            return problems + [f"{where}: question needs a text and a definition."]
        try:
            problems += [f"{where}: {p}" for p in bank.validate_content(question["type"], {**content, "name": entry["name"]})]
        except (TypeError, KeyError, ValueError, AttributeError, InvalidOperation):
            problems.append(f"{where}: the question's definition does not fit its type.")
    return problems


def parse_details(text: str) -> list[dict]:
    """The sidecar's entries; raises DetailsError listing every problem."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise DetailsError([f"not JSON: {error}"]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("questions"), list):
        raise DetailsError([f'must be an object with "format": {FORMAT} and a "questions" list.'])
    problems = [p for n, entry in enumerate(data["questions"]) for p in _entry_problems(n, entry)]
    names = [e["name"] for e in data["questions"] if isinstance(e, dict) and isinstance(e.get("name"), str)]
    if len(set(names)) != len(names):
        problems.append("question names must be unique.")
    if problems:
        raise DetailsError([str(p) for p in problems])
    return data["questions"]


def exam_items(gift_text: str, details_text: str | None) -> list[tuple[dict, Decimal, list[str]]]:
    """The exam's questions in order as (question dict, mark, tags), from the GIFT text and sidecar.
    Raises GiftError or DetailsError."""
    parsed = import_gift(gift_text)
    if details_text is None:
        return [(item, Decimal(1), []) for item in parsed]
    by_name = {item["name"]: item for item in parsed}
    items, missing = [], []
    for entry in parse_details(details_text):
        question = entry.get("question")
        item = by_name.pop(entry["name"], None)
        if question is not None:
            item = {**{key: question.get(key) for key in QUESTION_KEYS if key in question}, "name": entry["name"]}
        if item is None:
            missing.append(f"“{entry['name']}” is neither in the GIFT file nor given whole.")
            continue
        items.append((item, Decimal(str(entry.get("mark", "1"))), bank.parse_tags(",".join(entry.get("tags", [])))))
    if missing:
        raise DetailsError(missing)
    return items + [(item, Decimal(1), []) for item in by_name.values()]


def details_problems(gift_text: str, details_text: str) -> list[str]:
    """Problems of a sidecar with its GIFT file, as English messages; empty when it imports cleanly."""
    try:
        exam_items(gift_text, details_text)
    except DetailsError as error:
        return error.problems
    except GiftError:
        return []  # the GIFT file's own check reports these, by line
    return []
