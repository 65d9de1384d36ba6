"""The webhook delivery log searches and pages (issue 20: search and paging on every admin list)."""
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import sign_in


def test_delivery_log_pages_and_searches(app, demo):
    from lms.webhooks.models import WebhookDelivery, WebhookSubscription

    with app.app_context():
        subscription = WebhookSubscription(url="https://hooks.example/lms", secret="s" * 32,
                                           events="certificate.issued", description="")
        db.session.add(subscription)
        db.session.flush()
        for number in range(130):
            db.session.add(WebhookDelivery(uuid=f"00000000-0000-0000-0000-{number:012d}", event_id=str(number),
                                           subscription_id=subscription.id,
                                           event="course.completed" if number == 7 else "certificate.issued",
                                           payload="{}"))
        db.session.commit()
    client = app.test_client()
    sign_in(client, "admin")
    first = client.get("/admin/webhooks/deliveries").get_data(as_text=True)
    assert "Страница 1 из 2" in first
    assert client.get("/admin/webhooks/deliveries?page=2").get_data(as_text=True).count("certificate.issued") == 29
    found = client.get("/admin/webhooks/deliveries?q=course.completed").get_data(as_text=True)
    assert found.count("00000000-0000-0000-0000-") == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookDelivery.id))) == 130
