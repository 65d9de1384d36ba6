"""Values the courses domain exchanges with other domains through hooks (frozen, no ORM objects)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CourseRequirement:
    """One condition of course completion besides the lessons, e.g. "the final quiz is passed".

    ``score_percent`` is the learner's result for it (the certificate shows it), or None.
    """

    met: bool
    reason: str | None = None
    score_percent: float | None = None


@dataclass(frozen=True)
class CourseCompletion:
    """A learner completed a course (all required lessons done, every requirement met)."""

    user_id: int
    course_id: int
    course_version: int
    score_percent: float | None
    completed_at: datetime
