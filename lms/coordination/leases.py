"""Leases: how several ``lms worker`` processes (on one node or many) share work without doing it twice.

A claim is one UPDATE that stamps rows with a claim id and a lease end, so it is atomic on both
databases: PostgreSQL picks the rows with ``FOR UPDATE SKIP LOCKED`` (two workers never wait for
each other, nor take the same row); SQLite runs the UPDATE as the first statement of its
transaction, which takes the single write lock before it reads, so claims queue there. A killed
worker's rows become claimable again once their lease ends.
"""
from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db
from lms.timeutil import utcnow


def new_claim_id() -> str:
    """Unique per claim, and readable in the database: which host and process holds the rows."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def process_holder() -> str:
    """This process, as the holder of named leases (stable for its lifetime)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def dialect_insert(table):
    """``INSERT`` with ``ON CONFLICT`` for the engine's database (both dialects spell it alike)."""
    return (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert(table)


def claim_rows(table: sa.Table, *, due, claimed_by, locked_until, order_by, limit: int,
               lease_seconds: float, claim_id: str) -> list[int]:
    """Lease up to ``limit`` rows of ``table`` matching ``due`` and free (no lease, or an ended one).

    Ends the session's transaction first and commits the claim; returns the claimed ids.
    """
    now = utcnow()
    pick = (sa.select(table.c.id).where(due, sa.or_(locked_until.is_(None), locked_until < now))
            .order_by(*order_by).limit(limit))
    if db.engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    db.session.rollback()
    ids = db.session.execute(
        sa.update(table).where(table.c.id.in_(pick.scalar_subquery()))
        .values({claimed_by: claim_id, locked_until: now + timedelta(seconds=lease_seconds)})
        .returning(table.c.id)).scalars().all()
    db.session.commit()
    return sorted(ids)


def hold(name: str, holder: str, seconds: float) -> bool:
    """Take or renew the named lease ``name`` for ``holder``; False while another holder has it. Commits."""
    from lms.coordination.models import NamedLease

    now = utcnow()
    until = now + timedelta(seconds=seconds)
    table = NamedLease.__table__
    db.session.rollback()
    renewed = db.session.execute(
        sa.update(table).where(table.c.name == name, sa.or_(table.c.holder == holder, table.c.held_until < now))
        .values(holder=holder, held_until=until)).rowcount
    if not renewed:  # RETURNING, not rowcount: psycopg reports -1 for an insert that did nothing
        renewed = db.session.execute(
            dialect_insert(table).values(name=name, holder=holder, held_until=until)
            .on_conflict_do_nothing(index_elements=["name"]).returning(table.c.name)).first() is not None
    db.session.commit()
    return bool(renewed)


def due_every(name: str, seconds: float) -> bool:
    """True at most once per ``seconds`` per app and ``name`` (a worker's periodic sweeps); per app,
    so a test's next app sweeps at once."""
    import time

    from flask import current_app

    last = current_app.extensions.setdefault("lms_coordination_sweeps", {})
    now = time.monotonic()
    if now - last.get(name, float("-inf")) < seconds:
        return False
    last[name] = now
    return True
