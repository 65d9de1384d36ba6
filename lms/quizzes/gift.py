"""Moodle GIFT import: text to plain question dicts, refusing the whole file with line-numbered problems.

Follows Moodle's qformat_gift rules (question/format/gift/format.php): questions are separated by
blank lines, ``//`` lines are comments, ``\\`` escapes ``~ = # { } : \\`` and ``\\n`` is a newline,
a text may start with ``[html]``, ``[markdown]``, ``[plain]`` or ``[moodle]`` and answers and
feedback inherit the question's format. Two deliberate differences: text after the closing brace
made only of ``"`` and ``;`` (an artefact of some exporters, present in Moodle's own fixtures) is
ignored instead of becoming a missing-word blank, and anything Moodle would import as nonsense
(a description without braces, a second answer block, an unclosed name) is reported instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .qtypes import TEXT_FORMATS, builtin_question_types, stable_item_id

_ESCAPED = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005",
            "n": "\ue006", "\\": "\ue007"}
_RESTORED = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPED.items()})
_ESCAPE_RE = re.compile(r"\\([:#={}~n\\])")
_WEIGHT_RE = re.compile(r"%\s*(-?\d+(?:\.\d+)?)\s*%")
_NUMBER_RE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_STRAY_TAIL_RE = re.compile(r'[\s";]*')
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_VALIDATORS = {qtype.name: qtype for qtype in builtin_question_types()}


@dataclass
class GiftProblem:
    """One problem in a GIFT file: a 1-based line, an English msgid and its params."""

    line: int
    message: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"line {self.line}: " + (self.message % self.params if self.params else self.message)


class GiftError(ValueError):
    """A GIFT file that cannot be imported; ``problems`` lists every problem found, by line."""

    def __init__(self, problems: list[GiftProblem]):
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))


def decode_gift(data: bytes) -> str:
    """Decode an uploaded file as UTF-8 (with or without BOM), or raise GiftError naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise GiftError([GiftProblem(line, "The file is not UTF-8 text.")]) from None


def import_gift(text: str) -> list[dict]:
    """Parse a whole GIFT file; returns question dicts or raises GiftError listing all problems.

    Each dict: ``{"type", "name", "text", "text_format", "general_feedback",
    "general_feedback_format", "definition", "category"}`` where ``category`` is the list of
    path segments set by the last ``$CATEGORY:`` line (``[]`` before any) and ``definition``
    is valid for the type in lms.quizzes.qtypes.
    """
    problems: list[GiftProblem] = []
    questions: list[dict] = []
    category: list[str] = []
    text = text.lstrip("\ufeff")
    if any(ch in text for ch in _ESCAPED.values()):
        problems.append(GiftProblem(1, "The file contains reserved private-use characters (U+E000 to U+E007)."))
        raise GiftError(problems)
    for start, lines in _blocks(text):
        block = _Block(start, lines, problems)
        category, question = block.parse(category)
        if question is not None:
            questions.append(question)
    if problems:
        raise GiftError(problems)
    return questions


def _blocks(text: str):
    """Yield (first line number, lines) for each run of non-blank lines, as Moodle splits questions."""
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            yield start, current
            current = []
    if current:
        yield start, current


def _unescape(text: str) -> str:
    return text.translate(_RESTORED)


def parse_category_path(raw: str) -> list[str]:
    """``$course$/top/A/B//C`` → ``["A", "B/C"]``: drop Moodle's context marker and ``top``; ``//`` is a slash."""
    raw = re.sub(r"^\$[a-z0-9]*\$/?", "", raw.strip())
    parts = [p.replace("\ue010", "/").strip() for p in raw.replace("//", "\ue010").split("/")]
    parts = [p for p in parts if p]
    return parts[1:] if parts[:1] == ["top"] else parts


def _number(value: Decimal):
    """A Decimal as the JSON number a definition stores (int when whole)."""
    return int(value) if value == value.to_integral_value() else float(value)


