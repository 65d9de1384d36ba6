"""Pure grading arithmetic for quizzes: fractions, attempt scores, pass marks, final grades, seeded draws.

Everything here takes and returns plain values (Decimal, int, str) so the attempt service can
call it inside a transaction and unit tests can call it with no app.
"""
from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Hashable, Iterable, Sequence, TypeVar

T = TypeVar("T")

#: Fractions are kept to 7 decimal places, as Moodle does, so 1/3 credit stays stable in the DB.
FRACTION_QUANTUM = Decimal("0.0000001")
#: Marks and percentages are shown and compared to 2 decimal places.
MARK_QUANTUM = Decimal("0.01")
GRADING_METHODS = ("highest", "last", "first", "average")
MAX_COMMENT_LENGTH = 10_000


class QuizInputError(ValueError):
    """Bad input from a learner or grader; carries an English msgid and params for the view to translate."""

    def __init__(self, msgid: str, **params):
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)


def as_decimal(value) -> Decimal:
    """Convert an int, float, str or Decimal to an exact Decimal (floats via their shortest repr)."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise TypeError(f"not a number: {value!r}") from exc


def quantize_fraction(value) -> Decimal:
    """Round a fraction to the stored precision without clamping it."""
    return as_decimal(value).quantize(FRACTION_QUANTUM, rounding=ROUND_HALF_UP)


def clamp_fraction(value) -> Decimal:
    """Clamp a raw score to [0, 1] and round it to the stored precision."""
    number = as_decimal(value)
    number = min(max(number, Decimal(0)), Decimal(1))
    return number.quantize(FRACTION_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ManualGrade:
    """A human's grade for one slot (essays, or an override): a fraction in [0, 1] and a comment."""

    fraction: Decimal
    comment: str = ""


def make_manual_grade(fraction, comment: str = "") -> ManualGrade:
    """Validate a grader's input; raises QuizInputError for a fraction outside [0, 1] or a huge comment."""
    try:
        number = as_decimal(fraction)
    except TypeError:
        raise QuizInputError("The grade must be a number.") from None
    if not number.is_finite() or number < 0 or number > 1:
        raise QuizInputError("The grade must be a fraction between 0 and 1.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise QuizInputError("The comment is too long (at most %(max)d characters).", max=MAX_COMMENT_LENGTH)
    return ManualGrade(fraction=quantize_fraction(number), comment=comment)


def manual_grade_from_mark(mark, max_mark, comment: str = "") -> ManualGrade:
    """Turn a mark typed by a grader (e.g. 1.5 out of 2) into a ManualGrade."""
    try:
        mark_d, max_d = as_decimal(mark), as_decimal(max_mark)
    except TypeError:
        raise QuizInputError("The grade must be a number.") from None
    if max_d <= 0:
        raise QuizInputError("The grade must be between 0 and the maximum mark.")
    if not mark_d.is_finite() or mark_d < 0 or mark_d > max_d:
        raise QuizInputError("The grade must be between 0 and the maximum mark.")
    return make_manual_grade(mark_d / max_d, comment)


@dataclass(frozen=True)
class AttemptScore:
    """Marks of one attempt; ``needs_grading`` means some slot still waits for a human."""

    marks: Decimal
    max_marks: Decimal
    needs_grading: bool

    @property
    def percent(self) -> Decimal:
        """Score in percent, rounded to 2 places (0 for an empty quiz)."""
        if self.max_marks == 0:
            return Decimal("0.00")
        return (self.marks * 100 / self.max_marks).quantize(MARK_QUANTUM, rounding=ROUND_HALF_UP)


def slot_mark(max_mark, fraction) -> Decimal:
    """Marks earned in one slot: its max mark times the (clamped) fraction."""
    return as_decimal(max_mark) * clamp_fraction(fraction)


def attempt_score(slots: Iterable[tuple[object, object]]) -> AttemptScore:
    """Sum ``(max_mark, fraction_or_None)`` slot pairs; a None fraction counts 0 and flags needs_grading."""
    marks = Decimal(0)
    max_marks = Decimal(0)
    pending = False
    for max_mark, fraction in slots:
        max_marks += as_decimal(max_mark)
        if fraction is None:
            pending = True
        else:
            marks += slot_mark(max_mark, fraction)
    return AttemptScore(marks=marks, max_marks=max_marks, needs_grading=pending)


def is_passed(marks, max_marks, pass_mark_percent) -> bool:
    """Whether marks reach the pass mark, compared exactly (no rounding can tip a 69.995% into a pass)."""
    marks_d, max_d, pass_d = as_decimal(marks), as_decimal(max_marks), as_decimal(pass_mark_percent)
    if max_d <= 0:
        return pass_d <= 0
    return marks_d * 100 >= pass_d * max_d


def final_grade(attempt_scores: Sequence, method: str) -> Decimal | None:
    """The quiz grade from finished attempts' scores in chronological order; None when there are none."""
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r}; expected one of {GRADING_METHODS}")
    scores = [as_decimal(score) for score in attempt_scores]
    if not scores:
        return None
    if method == "highest":
        return max(scores)
    if method == "first":
        return scores[0]
    if method == "last":
        return scores[-1]
    return (sum(scores) / len(scores)).quantize(FRACTION_QUANTUM, rounding=ROUND_HALF_UP)


# --- deterministic randomness -------------------------------------------------------------


def attempt_seed(secret: str | bytes, attempt_id, purpose: str = "") -> str:
    """A per-attempt seed keyed by a server secret, so a learner who knows the attempt id cannot
    replay the shuffle and recover the authored (often correct-first) option order."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, f"{attempt_id}:{purpose}".encode(), hashlib.sha256).hexdigest()


def seeded_shuffle(items: Iterable[T], seed, *, salt: str = "") -> list[T]:
    """Shuffle a copy of ``items`` reproducibly: the same seed and salt give the same order."""
    shuffled = list(items)
    # A str seed is hashed with SHA-512 by random.Random, so the order is stable across processes.
    random.Random(f"{seed}|{salt}").shuffle(shuffled)
    return shuffled


def shuffle_question_order(slot_ids: Sequence[T], seed) -> list[T]:
    """The order in which an attempt shows its slots."""
    return seeded_shuffle(slot_ids, seed, salt="questions")


def shuffle_option_order(option_ids: Sequence[T], seed, slot) -> list[T]:
    """The order of one slot's options; the slot is mixed in so two slots never share a permutation."""
    return seeded_shuffle(option_ids, seed, salt=f"options:{slot}")


def draw_random_questions(pool_ids: Iterable[Hashable], count: int, seed, *,
                          exclude: Iterable[Hashable] = (), salt: str = "") -> list:
    """Draw ``count`` distinct question ids from a category pool, reproducibly for one attempt.

    The pool is sorted first so the database's row order cannot change the draw; ids already used
    by fixed slots (``exclude``) are never drawn twice. Raises ValueError when the pool is too small.
    """
    excluded = set(exclude)
    candidates = sorted({qid for qid in pool_ids if qid not in excluded}, key=lambda q: (str(type(q)), q))
    if count < 0:
        raise ValueError("count must not be negative")
    if count > len(candidates):
        raise ValueError(f"the category has {len(candidates)} eligible questions, {count} requested")
    return random.Random(f"{seed}|draw:{salt}").sample(candidates, count)
