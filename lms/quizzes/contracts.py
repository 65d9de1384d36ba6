"""Values the quiz domain hands to other domains through hooks (frozen, no ORM objects)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AttemptResult:
    """A finished, auto-graded attempt; ``passed`` is None while an essay waits for a grader."""

    attempt_id: int
    quiz_id: int
    user_id: int
    course_id: int | None
    number: int
    percent: float | None
    passed: bool | None
    needs_grading: bool
    finished_at: datetime
    expired: bool = False
