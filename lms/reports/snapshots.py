"""Snapshots of the all-dealer reports that read every progress row, attempt or certificate.

Over all dealers, the courses report, the activity series and the coverage summary aggregate up to
a million rows each (around a second on a small server, `bench/reports.py`). ``lms worker`` recomputes them in the
background (``refresh_due``), and the pages and exports for all dealers read the last result while
it is younger than ``REPORT_SNAPSHOT_MINUTES``, saying when it was computed. Any narrower view (a
region, a tier, a dealer, and every dealer admin's) is computed live: it is fast through the
indexes, and it never reads a snapshot of data it may not see. Without a worker, or with a stale
snapshot, the all-dealer pages are computed live as before.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from lms.coordination.leases import dialect_insert
from lms.extensions import db
from lms.reports import activity, course_stats, coverage
from lms.reports.models import ReportSnapshot
from lms.reports.scope import Scope
from lms.timeutil import utcnow


def _courses() -> list[dict]:
    return course_stats.course_rows(Scope())


def _activity() -> list[dict]:
    weeks = activity.weekly(Scope(), utcnow(), activity.MAX_WEEKS)
    return [{**week, "week": week["week"].isoformat()} for week in weeks]


# The coverage summary is kept for the default horizon only; other horizons are computed live.
COVERAGE_DAYS = 30


def _coverage(by: str) -> list[list]:
    summary = coverage.summary_by_column(Scope(), by, utcnow(), COVERAGE_DAYS)
    # int(): PostgreSQL's SUM gives Decimal, which JSON does not take.
    return [[key, int(c.staff), int(c.valid), int(c.expiring), int(c.expired), bool(c.assigned)]
            for key, c in summary.items()]


# key -> how to compute it (over all dealers); the pages read the same keys.
COMPUTE: dict[str, Callable[[], list]] = {
    "courses": _courses, "activity": _activity,
    "coverage:course": lambda: _coverage("course"), "coverage:product_line": lambda: _coverage("product_line"),
}


@dataclass(frozen=True)
class Snapshot:
    rows: list[dict]
    computed_at: dt.datetime


def max_age() -> dt.timedelta:
    return dt.timedelta(minutes=float(current_app.config["REPORT_SNAPSHOT_MINUTES"]))


def fresh(key: str, scope: Scope) -> Snapshot | None:
    """The snapshot for ``key`` when ``scope`` is all dealers and it is young enough; else None."""
    if scope != Scope() or max_age() <= dt.timedelta(0):
        return None
    row = db.session.execute(sa.select(ReportSnapshot.payload, ReportSnapshot.computed_at)
                             .where(ReportSnapshot.key == key)).first()
    if row is None or utcnow() - row.computed_at >= max_age():
        return None
    return Snapshot(row.payload, row.computed_at)


def course_rows(scope: Scope) -> tuple[list[dict], dt.datetime | None]:
    """The courses report's rows, and when they were computed (None: just now)."""
    snapshot = fresh("courses", scope)
    return (snapshot.rows, snapshot.computed_at) if snapshot else (course_stats.course_rows(scope), None)


def weekly(scope: Scope, weeks: int) -> tuple[list[dict], dt.datetime | None]:
    """The last ``weeks`` weeks of activity, and when they were computed (None: just now)."""
    snapshot = fresh("activity", scope)
    now = utcnow()
    if snapshot is None or activity.first_monday(snapshot.computed_at, 1) != activity.first_monday(now, 1):
        return activity.weekly(scope, now, weeks), None  # none, or computed in an earlier week
    rows = [{**week, "week": dt.date.fromisoformat(week["week"])} for week in snapshot.rows[-weeks:]]
    return rows, snapshot.computed_at


def coverage_summary(scope: Scope, by: str, days: int) -> tuple[dict, dt.datetime | None]:
    """{key: Counts} of the coverage columns, and when they were computed (None: just now)."""
    snapshot = fresh(f"coverage:{by}", scope) if days == COVERAGE_DAYS else None
    if snapshot is None:
        return coverage.summary_by_column(scope, by, utcnow(), days), None
    return ({key: coverage.Counts(staff, valid, expiring, expired, assigned=assigned)
             for key, staff, valid, expiring, expired, assigned in snapshot.rows}, snapshot.computed_at)


def refresh_due() -> int:
    """Recompute the snapshots older than half their lifetime (so pages never fall back to live); commits each."""
    if max_age() <= dt.timedelta(0):
        return 0
    ages = dict(db.session.execute(sa.select(ReportSnapshot.key, ReportSnapshot.computed_at)).all())
    db.session.rollback()
    done = 0
    for key, compute in COMPUTE.items():
        if key in ages and utcnow() - ages[key] < max_age() / 2:
            continue
        computed_at = utcnow()
        try:
            rows = compute()
            # End the reading transaction first: SQLite refuses at once (no busy wait) a reader
            # that turns writer while another connection writes, which failed the snapshot with
            # "database is locked" beside a busy portal. The write is then a transaction of its own.
            db.session.rollback()
            table = ReportSnapshot.__table__
            db.session.execute(dialect_insert(table).values(key=key, payload=rows, computed_at=computed_at)
                               .on_conflict_do_update(index_elements=["key"],
                                                      set_={"payload": rows, "computed_at": computed_at}))
            db.session.commit()
        except Exception:
            # The pages fall back to live figures; the worker's other work goes on.
            db.session.rollback()
            current_app.logger.exception("Computing the %s report snapshot failed", key)
            continue
        done += 1
    return done
