"""Request lanes: page requests take turns, hot writes never wait (issue 21).

On exam day a thousand learners save answers (one cheap statement each) while others sign in,
open lessons, start and finish exams (tens of milliseconds of CPU each). Served first come, first
served, a save queues for the CPU behind every page being rendered in its process, and the save's
p95 becomes the pages' (1.4 s at 1,000 dealers on two cores). So each process lets at most
``PAGE_CONCURRENCY`` page requests run at once; the others wait for a turn, blocked, using no CPU.
Requests to views marked hot (``mark_hot``: the quiz autosave and the SCORM run-time, which
``session_login_required`` marks), health checks, metrics and static files never wait. Throughput
is unchanged when the CPU is saturated anyway; what changes is who waits: the pages, not the
people writing an exam.

A page never waits longer than ``PAGE_LANE_WAIT`` seconds: then it runs anyway, so a few pages
stuck on a slow outside call cannot starve the rest. ``PAGE_CONCURRENCY = 0`` turns lanes off.
Turns are released in ``teardown_request``, which Flask runs before a response body is streamed,
so a long download does not hold one.
"""
from __future__ import annotations

import threading

from flask import Flask, current_app, g, request

# Endpoints that are cheap and must answer even when every page turn is taken.
ALWAYS_OPEN_ENDPOINTS = frozenset({"static", "portal.healthz", "observability.metrics"})


def mark_hot(view):
    """Mark ``view`` as a hot, cheap request that never waits for a page turn."""
    view.lms_hot = True
    return view


def init_app(app: Flask) -> None:
    limit = int(app.config.get("PAGE_CONCURRENCY") or 0)
    if limit <= 0:
        return
    app.extensions["lms_page_lane"] = threading.BoundedSemaphore(limit)
    app.before_request(_take_turn)
    app.teardown_request(_give_turn_back)


def is_hot(endpoint: str | None) -> bool:
    if endpoint is None or endpoint in ALWAYS_OPEN_ENDPOINTS:
        return endpoint is not None
    return bool(getattr(current_app.view_functions.get(endpoint), "lms_hot", False))


def _take_turn() -> None:
    if is_hot(request.endpoint):
        return
    lane = current_app.extensions["lms_page_lane"]
    # Not holding a turn after the wait is the documented escape hatch: the page runs anyway.
    g.lms_page_turn = lane.acquire(timeout=float(current_app.config.get("PAGE_LANE_WAIT") or 0))


def _give_turn_back(_error=None) -> None:
    if g.pop("lms_page_turn", False):
        current_app.extensions["lms_page_lane"].release()
