"""Moodle GIFT export: question dicts (the shape import_gift returns) back to GIFT text.

The output follows Moodle's own writer closely enough that Moodle imports it, and import_gift
reads it back to the same questions. GIFT cannot express ordering questions, case-sensitive short
answers or shuffle flags; ordering questions are left out with a comment line saying so.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from .grading import as_decimal

GIFT_TYPES = frozenset({"single_choice", "multiple_choice", "true_false", "short_answer",
                        "numerical", "matching", "essay"})
_RESERVED = str.maketrans({"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}",
                           ":": "\\:", "\n": "\\n", "\r": ""})


def escape_gift(text: str) -> str:
    """Escape GIFT's control characters and turn newlines into ``\\n`` so a text stays on one line."""
    return (text or "").translate(_RESERVED)


def _text(text: str, text_format: str | None, default: str) -> str:
    """A text with a ``[format]`` marker when it differs from the default, or when the text itself
    starts with ``[`` and would otherwise be mistaken for a marker."""
    text_format = text_format or default
    marker = f"[{text_format}]" if text and (text_format != default or text.startswith("[")) else ""
    return marker + escape_gift(text)


def _percent(fraction) -> str:
    return format((as_decimal(fraction) * 100).normalize(), "f")


def _number(value) -> str:
    return format(as_decimal(value).normalize(), "f")


def _weighted(marker: str, fraction, text: str, plain_fraction) -> str:
    """``=text`` / ``~text`` when the marker already implies the weight, else ``~%50%text``;
    a text that starts with % always gets an explicit weight so it is not read as one."""
    if as_decimal(fraction) == plain_fraction and not text.startswith("%"):
        return marker + text
    return f"{marker}%{_percent(fraction)}%{text}"


def _feedback(item: dict, key: str, default: str) -> str:
    text = item.get(key) or ""
    return "#" + _text(text, item.get(f"{key}_format"), default) if text else ""


def export_question(question: dict) -> str:
    """One question as a GIFT paragraph (no trailing blank line)."""
    qtype, definition = question["type"], question["definition"]
    fmt = question.get("text_format") or "moodle"
    name = question.get("name") or ""
    head = (f"// question: {' '.join(name.split())}\n::{escape_gift(name)}::"
            f"{_text(question.get('text') or '', fmt, 'moodle')}")
    general = question.get("general_feedback") or ""
    general = "####" + _text(general, question.get("general_feedback_format"), fmt) if general else ""
    lines: list[str] = []
    if qtype == "essay":
        return head + "{" + general + "}"
    if qtype == "true_false":
        correct = definition["correct"]
        right = _text(definition.get("feedback_true" if correct else "feedback_false") or "",
                      definition.get("feedback_true_format" if correct else "feedback_false_format"), fmt)
        wrong = _text(definition.get("feedback_false" if correct else "feedback_true") or "",
                      definition.get("feedback_false_format" if correct else "feedback_true_format"), fmt)
        answer = "TRUE" if correct else "FALSE"
        if wrong or right:
            answer += "#" + wrong
        if right:
            answer += "#" + right
        return head + "{" + answer + general + "}"
    if qtype in ("single_choice", "multiple_choice"):
        for option in definition["options"]:
            text = _text(option["text"], option.get("text_format"), fmt)
            fraction = as_decimal(option["fraction"])
            if qtype == "single_choice" and fraction == 1:
                entry = _weighted("=", fraction, text, Decimal(1))
            else:
                entry = _weighted("~", fraction, text, Decimal(0))
            lines.append(entry + _feedback(option, "feedback", fmt))
    elif qtype == "short_answer":
        for answer in definition["answers"]:
            entry = _weighted("=", answer["fraction"], escape_gift(answer["text"]), Decimal(1))
            lines.append(entry + _feedback(answer, "feedback", fmt))
    elif qtype == "numerical":
        # The importer reads a 0-credit wildcard only as the final ~#feedback, so it goes last.
        answers = sorted(definition["answers"], key=lambda a: a["value"] == "*" and as_decimal(a["fraction"]) == 0)
        for answer in answers:
            if answer["value"] == "*" and as_decimal(answer["fraction"]) == 0:
                lines.append("~#" + _text(answer.get("feedback") or "", answer.get("feedback_format"), fmt))
                continue
            value = "*" if answer["value"] == "*" else _number(answer["value"])
            if answer["value"] != "*" and as_decimal(answer.get("tolerance") or 0) != 0:
                value += ":" + _number(answer["tolerance"])
            lines.append(_weighted("=", answer["fraction"], value, Decimal(1)) + _feedback(answer, "feedback", fmt))
    elif qtype == "matching":
        for pair in definition["pairs"]:
            premise = _text(pair["premise"], pair.get("premise_format"), fmt)
            lines.append(f"={premise} -> {escape_gift(pair['answer'])}")
        lines += [f"= -> {escape_gift(d)}" for d in definition.get("distractors") or ()]
    else:
        raise ValueError(f"GIFT cannot express {qtype!r} questions")
    if general:
        lines.append(general)
    opener = "{#" if qtype == "numerical" else "{"
    return head + opener + "\n" + "".join(f"\t{line}\n" for line in lines) + "}"


def export_gift(questions: Iterable[dict]) -> str:
    """A whole GIFT file; a ``$CATEGORY:`` line is written whenever the category path changes."""
    out: list[str] = []
    current: list[str] = []
    for question in questions:
        category = list(question.get("category") or [])
        if category != current:
            # $course$/top/ is Moodle's own prefix; import_gift strips it again.
            path = "/".join(escape_gift(segment).replace("/", "//") for segment in category)
            out.append(f"$CATEGORY: $course$/top{'/' + path if path else ''}\n\n")
            current = category
        if question["type"] not in GIFT_TYPES:
            name = " ".join((question.get("name") or "").split())
            out.append(f"// skipped {question['type']} question {name}: GIFT has no such question type\n\n")
            continue
        out.append(export_question(question) + "\n\n")
    return "".join(out)
