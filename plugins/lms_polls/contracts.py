"""Frozen event payloads of the lms_polls plugin."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PollReminder:
    """One reminder: which poll (and its survey), which dealer (None: all), whom to remind."""

    reminder_id: int
    poll_id: int
    survey_id: int
    dealer_id: int | None
    user_ids: tuple[int, ...]
    sent_by: int
