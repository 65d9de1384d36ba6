"""``lms worker``: the portal's background process, for work that must not run inside a request.

Each domain or plugin contributes its due work through ``lms_worker_run_once`` (webhook
deliveries, certificate PDFs, …). The loop calls every implementation, then sleeps while nothing
was due. Run it beside the web server, at a lower CPU priority (``nice -n 10 lms worker``), so
rendering PDFs never slows an exam's answer saves.
"""
from __future__ import annotations

import signal
import time

import click
from flask.cli import with_appcontext


def run_once(batch_size: int) -> dict[str, int]:
    """Every plugin's due work, once; the counts of what was done, summed by label."""
    from lms.plugins import plugin_manager

    totals: dict[str, int] = {}
    for counts in plugin_manager().hook.lms_worker_run_once(batch_size=batch_size):
        for label, count in (counts or {}).items():
            totals[label] = totals.get(label, 0) + int(count)
    return totals


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now, then exit (for cron and tests).")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds to wait when nothing is due.")
@click.option("--batch", default=10, show_default=True, type=click.IntRange(1, 500),
              help="Items (deliveries, PDFs) each plugin takes at a time.")
@with_appcontext
def worker_command(once: bool, interval: float, batch: int):
    """Background work: webhook deliveries, certificate PDFs and whatever plugins add."""
    stopping = []
    if not once:
        # SIGTERM finishes the item in hand, then exits; a kill -9 is covered by each plugin
        # (webhook claims expire; a certificate without its PDF is simply picked up again).
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        click.echo(f"Worker started (batch {batch}, idle interval {interval:g} s).")
    while True:
        try:
            counts = run_once(batch)
        except Exception:
            # A plugin's failure must not stop the others' work for good: log it, pause, go on.
            from flask import current_app

            from lms.extensions import db

            db.session.rollback()
            current_app.logger.exception("Background work failed")
            if once:
                raise
            counts = {}
        if any(counts.values()):
            click.echo(", ".join(f"{label}: {count}" for label, count in sorted(counts.items()) if count))
        if once or stopping:
            return
        if any(counts.values()):
            continue  # more may be due: no pause while there is a backlog
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline and not stopping:
            time.sleep(min(0.2, interval))
        if stopping:
            return
