"""Done-when of issue 5: completing a course issues a signed, verifiable certificate with a lifecycle."""
import datetime as dt
import json
import re
from urllib.parse import unquote

import jwt
import sqlalchemy as sa
from cert_support import certificates, complete, make_course, pdfsig, qr_text, user_id
from lms.testing import DEMO_EMAILS, csrf_token

from lms.certificates.openbadges import verify_badge_jwt
from lms.certificates.runtime import runtime
from lms.certificates.signing import validate_signed_pdf
from lms.extensions import db
from lms.timeutil import utcnow


def issue_for_learner(app, demo, **course):
    uid = user_id(app, DEMO_EMAILS["learner"])
    course_id = make_course(app, **course)
    assert complete(app, uid, course_id) is not None
    (certificate,) = certificates(app, user_id=uid)
    return certificate


def test_completion_issues_a_signed_certificate_whose_qr_leads_to_a_valid_page(app, login_as, demo, tmp_path):
    certificate = issue_for_learner(app, demo)
    assert re.fullmatch(rf"{utcnow().year}-000001", certificate.serial)
    assert len(certificate.code) >= 16 and certificate.learner_name == "Иван Петров"
    assert certificate.dealer_name == "АгроСнаб-Юг" and certificate.course_title == "Обслуживание тракторов"
    assert certificate.expires_at.date() > (certificate.issued_at + dt.timedelta(days=360)).date()

    client = login_as("learner")
    response = client.get(f"/certificates/{certificate.id}/download")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"Сертификат {certificate.serial}.pdf"
    pdf = response.get_data()
    report = pdfsig(pdf, tmp_path)
    assert "Signature is Valid." in report and "Total document signed" in report
    with app.app_context():
        check = validate_signed_pdf(pdf, runtime().identity.certificate)
    assert check.ok, check

    url = qr_text(pdf, tmp_path)
    assert url == f"http://lms.test/verify/{certificate.code}"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    page = app.test_client().get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-status="valid"' in html
    assert "Иван Петров" in html and "АгроСнаб-Юг" in html and "@" not in html.split("<main")[1]


def test_revocation_shows_on_the_page_in_the_json_and_in_the_badge_status(app, login_as, demo):
    certificate = issue_for_learner(app, demo)
    manager = login_as("manager")
    response = manager.post(f"/certificates/manage/{certificate.id}/revoke",
                            data={"reason": "Выдан по ошибке", "csrf_token": csrf_token(manager, "/certificates/manage/")})
    assert response.status_code == 302

    public = app.test_client()
    html = public.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert 'data-status="revoked"' in html and "Выдан по ошибке" in html
    record = public.get(f"/verify/{certificate.code}.json").get_json()
    assert record["status"] == "revoked" and record["revoke_reason"] == "Выдан по ошибке" and record["revoked_at"]
    assert "email" not in json.dumps(record)

    learner = login_as("learner")
    token = learner.get(f"/certificates/{certificate.id}/badge.jwt").get_data(as_text=True)
    claims = verify_badge_jwt(token, public.get("/badges/jwks.json").get_json())
    vc = claims["vc"]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["id"] == claims["jti"] == f"http://lms.test/verify/{certificate.code}"
    assert vc["issuer"] == public.get("/badges/issuer.json").get_json() and claims["iss"] == vc["issuer"]["id"]
    assert vc["validFrom"] and vc["validUntil"] and claims["exp"] > claims["nbf"]
    assert vc["credentialSubject"]["achievement"]["name"].startswith("Обслуживание тракторов")
    assert "demo.example.com" not in json.dumps(vc)
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    status_path = vc["credentialStatus"]["id"].replace("http://lms.test", "")
    status = public.get(status_path).get_json()
    assert status["revokedCredentials"] == [{"id": vc["id"], "revocationReason": "Выдан по ошибке"}]


def test_badge_status_is_empty_while_valid_and_issuer_documents_are_public(app, demo):
    certificate = issue_for_learner(app, demo)
    client = app.test_client()
    assert client.get(f"/badges/status/{certificate.code}").get_json()["revokedCredentials"] == []
    jwks = client.get("/badges/jwks.json").get_json()
    assert jwks["keys"][0]["alg"] == "ES256" and "d" not in jwks["keys"][0]


def test_expired_certificate_shows_expired(app, demo):
    certificate = issue_for_learner(app, demo)
    from lms.certificates.models import Certificate

    with app.app_context():
        db.session.execute(sa.update(Certificate).values(expires_at=utcnow() - dt.timedelta(days=1)))
        db.session.commit()
    client = app.test_client()
    assert 'data-status="expired"' in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert client.get(f"/verify/{certificate.code}.json").get_json()["status"] == "expired"


def test_unknown_and_malformed_codes_get_a_clear_404(app):
    client = app.test_client()
    response = client.get("/verify/aaaaaaaaaaaaaaaaaaaaaaaaaa", headers={"Accept-Language": "ru"})
    assert response.status_code == 404 and "Сертификата с таким кодом проверки нет" in response.get_data(as_text=True)
    assert client.get("/verify/../../etc").status_code == 404
    response = client.get("/verify/NOT-A-CODE.json")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "http_404"


def test_verification_is_rate_limited_per_client(app_factory):
    app = app_factory(VERIFY_RATE_LIMIT="3/minute")
    client = app.test_client()
    codes = [client.get("/verify/bbbbbbbbbbbbbbbbbbbbbbbbbb").status_code for _ in range(3)]
    assert codes == [404, 404, 404]
    response = client.get("/verify/bbbbbbbbbbbbbbbbbbbbbbbbbb", headers={"Accept-Language": "ru"})
    assert response.status_code == 429 and "Слишком много запросов на проверку" in response.get_data(as_text=True)
    other = client.get("/verify/bbbbbbbbbbbbbbbbbbbbbbbbbb", environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 404


def test_recertification_keeps_history_and_expires_older_versions(app, demo):
    from lms.courses.models import Course
    from lms.events import commit
    from lms.plugins import plugin_manager

    first = issue_for_learner(app, demo, validity=0)
    assert first.expires_at is None
    with app.app_context():
        db.session.get(Course, first.course_id).version = 2
        commit()
        plugin_manager().hook.lms_course_published(course_id=first.course_id, version=2, requires_recertification=True)
    old, = certificates(app, id=first.id)
    assert old.expires_at is not None and old.status == "valid"
    assert (old.expires_at - utcnow()).days in (89, 90)

    complete(app, first.user_id, first.course_id)
    history = certificates(app, user_id=first.user_id)
    assert [c.course_version for c in history] == [1, 2] and history[1].serial.endswith("000002")
    from lms.certificates.api import has_valid_certificate, user_certificates

    with app.app_context():
        assert has_valid_certificate(first.user_id, course_slug="tractor-service")
        assert has_valid_certificate(first.user_id, product_line="tractors")
        assert not has_valid_certificate(first.user_id, product_line="combines")
        assert [c["course_version"] for c in user_certificates(first.user_id)] == [2, 1]


def test_a_course_without_certificate_issues_none(app, demo):
    uid = user_id(app, DEMO_EMAILS["learner"])
    course_id = make_course(app, validity=None)
    complete(app, uid, course_id)
    assert certificates(app, user_id=uid) == []
