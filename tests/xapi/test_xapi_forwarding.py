"""Forwarding every stored statement to an external LRS through the webhook outbox: Basic credentials,
the xAPI version header, the LMS-Signature, retries, and a killed worker losing nothing."""
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import TEST_SECRET_KEY
from lms.timeutil import utcnow
from lms.webhooks.models import WebhookDelivery, WebhookSubscription
from lms.webhooks.worker import run_once
from lrs_receiver import ReceivingLrs
from xapi_kit import statement, token_headers

LMS = str(Path(sys.executable).with_name("lms"))


def add_target(app, runner, lrs: ReceivingLrs) -> None:
    result = runner.invoke(args=["xapi", "forward-add", lrs.url, "--username", "lrs-user", "--password", "lrs-pass"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        lrs.secret = db.session.scalar(sa.select(WebhookSubscription.secret))


def delivery_states(app):
    with app.app_context():
        return sorted(db.session.scalars(sa.select(WebhookDelivery.status)))


def test_statements_are_forwarded_with_credentials_and_signature_and_retried(app, client, runner):
    writer = token_headers(app, "xapi:write")
    with ReceivingLrs("lrs-user", "lrs-pass", status=lambda n: 503 if n == 1 else 200) as lrs:
        add_target(app, runner, lrs)
        ids = client.post("/xapi/statements", json=[statement(), statement()], headers=writer).json
        with app.app_context():
            assert run_once(10) == {"delivered": 0, "failed": 1}  # the LRS was down
            db.session.execute(sa.update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
            db.session.commit()
            assert run_once(10) == {"delivered": 1, "failed": 0}
        assert set(lrs.statements) == set(ids)
        assert lrs.statements[ids[0]]["authority"]["name"] == "host-portal"
        assert all(request["verified"] for request in lrs.requests)
    assert delivery_states(app) == ["delivered"]
    assert "lrs-pass" not in runner.invoke(args=["xapi", "forward-list"]).output


def test_an_inactive_target_gets_nothing(app, client, runner):
    with ReceivingLrs("lrs-user", "lrs-pass") as lrs:
        add_target(app, runner, lrs)
        with app.app_context():
            db.session.execute(sa.update(WebhookSubscription).values(active=False))
            db.session.commit()
        client.post("/xapi/statements", json=statement(), headers=token_headers(app, "xapi:write"))
    assert delivery_states(app) == []


def worker(database_url, instance_root, *args):
    env = {**os.environ, "LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(instance_root),
           "LMS_SECRET_KEY": TEST_SECRET_KEY, "LMS_WEBHOOK_LEASE_SECONDS": "2", "LMS_WEBHOOK_TIMEOUT_SECONDS": "10"}
    return subprocess.Popen([LMS, "worker", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_a_killed_worker_loses_no_forwarded_statement(app, client, runner, database_url, instance_root):
    writer = token_headers(app, "xapi:write")
    with ReceivingLrs("lrs-user", "lrs-pass", delay=lambda n: 30 if n == 1 else 0) as lrs:
        add_target(app, runner, lrs)
        ids = [client.post("/xapi/statements", json=statement(), headers=writer).json[0] for _ in range(3)]
        first = worker(database_url, instance_root, "--interval", "0.2", "--batch", "1")
        try:
            lrs.wait_for(1)
            os.kill(first.pid, signal.SIGKILL)
        finally:
            first.wait(timeout=30)
            first.stdout.close()
        assert delivery_states(app) == ["pending"] * 3
        time.sleep(2.5)  # the dead worker's lease runs out
        second = worker(database_url, instance_root, "--once")
        output, _ = second.communicate(timeout=60)
        assert second.returncode == 0, output
        assert set(lrs.statements) == set(ids)
    assert delivery_states(app) == ["delivered"] * 3


def test_an_admin_adds_a_forward_target_on_the_admin_page(app, client, demo):
    from lms.testing import csrf_token, sign_in

    sign_in(client, "admin")
    page = client.get("/admin/xapi/forwarding")
    assert page.status_code == 200
    refused = client.post("/admin/xapi/forwarding", data={"url": "ftp://nope", "username": "k",
                                                          "csrf_token": csrf_token(client, "/admin/xapi/forwarding")})
    assert refused.status_code == 400 and 'value="k"' in refused.get_data(as_text=True)
    added = client.post("/admin/xapi/forwarding", data={
        "url": "https://lrs.example/xapi/statements", "username": "key", "password": "pw-Zq81xx",
        "csrf_token": csrf_token(client, "/admin/xapi/forwarding")})
    assert added.status_code == 201 and "https://lrs.example/xapi/statements" in added.get_data(as_text=True)
    assert "pw-Zq81xx" not in added.get_data(as_text=True)  # the password is never shown again
    with app.app_context():
        target = db.session.scalar(sa.select(WebhookSubscription))
        assert target.events == "xapi.statement" and target.auth_header.startswith("Basic ")
    sign_in(client, "manager")
    assert client.get("/admin/xapi/forwarding").status_code == 403
