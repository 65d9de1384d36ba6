"""State that must be shared between processes and nodes, checked with two apps on one database.

Two apps built by ``app_factory`` share nothing but the database (and Redis when configured),
as two gunicorn processes or two nodes do: whatever one counts or revokes, the other must see.
"""
from __future__ import annotations

import logging
import os
import socket
import time
import uuid

import pytest

from lms.coordination.redis_counter import RedisCounter, RedisUnavailable
from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token

REDIS_URL = "redis://127.0.0.1:6379/2"
UNKNOWN_CODE = "a" * 26  # well-formed, so each request is counted, then answers 404


def verify_statuses(apps, requests: int) -> list[int]:
    """``requests`` verify requests from one address, alternating between ``apps``."""
    clients = [app.test_client() for app in apps]
    return [clients[n % len(clients)].get(f"/verify/{UNKNOWN_CODE}").status_code for n in range(requests)]


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_the_verify_limit_is_counted_across_processes_in_the_database(app_factory):
    apps = [app_factory(VERIFY_RATE_LIMIT="4/hour") for _ in range(2)]
    assert verify_statuses(apps, 6) == [404, 404, 404, 404, 429, 429]


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_the_verify_limit_is_counted_across_processes_in_redis(app_factory):
    counter = RedisCounter(REDIS_URL)
    counter.incr("lms:test:ping", ttl=1)
    counter.close()
    apps = [app_factory(VERIFY_RATE_LIMIT="3/hour", REDIS_URL=REDIS_URL) for _ in range(2)]
    # A key of its own for this run: the Redis database outlives the test.
    client_address = f"10.{os.getpid() % 250}.{time.time_ns() % 250}.{uuid.uuid4().int % 250}"
    statuses = [apps[n % 2].test_client().get(f"/verify/{UNKNOWN_CODE}",
                                              environ_base={"REMOTE_ADDR": client_address}).status_code
                for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    from lms.coordination.models import RateLimitCounter
    from lms.extensions import db

    with apps[0].app_context():  # counted in Redis, not in the database
        assert db.session.query(RateLimitCounter).count() == 0


def test_an_unreachable_redis_falls_back_to_the_database_and_says_so_once(app_factory, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = app_factory(VERIFY_RATE_LIMIT="3/hour", REDIS_URL=f"redis://127.0.0.1:{closed_port}/2")
    with caplog.at_level(logging.WARNING, logger="lms.coordination.ratelimit"):
        assert verify_statuses([app], 5) == [404, 404, 404, 429, 429]
    warnings = [r for r in caplog.records if "Redis at REDIS_URL is unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_the_redis_counter_reports_a_dead_server_as_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(RedisUnavailable):
        RedisCounter(f"redis://127.0.0.1:{closed_port}/0").incr("lms:test", ttl=1)


def test_a_session_revoked_through_one_process_is_refused_by_the_other(app_factory, demo):
    first, second = app_factory(), app_factory()
    browser = first.test_client()
    browser.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                 "csrf_token": csrf_token(browser)})
    copy = second.test_client()  # the same browser, load-balanced to the other process
    copy.set_cookie("session", browser.get_cookie("session", domain="lms.test").value, domain="lms.test")
    assert copy.get("/").status_code == 200
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")})
    refused = copy.get("/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
