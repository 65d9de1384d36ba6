"""A fixed-window, in-memory request limiter per client (enough for a public verification page)."""
from __future__ import annotations

import re
import threading
import time

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_limit(text: str) -> tuple[int, int]:
    """``"60/minute"`` → (60, 60). Raises ValueError for anything else."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*", str(text or ""))
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"rate limit must look like '60/minute', got {text!r}")
    return int(match.group(1)), _UNITS[match.group(2)]


class FixedWindowLimiter:
    """Counts hits per key in the current window; old windows are dropped as time moves on."""

    def __init__(self, limit: int, window_seconds: int, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window_seconds, clock
        self._lock = threading.Lock()
        self._window_start = 0
        self._counts: dict[str, int] = {}

    def hit(self, key: str) -> bool:
        """Count one request for ``key``; False when it is over the limit."""
        window = int(self.clock() // self.window)
        with self._lock:
            if window != self._window_start:
                self._window_start, self._counts = window, {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
            return count <= self.limit
