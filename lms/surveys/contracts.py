"""Frozen payloads of the surveys domain's events (never live ORM objects)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SurveySubmission:
    """A response was submitted or edited; ``user_id`` is None for an anonymous survey."""

    survey_id: int
    response_id: int
    user_id: int | None
