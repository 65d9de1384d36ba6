"""Autosaves that arrive together go to the database together: one statement, one commit.

In an exam campaign a worker's threads all save answers at once, and on PostgreSQL each save was
a round trip and a commit that waits for its WAL flush, the largest cost left in a save. Here a
save that finds no statement running runs its own at once (it leads); saves that arrive while one
runs wait, and when it ends the first of them leads the next statement, for all of them. A save
never waits for more than the statement ahead of it and its own, and no thread keeps leading
after its own answer is saved.

Two saves of the same slot never share a statement (an upsert cannot touch a row twice): the later
one waits for the next, so the later answer is the one stored, unless the page numbered it below
the stored one (an older save overtaken on its way: see attempts.answer_upsert).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# Rows per statement: a worker has a handful of threads, so this is a bound, not a target.
BATCH_LIMIT = 64


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class _Waiter:
    """One save. ``woken`` is held until the save is woken, which happens exactly once: releasing a
    plain lock is one operation, where an Event's set takes its condition's lock and notifies."""

    key: object
    item: object
    woken: threading.Lock = field(default_factory=_held_lock)
    leads: bool = False
    saved: bool = False


class SaveBatches:
    """Runs ``run(items) -> set of the indexes saved`` for the saves that are waiting, one batch at a time."""

    def __init__(self, run):
        self._run = run
        self._lock = threading.Lock()
        self._waiting: list[_Waiter] = []
        self._running = False

    def save(self, key, item) -> bool:
        """True if ``item`` was saved; False if its statement refused it or failed (the caller falls back)."""
        me = _Waiter(key, item)
        with self._lock:
            self._waiting.append(me)
            me.leads = not self._running
            self._running = True
        if not me.leads:
            me.woken.acquire()
            if not me.leads:
                return me.saved
        self._lead(me)
        return me.saved

    def _lead(self, me: _Waiter) -> None:
        batch = self._take()  # the leader is always first in line, so always in its batch
        saved: set[int] = set()
        try:
            saved = self._run([waiter.item for waiter in batch])
        except Exception:
            # Each save goes through the full service instead, which answers for itself.
            log.exception("a batch of %d autosaves failed; each falls back to the full save", len(batch))
        finally:
            for number, waiter in enumerate(batch):
                waiter.saved = number in saved
            with self._lock:
                following = self._waiting[0] if self._waiting else None
                if following is not None:
                    following.leads = True
                else:
                    self._running = False
            for waiter in batch:
                if waiter is not me:
                    waiter.woken.release()
            if following is not None:
                following.woken.release()

    def _take(self) -> list[_Waiter]:
        """The waiting saves in arrival order, one per key, up to BATCH_LIMIT; the rest wait on."""
        with self._lock:
            batch, later, keys = [], [], set()
            for waiter in self._waiting:
                if len(batch) < BATCH_LIMIT and waiter.key not in keys:
                    batch.append(waiter)
                    keys.add(waiter.key)
                else:
                    later.append(waiter)
            self._waiting = later
        return batch
