"""``lms worker``: the portal's background process, for work that must not run inside a request.

Each domain or plugin contributes its due work through ``lms_worker_run_once`` (webhook
deliveries, certificate PDFs, …). The loop calls every implementation, then waits while nothing
was due: on PostgreSQL it LISTENs for the notification sent when work is enqueued (and still polls
after ``--interval``), on SQLite it polls. Run as many as the machine has idle cores, on one node
or several (``--processes N`` starts N at once): each claims its work with leases
(``lms.coordination.leases``), and says it is alive through a heartbeat, so that no web request
renders a PDF while a worker can. Run them at a lower CPU priority (``nice -n 10 lms worker``), so
rendering PDFs never slows an exam's answer saves. See docs/workers.md.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext

RESTART_PAUSE_SECONDS = 1.0


def run_once(batch_size: int) -> dict[str, int]:
    """Every plugin's due work, once; the counts of what was done, summed by label."""
    from lms.database import background_writes
    from lms.plugins import plugin_manager

    totals: dict[str, int] = {}
    with background_writes():
        for counts in plugin_manager().hook.lms_worker_run_once(batch_size=batch_size):
            for label, count in (counts or {}).items():
                totals[label] = totals.get(label, 0) + int(count)
    return totals


# ``--once`` repeats its pass while work gets done: one domain's work queues another's (a
# certificate issued by the pass queues its e-mail, which the same cron run should send).
ONCE_MAX_PASSES = 10


def drain(batch: int) -> dict[str, int]:
    """Passes until one does nothing (at most ONCE_MAX_PASSES); the summed counts."""
    totals: dict[str, int] = {}
    for _ in range(ONCE_MAX_PASSES):
        counts = _run_guarded(batch, once=True)
        for label, count in counts.items():
            totals[label] = totals.get(label, 0) + count
        if not any(counts.values()):
            break
    return totals


def _run_guarded(batch: int, once: bool) -> dict[str, int]:
    try:
        return run_once(batch)
    except Exception:
        # A plugin's failure must not stop the others' work for good: log it, pause, go on.
        from lms.extensions import db

        db.session.rollback()
        current_app.logger.exception("Background work failed")
        if once:
            raise
        return {}


def _beat_until(app, worker_id: str, every: float, done: threading.Event) -> None:
    """The heartbeat runs in its own thread, so a long render never makes a live worker look dead."""
    from lms.coordination import heartbeat
    from lms.extensions import db

    with app.app_context():
        while not done.wait(every):
            try:
                heartbeat.beat(worker_id)
            except Exception:
                db.session.rollback()
                app.logger.warning("Worker %s could not record its heartbeat", worker_id, exc_info=True)
        db.session.remove()


def work_loop(interval: float, batch: int, stopping) -> None:
    """Beat, work, wait for a notification or the interval; until ``stopping()``."""
    from lms.coordination import heartbeat, leases
    from lms.coordination.wakeup import Listener
    from lms.extensions import db

    worker_id = leases.new_claim_id()
    listener = Listener(db.engine)
    beat_every = heartbeat.beat_interval()
    heartbeat.beat(worker_id)
    beating = threading.Event()
    beater = threading.Thread(target=_beat_until, args=(current_app._get_current_object(), worker_id, beat_every,
                                                         beating), name="lms-worker-heartbeat", daemon=True)
    beater.start()
    try:
        while not stopping():
            counts = _run_guarded(batch, once=False)
            if any(counts.values()):
                click.echo(", ".join(f"{label}: {count}" for label, count in sorted(counts.items()) if count))
                continue  # more may be due: no pause while there is a backlog
            listener.wait(interval, stopping)
    finally:
        beating.set()
        beater.join(10)
        listener.close()
        try:
            heartbeat.forget(worker_id)
        except Exception:  # the database is gone too: the heartbeat simply ages out
            current_app.logger.warning("Could not remove worker %s's heartbeat", worker_id)


def supervise(processes: int, argv: list[str]) -> None:
    """Run ``processes`` single workers as child processes; restart one that dies; pass SIGTERM on."""
    stopping = []
    children: list[subprocess.Popen] = []

    def stop(*_):
        stopping.append(True)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    children.extend(subprocess.Popen(argv) for _ in range(processes))
    click.echo(f"Worker supervisor started {processes} workers: {', '.join(str(c.pid) for c in children)}.")
    while True:
        for index, child in enumerate(children):
            if child.poll() is not None and not stopping:
                click.echo(f"Worker {child.pid} exited with {child.returncode}; starting another.", err=True)
                time.sleep(RESTART_PAUSE_SECONDS)
                children[index] = subprocess.Popen(argv)
        if stopping and all(child.poll() is not None for child in children):
            return
        time.sleep(0.2)


def _single_worker_argv() -> list[str]:
    """This command line again, with ``--processes`` dropped (the children are single workers)."""
    args, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg == "--processes":
            skip = True
        elif not arg.startswith("--processes="):
            args.append(arg)
    return [sys.executable, sys.argv[0], *args]


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now, and what that work queues, then exit (for cron and tests).")
@click.option("--interval", default=None, type=click.FloatRange(0.1, 3600),
              help="Seconds between polls when nothing is due (default 1; 10 on PostgreSQL, "
                   "where a notification wakes the worker at once).")
@click.option("--batch", default=10, show_default=True, type=click.IntRange(1, 500),
              help="Items (deliveries, PDFs) each plugin takes at a time.")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes to run side by side (each renders one PDF at a time).")
@with_appcontext
def worker_command(once: bool, interval: float | None, batch: int, processes: int):
    """Background work: webhook deliveries, certificate PDFs and whatever plugins add."""
    from lms.extensions import db

    if once:
        counts = drain(batch)
        if any(counts.values()):
            click.echo(", ".join(f"{label}: {count}" for label, count in sorted(counts.items()) if count))
        return
    if processes > 1:
        db.engine.dispose()  # the supervisor keeps no connections
        supervise(processes, _single_worker_argv())
        return
    if interval is None:
        interval = 10.0 if db.engine.dialect.name == "postgresql" else 1.0
    stopping = []
    # SIGTERM finishes the item in hand, then exits; a kill -9 is covered by the leases (another
    # worker takes the claimed items over when they end) and the heartbeat ages out.
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo(f"Worker started (pid {os.getpid()}, batch {batch}, idle interval {interval:g} s).")
    work_loop(interval, batch, lambda: bool(stopping))
