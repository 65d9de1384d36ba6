"""Worker heartbeats: each ``lms worker`` process says it is alive, so web requests know to leave work to it.

A web request renders a certificate PDF only while no worker is alive (WeasyPrint must never run
in two threads of one web process; a worker renders one at a time). A worker killed with -9 leaves
its row behind to age past ``WORKER_ALIVE_SECONDS``.
"""
from __future__ import annotations

import os
import socket
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from lms.coordination.leases import dialect_insert
from lms.coordination.models import WorkerHeartbeat
from lms.extensions import db
from lms.timeutil import utcnow

FORGET_AFTER = timedelta(days=1)  # rows of workers long gone are deleted by the next worker to beat


def alive_window() -> timedelta:
    return timedelta(seconds=float(current_app.config["WORKER_ALIVE_SECONDS"]))


def beat_interval() -> float:
    """Seconds between two beats of a worker: well inside the window, so a busy worker never looks dead."""
    return max(0.5, float(current_app.config["WORKER_ALIVE_SECONDS"]) / 6)


def beat(worker_id: str) -> None:
    """Record that ``worker_id`` (this process) is alive now. Commits."""
    now = utcnow()
    table = WorkerHeartbeat.__table__
    db.session.rollback()
    db.session.execute(
        dialect_insert(table).values(worker_id=worker_id, hostname=socket.gethostname()[:100], pid=os.getpid(),
                                     started_at=now, seen_at=now)
        .on_conflict_do_update(index_elements=["worker_id"], set_={"seen_at": now}))
    db.session.execute(sa.delete(table).where(table.c.seen_at < now - FORGET_AFTER))
    db.session.commit()


def forget(worker_id: str) -> None:
    """A worker that stops cleanly says so at once, so requests stop counting on it. Commits."""
    db.session.rollback()
    db.session.execute(sa.delete(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker_id))
    db.session.commit()


def workers_alive(now=None) -> int:
    """How many worker processes beat within the window (one query; does not commit)."""
    since = (now or utcnow()) - alive_window()
    return db.session.scalar(sa.select(sa.func.count()).select_from(WorkerHeartbeat)
                             .where(WorkerHeartbeat.seen_at >= since)) or 0


def any_worker_alive(now=None) -> bool:
    since = (now or utcnow()) - alive_window()
    return db.session.scalar(sa.select(sa.exists().where(WorkerHeartbeat.seen_at >= since))) or False
