"""``lms worker``: deliver pending webhooks, forever or once."""
from __future__ import annotations

import signal
import time

import click
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron and tests).")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds to wait when nothing is due.")
@click.option("--batch", default=10, show_default=True, type=click.IntRange(1, 500),
              help="Deliveries claimed at a time.")
@with_appcontext
def worker_command(once: bool, interval: float, batch: int):
    """Deliver webhook events from the outbox, retrying failures with backoff."""
    from lms.webhooks.worker import run_once

    stopping = []
    if not once:
        # SIGTERM finishes the delivery in hand, then exits; a kill -9 is covered by claim leases.
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        click.echo(f"Webhook worker started (batch {batch}, idle interval {interval:g} s).")
    while True:
        counts = run_once(batch)
        if counts["delivered"] or counts["failed"]:
            click.echo(f"Delivered {counts['delivered']}, failed {counts['failed']} (will retry or give up).")
        if once or stopping:
            return
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline and not stopping:
            time.sleep(min(0.2, interval))
        if stopping:
            return
