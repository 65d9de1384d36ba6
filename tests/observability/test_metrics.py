"""/metrics: refused without the bearer token; its series move with the requests, saves and renders."""
import pytest
from prometheus_client.parser import text_string_to_metric_families

from lms.testing import add_published_course, complete_course, load_core_demo

TOKEN = "scrape-token-for-tests-0123456789"


def scrape(client, token=TOKEN) -> dict:
    """``{(sample name, sorted labels): value}`` of one scrape."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.status_code
    assert response.content_type.startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def metrics_app(app_factory):
    return app_factory(METRICS_TOKEN=TOKEN)


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer ", TOKEN])
def test_a_scrape_without_the_token_is_refused(metrics_app, header):
    headers = {"Authorization": header} if header is not None else {}
    response = metrics_app.test_client().get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"lms_http_request" not in response.data


def test_without_a_configured_token_nobody_may_scrape(client):
    assert client.get("/metrics", headers={"Authorization": "Bearer None"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def test_request_latency_is_counted_per_endpoint_not_per_url(metrics_app):
    client = metrics_app.test_client()
    before = scrape(client)
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page-1")
    client.get("/no-such-page-2")
    client.get("/courses/987654")
    after = scrape(client)
    count = "lms_http_request_duration_seconds_count"
    assert value(after, count, endpoint="portal.healthz", method="GET", status="200") - \
        value(before, count, endpoint="portal.healthz", method="GET", status="200") == 3
    assert value(after, count, endpoint="unmatched", method="GET", status="404") - \
        value(before, count, endpoint="unmatched", method="GET", status="404") == 2
    assert not any("no-such-page" in str(labels) or "987654" in str(labels) for _, labels in after)
    buckets = [key for key in after if key[0] == "lms_http_request_duration_seconds_bucket"
               and ("endpoint", "portal.healthz") in key[1]]
    assert len(buckets) > 5  # a histogram, with its buckets


def test_an_unusual_method_does_not_make_a_new_series(metrics_app):
    client = metrics_app.test_client()
    client.open("/healthz", method="PROPFIND")
    assert not any(("method", "PROPFIND") in labels for _, labels in scrape(client))


def test_queue_depth_and_certificate_timings(app_factory):
    """A certificate left to the worker is a due item; making its PDF is timed (the stamp step)."""
    from lms.certificates.models import Certificate
    from lms.extensions import db
    from lms.worker import run_once

    app = app_factory(METRICS_TOKEN=TOKEN, CERTIFICATE_PDF_IN_WORKER=True, PUBLIC_BASE_URL="https://lms.test/")
    client = app.test_client()
    load_core_demo(app)
    course_id = add_published_course(app, slug="metrics-course", title="Metrics")
    with app.app_context():
        from lms.auth.models import User

        learner_id = db.session.query(User.id).filter_by(role="learner").first()[0]
    before = scrape(client)
    assert value(before, "lms_worker_queue_depth", queue="certificate_pdf") == 0
    complete_course(app, learner_id, course_id, score_percent=90)
    pending = scrape(client)
    assert value(pending, "lms_worker_queue_depth", queue="certificate_pdf") == 1
    assert value(pending, "lms_worker_queue_lag_seconds", queue="certificate_pdf") >= 0
    with app.app_context():
        run_once(10)
        assert db.session.query(Certificate).filter(Certificate.pdf_sha256.is_(None)).count() == 0
    after = scrape(client)
    assert value(after, "lms_worker_queue_depth", queue="certificate_pdf") == 0
    # The learner's values are stamped on the course's prepared page and signed: one "stamp" step;
    # "render" and "sign" time only the full renders a stamp cannot show (none here).
    for step, count in (("stamp", 1), ("render", 0), ("sign", 0)):
        assert value(after, "lms_certificate_pdf_step_duration_seconds_count", step=step) - \
            value(before, "lms_certificate_pdf_step_duration_seconds_count", step=step) == count


def test_outbox_backlog_and_webhook_queue(metrics_app):
    from lms.extensions import db
    from lms.timeutil import utcnow
    from lms.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

    client = metrics_app.test_client()
    with metrics_app.app_context():
        subscription = WebhookSubscription(url="https://hooks.example.com/x", secret="s" * 43, events="certificate.issued")
        db.session.add(subscription)
        db.session.flush()
        now = utcnow()
        for index, (status, due) in enumerate([(DeliveryStatus.PENDING, now), (DeliveryStatus.PENDING, now),
                                               (DeliveryStatus.PENDING, now.replace(year=now.year + 1)),
                                               (DeliveryStatus.FAILED, now)]):
            db.session.add(WebhookDelivery(uuid=f"00000000-0000-0000-0000-00000000000{index}", event_id="e",
                                           subscription_id=subscription.id, event="certificate.issued",
                                           payload="{}", status=status, next_attempt_at=due))
        db.session.commit()
    samples = scrape(client)
    assert value(samples, "lms_worker_queue_depth", queue="webhook_delivery") == 2
    assert value(samples, "lms_outbox_backlog") == 3
    assert value(samples, "lms_outbox_failed") == 1


def test_autosave_timings_are_their_own_histogram(metrics_app):
    """Every save of an answer is observed (here refused: the attempt does not exist)."""
    from lms.testing import csrf_token, sign_in

    load_core_demo(metrics_app)
    client = metrics_app.test_client()
    sign_in(client, "learner")
    token = csrf_token(client, "/")
    before = scrape(client)
    for _ in range(2):
        client.post("/quizzes/attempts/987654/autosave", json={"position": 1, "seq": 1, "fields": {}},
                    headers={"X-CSRFToken": token})
    after = scrape(client)
    total = sum(v for (name, _), v in after.items() if name == "lms_quiz_autosave_duration_seconds_count") - \
        sum(v for (name, _), v in before.items() if name == "lms_quiz_autosave_duration_seconds_count")
    assert total == 2


def test_a_scrape_costs_four_queries_whatever_the_backlog(metrics_app, query_counter):
    client = metrics_app.test_client()
    scrape(client)
    with query_counter() as counted:
        scrape(client)
    assert len([s for s in counted if s.lstrip().upper().startswith("SELECT")]) == 4
