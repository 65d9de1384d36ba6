"""A view inside a running portal: request ids and JSON logs, Prometheus metrics, readiness.

``init_app`` runs in the app factory before any other request check, so every request (even one
refused by the input guard) gets its id, its log context and its latency observation. What each
part measures and how to scrape it under gunicorn is in docs/observability.md.
"""
from __future__ import annotations


def init_app(app) -> None:
    """Install request ids, log formatting and request metrics on ``app``."""
    from lms.observability import logs, metrics

    logs.init_app(app)
    metrics.init_app(app)
