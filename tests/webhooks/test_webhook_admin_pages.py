"""Admins manage webhook subscriptions (the secret is shown once) and read the delivery log."""
import re
from dataclasses import dataclass

import sqlalchemy as sa

from lms.testing import csrf_token
from lms.events import commit, emit
from lms.extensions import db
from lms.webhooks.models import WebhookDelivery, WebhookSubscription


@dataclass(frozen=True)
class Cert:
    id: int


def test_admin_creates_a_subscription_and_sees_the_secret_once(app, login_as):
    client = login_as("admin")
    page = client.get("/admin/webhooks")
    assert page.status_code == 200 and "Вебхуки" in page.get_data(as_text=True)
    response = client.post("/admin/webhooks", data={
        "url": "https://partner.example.com/hooks/lms", "description": "Портал производителя",
        "events": ["certificate.issued", "course.completed"], "csrf_token": csrf_token(client, "/admin/webhooks")})
    assert response.status_code == 201
    secret = re.search(r'id="secret-value" type="text" readonly value="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        subscription = db.session.scalar(sa.select(WebhookSubscription))
        assert subscription.secret == secret and subscription.event_list == ["course.completed", "certificate.issued"]
    listing = client.get("/admin/webhooks").get_data(as_text=True)
    assert secret not in listing and "https://partner.example.com/hooks/lms" in listing


def test_bad_subscriptions_are_refused(app, login_as):
    client = login_as("admin")
    token = csrf_token(client, "/admin/webhooks")
    for data in ({"url": "ftp://x.example.com", "events": ["certificate.issued"]},
                 {"url": "https://x.example.com", "events": []},
                 {"url": "https://x.example.com", "events": ["user.deleted"]}):
        response = client.post("/admin/webhooks", data={**data, "csrf_token": token})
        assert response.status_code == 400
    assert client.post("/admin/webhooks", data={"url": "https://x.example.com", "events": ["certificate.issued"]}
                       ).status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookSubscription.id))) == 0


def test_deactivate_stops_queueing_and_only_admins_get_in(app, login_as):
    with app.app_context():
        subscription = WebhookSubscription(url="https://x.example.com", secret="s", events="certificate.issued")
        db.session.add(subscription)
        commit()
        subscription_id = subscription.id
    client = login_as("admin")
    response = client.post(f"/admin/webhooks/{subscription_id}/toggle",
                           data={"csrf_token": csrf_token(client, "/admin/webhooks")})
    assert response.status_code == 302
    with app.app_context():
        emit("lms_certificate_issued", certificate=Cert(id=1))
        commit()
        assert db.session.scalar(sa.select(sa.func.count(WebhookDelivery.id))) == 0
    assert client.post("/admin/webhooks/999/toggle",
                       data={"csrf_token": csrf_token(client, "/admin/webhooks")}).status_code == 404
    for role in ("manager", "dealer_admin"):
        other = login_as(role)
        assert other.get("/admin/webhooks").status_code == 403
        assert other.get("/admin/webhooks/deliveries").status_code == 403


def test_delivery_log_lists_deliveries_in_fixed_queries_and_retries_failed_ones(app, login_as, query_counter):
    with app.app_context():
        db.session.add(WebhookSubscription(url="https://log.example.com/h", secret="s", events="certificate.issued"))
        db.session.flush()
        for i in range(15):
            emit("lms_certificate_issued", certificate=Cert(id=i))
        commit()
        db.session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id % 3 == 0)
                           .values(status="failed", attempts=12, last_error="HTTP 500", last_status_code=500))
        commit()
    client = login_as("admin")
    client.get("/admin/webhooks/deliveries")
    with query_counter() as statements:
        page = client.get("/admin/webhooks/deliveries")
    # the session's user, the page's rows and its count, the header's unread notifications
    assert page.status_code == 200 and len(statements) <= 6
    html = page.get_data(as_text=True)
    assert html.count("https://log.example.com/h") == 15 and "HTTP 500" in html
    failed = client.get("/admin/webhooks/deliveries?status=failed").get_data(as_text=True)
    assert failed.count("https://log.example.com/h") == 5
    assert client.get("/admin/webhooks/deliveries?status=bogus").status_code == 400
    with app.app_context():
        failed_id = db.session.scalar(sa.select(WebhookDelivery.id).where(WebhookDelivery.status == "failed").limit(1))
    response = client.post(f"/admin/webhooks/deliveries/{failed_id}/retry",
                           data={"csrf_token": csrf_token(client, "/admin/webhooks/deliveries")})
    assert response.status_code == 302
    with app.app_context():
        retried = db.session.get(WebhookDelivery, failed_id)
        assert retried.status == "pending" and retried.attempts == 0


def test_event_choices_read_in_the_users_language(app, login_as):
    client = login_as("admin")
    assert "certificate.revoked — Сертификат отозван" in client.get("/admin/webhooks").get_data(as_text=True)
    assert "read:certificates — Чтение сертификатов" in client.get("/admin/api-tokens").get_data(as_text=True)
