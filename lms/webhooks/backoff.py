"""Retry schedule for failed webhook deliveries: exponential delays with a cap, optionally jittered."""
from __future__ import annotations

import random

MAX_DELIVERY_ATTEMPTS = 12
BASE_DELAY_SECONDS = 30.0
MAX_DELAY_SECONDS = 6 * 60 * 60.0


def next_attempt_delay(attempt_number: int, *, jitter: bool = False, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt ``attempt_number`` (1 = the first delivery) before the next one.

    30 s, 60 s, 120 s … doubling up to 6 hours. With ``jitter`` the delay is drawn from its upper
    half (never shorter than half), so receivers that failed together are not retried in lockstep.
    """
    if isinstance(attempt_number, bool) or not isinstance(attempt_number, int) or attempt_number < 1:
        raise ValueError(f"attempt_number must be a positive integer, not {attempt_number!r}")
    # cap the exponent first: 2 ** 10_000 would be a needlessly huge int
    delay = min(BASE_DELAY_SECONDS * 2 ** min(attempt_number - 1, 32), MAX_DELAY_SECONDS)
    if jitter:
        delay = delay / 2 + (rng or random).uniform(0, delay / 2)
    return delay


def attempts_exhausted(attempts_made: int) -> bool:
    """True once a delivery has been tried MAX_DELIVERY_ATTEMPTS times and should be marked failed."""
    return attempts_made >= MAX_DELIVERY_ATTEMPTS