class _Block:
    """One blank-line-separated block of a GIFT file, parsed with offsets so problems get real lines."""

    def __init__(self, start: int, lines: list[str], problems: list[GiftProblem]):
        self.start, self.problems = start, problems
        # Comment lines are blanked, not removed, so offsets still map to file lines.
        self.text = "\n".join("" if ln.strip().startswith("//") else _ESCAPE_RE.sub(lambda m: _ESCAPED[m[1]], ln)
                              for ln in lines)

    def line_at(self, offset: int) -> int:
        return self.start + self.text.count("\n", 0, max(offset, 0))

    def problem(self, offset: int, message: str, **params) -> None:
        self.problems.append(GiftProblem(self.line_at(offset), message, params))

    def parse(self, category: list[str]) -> tuple[list[str], dict | None]:
        pos = len(self.text) - len(self.text.lstrip())
        if self.text.startswith("$CATEGORY:", pos):
            end = self.text.find("\n", pos)
            end = len(self.text) if end < 0 else end
            category = parse_category_path(_unescape(self.text[pos + len("$CATEGORY:"):end]))
            pos = end
            if not self.text[pos:].strip():
                return category, None
            pos += len(self.text[pos:]) - len(self.text[pos:].lstrip())
        if not self.text[pos:].strip():
            return category, None
        return category, self.parse_question(pos, category)

    def parse_question(self, pos: int, category: list[str]) -> dict | None:
        text, first_problem = self.text, len(self.problems)
        name = None
        if text.startswith("::", pos):
            close = text.find("::", pos + 2)
            if close < 0:
                self.problem(pos, "The question name is not closed with ::.")
                return None
            name = " ".join(_unescape(text[pos + 2:close]).split())
            pos = close + 2
        open_at, close_at = text.find("{", pos), text.find("}", pos)
        if open_at < 0:
            if close_at >= 0:
                self.problem(close_at, "A closing brace } has no opening brace {.")
            else:
                self.problem(pos, "No answer block {…} found: descriptions are not supported.")
            return None
        if close_at < 0:
            self.problem(open_at, "The answer block opened here is never closed with }.")
            return None
        if close_at < open_at:
            self.problem(close_at, "A closing brace } has no opening brace {.")
            return None
        nested = text.find("{", open_at + 1, close_at)
        if nested >= 0:
            self.problem(nested, "An answer block cannot contain {; write \\{ for a literal brace.")
            return None
        tail = text[close_at + 1:]
        extra = re.search(r"[{}]", tail)
        if extra:
            self.problem(close_at + 1 + extra.start(),
                         "Only one answer block is allowed per question; separate questions with a blank line.")
            return None
        before = text[pos:open_at]
        body = before if _STRAY_TAIL_RE.fullmatch(tail) else before + "_____" + tail
        question_text, text_format = self.with_format(body, "moodle")
        if not question_text:
            self.problem(pos, "The question text is empty.")
        answers_at, answers = open_at + 1, text[open_at + 1:close_at]
        general, general_format = "", text_format
        separator = answers.rfind("####")
        if separator >= 0:
            general, general_format = self.with_format(answers[separator + 4:], text_format)
            answers = answers[:separator]
        if name is None:
            plain = " ".join(re.sub(r"<[^>]*>", " ", question_text).split())
            name = plain[:80] or "Question"
        parsed = self.parse_answers(answers, answers_at, text_format)
        if parsed is None:
            return None
        qtype, definition = parsed
        if len(self.problems) == first_problem:
            for message in _VALIDATORS[qtype].validate(definition):
                self.problem(pos, "Question %(name)s: %(problem)s", name=name, problem=message)
        return {"type": qtype, "name": name, "text": question_text, "text_format": text_format,
                "general_feedback": general, "general_feedback_format": general_format,
                "definition": definition, "category": list(category)}

    @staticmethod
    def with_format(raw: str, default: str) -> tuple[str, str]:
        """Split a leading ``[format]`` marker off a text; unknown markers stay part of the text."""
        raw = raw.strip()
        match = re.match(r"\[([a-z]+)\]", raw)
        if match and match[1] in TEXT_FORMATS:
            return _unescape(raw[match.end():]).strip(), match[1]
        return _unescape(raw).strip(), default

    def parse_answers(self, answers: str, at: int, fmt: str):
        """Pick the type as Moodle does (first matching rule) and parse its answers."""
        core = answers.strip()
        if not core:
            return "essay", {}
        if core.startswith("#"):
            return self.numerical(answers, at, fmt)
        if "~" in core:
            return self.choice(answers, at, fmt, single="=" in core)
        if "=" in core and "->" in core:
            return self.matching(answers, at, fmt)
        flag = core.split("#", 1)[0].strip()
        if flag in _TRUE_FALSE:
            return self.true_false(core, fmt)
        return self.short_answer(answers, at, fmt)

    def pieces(self, answers: str, at: int, markers: str) -> list[tuple[str, str, int]]:
        """Split at each marker char: (marker or "" for leading text, rest, offset); blank lead dropped."""
        out, last, marker = [], 0, ""
        for match in re.finditer(f"[{re.escape(markers)}]", answers):
            out.append((marker, answers[last:match.start()], at + last))
            last, marker = match.end(), match[0]
        out.append((marker, answers[last:], at + last))
        return [p for p in out if p[0] or p[1].strip()]

    def weight(self, rest: str, offset: int, default: int) -> tuple[Decimal, str]:
        stripped = rest.lstrip()
        match = _WEIGHT_RE.match(stripped)
        if not match:
            return Decimal(default), rest
        value = Decimal(match[1])
        if not -100 <= value <= 100:
            self.problem(offset, "The weight %(weight)s%% is not between -100%% and 100%%.", weight=match[1])
        return value / 100, stripped[match.end():]

    def feedback_fields(self, item: dict, raw: str, fmt: str) -> dict:
        text, text_format = self.with_format(raw, fmt)
        item["feedback"] = text
        if text and text_format != fmt:
            item["feedback_format"] = text_format
        return item

    def choice(self, answers, at, fmt, *, single):
        options, seen = [], {}
        for marker, rest, offset in self.pieces(answers, at, "~="):
            fraction, rest = self.weight(rest, offset, 1 if marker == "=" else 0)
            label, _, feedback = rest.partition("#")
            text, text_format = self.with_format(label, fmt)
            seen[text] = seen.get(text, -1) + 1
            option = {"id": stable_item_id(text, seen[text]), "text": text, "fraction": _number(fraction)}
            if text_format != fmt:
                option["text_format"] = text_format
            options.append(self.feedback_fields(option, feedback, fmt))
        return ("single_choice" if single else "multiple_choice"), {"options": options}

    def short_answer(self, answers, at, fmt):
        items = []
        for _marker, rest, offset in self.pieces(answers, at, "="):
            fraction, rest = self.weight(rest, offset, 1)
            label, _, feedback = rest.partition("#")
            item = {"text": _unescape(label).strip(), "fraction": _number(fraction)}
            items.append(self.feedback_fields(item, feedback, fmt))
        return "short_answer", {"answers": items}

    def numerical(self, answers, at, fmt):
        body_at = at + answers.index("#") + 1
        body, _, wrong = answers[body_at - at:].partition("~")
        items, problems_before = [], len(self.problems)
        for _marker, rest, offset in self.pieces(body, body_at, "="):
            fraction, rest = self.weight(rest, offset, 1)
            label, _, feedback = rest.partition("#")
            value = self.numeric_value(_unescape(label).strip(), offset)
            if value is None:
                continue
            item = {"value": value[0], "tolerance": value[1], "fraction": _number(fraction)}
            items.append(self.feedback_fields(item, feedback, fmt))
        if not items and len(self.problems) == problems_before:
            self.problem(at, "A numerical question needs at least one number after #.")
        if wrong:
            wrong_at = body_at + len(body)
            if "~" in wrong:
                self.problem(wrong_at, "A numerical question may have only one ~#feedback for other answers.")
            elif wrong.split("#", 1)[0].strip():
                self.problem(wrong_at, "Only #feedback may follow ~ in a numerical question.")
            item = {"value": "*", "tolerance": 0, "fraction": 0}
            items.append(self.feedback_fields(item, wrong.partition("#")[2], fmt))
        return "numerical", {"answers": items}

    def numeric_value(self, label: str, offset: int):
        """``3``, ``3:2`` or ``1..5`` → (value, tolerance) as JSON numbers; a range becomes its midpoint."""
        if label == "*":
            return "*", 0
        low, dots, high = label.partition("..")
        center, colon, tolerance = label.partition(":")
        parts = [low, high] if dots else [center, tolerance] if colon else [label]
        if not all(_NUMBER_RE.fullmatch(p.strip()) for p in parts):
            self.problem(offset, "%(answer)s is not a number, a number:tolerance or a min..max range.",
                         answer=label or "(empty)")
            return None
        numbers = [Decimal(p.strip()) for p in parts]
        if dots:
            if numbers[0] > numbers[1]:
                self.problem(offset, "In the range %(answer)s the minimum is larger than the maximum.", answer=label)
                return None
            return _number((numbers[0] + numbers[1]) / 2), _number((numbers[1] - numbers[0]) / 2)
        if colon and numbers[1] < 0:
            self.problem(offset, "The tolerance in %(answer)s is negative.", answer=label)
            return None
        return _number(numbers[0]), _number(numbers[1]) if colon else 0

    def matching(self, answers, at, fmt):
        pairs, distractors, seen = [], [], {}
        for _marker, rest, offset in self.pieces(answers, at, "="):
            premise_raw, arrow, answer = rest.partition("->")
            if not arrow:
                self.problem(offset, "Each matching answer needs the form =premise -> answer.")
                continue
            premise, premise_format = self.with_format(premise_raw, fmt)
            answer = _unescape(answer).strip()
            if not answer:
                self.problem(offset, "A matching answer after -> is empty.")
            elif not premise:
                distractors.append(answer)
            else:
                seen[premise] = seen.get(premise, -1) + 1
                pair = {"id": stable_item_id(premise, seen[premise]), "premise": premise, "answer": answer}
                if premise_format != fmt:
                    pair["premise_format"] = premise_format
                pairs.append(pair)
        definition = {"pairs": pairs}
        if distractors:
            definition["distractors"] = distractors
        return "matching", definition

    def true_false(self, core, fmt):
        flag, *feedbacks = core.split("#", 2)
        wrong, right = (feedbacks + ["", ""])[:2]
        correct = _TRUE_FALSE[flag.strip()]
        # Moodle's order is answer#feedback-if-wrong#feedback-if-right; we store it by the learner's answer.
        definition: dict = {"correct": correct}
        on_true, on_false = (right, wrong) if correct else (wrong, right)
        for key, raw in (("feedback_true", on_true), ("feedback_false", on_false)):
            text, text_format = self.with_format(raw, fmt)
            definition[key] = text
            if text and text_format != fmt:
                definition[f"{key}_format"] = text_format
        return "true_false", definition
