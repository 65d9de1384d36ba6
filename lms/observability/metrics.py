"""Prometheus metrics: request latency per endpoint, quiz autosave and certificate PDF timings.

The metric objects are per process (Prometheus' model), created on first use. Under gunicorn each
worker process counts its own requests, so a scrape that reaches one worker would see a fraction:
with ``METRICS_MULTIPROC_DIR`` set, prometheus-client's multiprocess mode keeps every process's
values in memory-mapped files in that directory and a scrape sums them (``lms worker`` processes
on the same machine write there too, so their certificate timings appear). The directory must
be emptied when the server starts (docs/deploy/gunicorn.conf.py does it). Queue depths are not
kept here: ``queues`` reads them from the database at scrape time.

Labels are bounded: the Flask endpoint name (never the raw URL), one of the usual HTTP methods,
and the status code.
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client import values as prometheus_values
from prometheus_client.multiprocess import MultiProcessCollector

from lms.config import ConfigurationError

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # the variable prometheus-client itself reads
AUTOSAVE_ENDPOINT = "quizzes.autosave"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ENDPOINT = "unmatched"  # 404s and methods no route takes: one series, whatever the URL
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
AUTOSAVE_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0)
CERTIFICATE_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class PortalMetrics:
    """The process's metric objects (unregistered: each scrape builds its own registry)."""

    def __init__(self) -> None:
        self.request_seconds = Histogram(
            "lms_http_request_duration_seconds", "Time the portal took to answer a request, by Flask endpoint.",
            ["endpoint", "method", "status"], buckets=REQUEST_BUCKETS, registry=None)
        self.autosave_seconds = Histogram(
            "lms_quiz_autosave_duration_seconds", "Time to save one quiz answer (the autosave endpoint), by status.",
            ["status"], buckets=AUTOSAVE_BUCKETS, registry=None)
        self.certificate_seconds = Histogram(
            "lms_certificate_pdf_step_duration_seconds",
            "Time of one step of making a certificate PDF: stamp (a prepared page, signed), or, when a stamp "
            "cannot show it, render (WeasyPrint) and sign (pyHanko).",
            ["step"], buckets=CERTIFICATE_BUCKETS, registry=None)

    def collectors(self):
        return (self.request_seconds, self.autosave_seconds, self.certificate_seconds)


_lock = threading.Lock()
_metrics: PortalMetrics | None = None
_multiproc_dir: str | None = None


def multiproc_dir_of(config) -> str | None:
    """The multiprocess directory: the setting, else prometheus-client's own environment variable."""
    return str(config.get("METRICS_MULTIPROC_DIR") or os.environ.get(MULTIPROC_ENV) or "") or None


def process_metrics(multiproc_dir: str | None = None) -> PortalMetrics:
    """This process's metrics, created on first use in the mode of the first app that asks.

    prometheus-client chooses in-memory or file-backed values when a metric is created, from
    ``PROMETHEUS_MULTIPROC_DIR``; the setting is exported to it here, before our metrics exist.
    """
    global _metrics, _multiproc_dir
    with _lock:
        if _metrics is None:
            if multiproc_dir:
                Path(multiproc_dir).mkdir(parents=True, exist_ok=True)
                if os.environ.get(MULTIPROC_ENV) != multiproc_dir:
                    os.environ[MULTIPROC_ENV] = multiproc_dir
                    prometheus_values.ValueClass = prometheus_values.get_value_class()
            _metrics = PortalMetrics()
            _multiproc_dir = multiproc_dir
        elif multiproc_dir != _multiproc_dir:
            raise ConfigurationError(
                "LMS_METRICS_MULTIPROC_DIR differs between two apps of one process; metrics are per process.")
        return _metrics


def init_app(app: Flask) -> None:
    """Create (or check) the process's metrics and observe every request's latency."""
    app.extensions["lms_metrics"] = process_metrics(multiproc_dir_of(app.config))
    app.after_request(observe_request)


def endpoint_label() -> str:
    return request.url_rule.endpoint if request.url_rule is not None else UNMATCHED_ENDPOINT


def observe_request(response):
    from lms.observability.logs import request_started

    started = request_started()
    if started is None:
        return response
    observe(current_app.extensions["lms_metrics"], endpoint_label(), request.method, response.status_code,
            time.perf_counter() - started)
    return response


def observe(metrics: PortalMetrics, endpoint: str, method: str, status: int, elapsed: float) -> None:
    """Record one request's latency, from plain values (the autosave's fast path records its saves in
    the same two histograms, with their children looked up once: FastAutosave._observe_saved)."""
    method = method if method in KNOWN_METHODS else "other"
    metrics.request_seconds.labels(endpoint, method, str(status)).observe(elapsed)
    if endpoint == AUTOSAVE_ENDPOINT:
        metrics.autosave_seconds.labels(str(status)).observe(elapsed)


@contextmanager
def timed_certificate_step(step: str):
    """Observe how long the block takes as certificate PDF step ``step`` (``stamp``, ``render`` or ``sign``)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        process_metrics(_multiproc_dir).certificate_seconds.labels(step).observe(time.perf_counter() - started)


def render_latest(app: Flask) -> bytes:
    """The text exposition of this process's (or, in multiprocess mode, every process's) metrics
    plus the queue gauges read from the database now."""
    from lms.observability.queues import QueueCollector

    registry = CollectorRegistry()
    if _multiproc_dir:
        MultiProcessCollector(registry, path=_multiproc_dir)
    else:
        for collector in process_metrics().collectors():
            registry.register(collector)
    registry.register(QueueCollector())
    return generate_latest(registry)
