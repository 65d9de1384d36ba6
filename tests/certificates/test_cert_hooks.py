"""The certificates domain's hooks, exercised through plugins as a real plugin would use them."""
import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa
from cert_support import certificates, complete, make_course, user_id
from lms.testing import DEMO_EMAILS, csrf_token

from lms import hookimpl
from lms.certificates.contracts import CertificateInfo
from lms.extensions import db
from lms.timeutil import utcnow


class Recorder:
    """Records event hooks; optionally vetoes issuing or supplies a template."""

    def __init__(self, blockers=None, template=None):
        self.events, self.blockers, self.template, self.calls = [], blockers, template, []

    @hookimpl
    def lms_certificate_issued(self, certificate):
        self.events.append(("issued", certificate))

    @hookimpl
    def lms_certificate_revoked(self, certificate):
        self.events.append(("revoked", certificate))

    @hookimpl
    def lms_certificate_expiring(self, certificate, days_left):
        self.events.append(("expiring", certificate, days_left))

    @hookimpl
    def lms_certificate_blockers(self, user, course):
        self.calls.append((user, course))
        return self.blockers

    @hookimpl
    def lms_certificate_template(self, course):
        return self.template


def test_hook_lms_certificate_issued(app_factory, demo):
    recorder = Recorder()
    app = app_factory(plugins=[recorder])
    uid = user_id(app, DEMO_EMAILS["learner"])
    complete(app, uid, make_course(app), score_percent=91.0)
    ((kind, info),) = recorder.events
    assert kind == "issued" and isinstance(info, CertificateInfo) and info.status == "valid"
    assert info.user_id == uid and info.score_percent == 91.0 and info.verify_url.endswith(info.code)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.serial = "forged"


def test_hook_lms_certificate_revoked(app_factory, demo):
    recorder = Recorder()
    app = app_factory(plugins=[recorder])
    complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
    (certificate,) = certificates(app)
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS["manager"], "password": "demo-password",
                                "csrf_token": csrf_token(client)})
    token = csrf_token(client, "/certificates/manage/")
    assert client.post(f"/certificates/manage/{certificate.id}/revoke", data={"reason": " ", "csrf_token": token},
                       headers={"Accept-Language": "ru"}).status_code == 422
    client.post(f"/certificates/manage/{certificate.id}/revoke", data={"reason": "Нарушение", "csrf_token": token})
    kinds = [event[0] for event in recorder.events]
    assert kinds == ["issued", "revoked"]
    info = recorder.events[1][1]
    assert info.status == "revoked" and info.revoke_reason == "Нарушение" and info.revoked_at is not None


def test_hook_lms_certificate_blockers(app_factory, login_as, demo):
    recorder = Recorder(blockers=["Сначала оплатите обучение"])
    app = app_factory(plugins=[recorder])
    uid = user_id(app, DEMO_EMAILS["learner"])
    complete(app, uid, make_course(app))
    assert certificates(app) == []
    user, course = recorder.calls[0]
    assert user["id"] == uid and "email" not in user and course["slug"] == "tractor-service"

    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS["learner"], "password": "demo-password",
                                "csrf_token": csrf_token(client)})
    page = client.get("/certificates/").get_data(as_text=True)
    assert "Сначала оплатите обучение" in page
    from lms.certificates.models import CertificatePending

    with app.app_context():
        pending_id = db.session.scalar(sa.select(CertificatePending.id))
    recorder.blockers = None  # the plugin's condition is now met
    response = client.post(f"/certificates/pending/{pending_id}/retry",
                           data={"csrf_token": csrf_token(client, "/certificates/")})
    assert response.status_code == 302
    (certificate,) = certificates(app)
    page = client.get("/certificates/").get_data(as_text=True)
    assert certificate.serial in page and "Сначала оплатите обучение" not in page


def test_hook_lms_certificate_template(app_factory, demo, tmp_path):
    hostile = (
        '<html><body><h1>CUSTOM {{ learner_name }}</h1>'
        '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
        '<iframe src="file:///etc/passwd"></iframe><p>{{ serial }}</p></body></html>'
    )
    app = app_factory(plugins=[Recorder(template=hostile)])
    complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
    (certificate,) = certificates(app)
    from lms.certificates.storage import read_pdf

    with app.app_context():
        pdf = read_pdf(certificate.pdf_sha256)
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    import subprocess

    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "CUSTOM" in text and certificate.serial in text
    assert "root:" not in text and b"root:x:" not in pdf and b"/EmbeddedFile" not in pdf


def test_hook_lms_certificate_expiring(app_factory, demo, caplog):
    recorder = Recorder()
    app = app_factory(plugins=[recorder])
    complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
    complete(app, user_id(app, DEMO_EMAILS["learner2"]), make_course(app, slug="other", validity=0))
    from lms.certificates.models import Certificate

    with app.app_context():
        db.session.execute(sa.update(Certificate).where(Certificate.expires_at.is_not(None))
                           .values(expires_at=utcnow() + dt.timedelta(days=10, hours=1)))
        db.session.commit()
    caplog.set_level("INFO", logger="lms.certificates.cli")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "remind", "--days", "30"])
    assert result.exit_code == 0 and "Reminders sent: 1" in result.output
    expiring = [event for event in recorder.events if event[0] == "expiring"]
    assert len(expiring) == 1 and expiring[0][2] == 10 and expiring[0][1].learner_name == "Иван Петров"
    from lms.notifications.models import Notification, OutgoingMail

    with app.app_context():  # told in the learner's notification centre; the e-mail waits for an SMTP host
        kinds = db.session.scalars(sa.select(Notification.kind)).all()
        assert kinds.count("certificate_expiring") == 1
        assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) >= 1
    again = runner.invoke(args=["certificates", "remind", "--days", "30"])
    assert "Reminders sent: 0" in again.output
    assert len([event for event in recorder.events if event[0] == "expiring"]) == 1
    # A different threshold is a different reminder.
    assert "Reminders sent: 1" in runner.invoke(args=["certificates", "remind", "--days", "14"]).output
