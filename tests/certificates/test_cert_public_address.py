"""The public address in verify URLs, QR codes and badges comes from configuration, never from a request.

A signed PDF keeps its QR code for good: a forged ``Host`` header (or a worker with no request at
all) must not change where it points.
"""
from cert_support import certificates, complete, make_course, user_id
from lms.testing import DEMO_EMAILS


def test_the_request_host_never_reaches_the_verify_url(app_factory, demo):
    app = app_factory(SERVER_NAME=None, PUBLIC_BASE_URL="https://learn.example/portal")
    complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
    (certificate,) = certificates(app)
    response = app.test_client().get(f"/verify/{certificate.code}.json", headers={"Host": "attacker.example"})
    assert response.status_code == 200
    assert response.get_json()["verify_url"] == f"https://learn.example/portal/verify/{certificate.code}"


def test_without_a_public_address_one_is_derived_from_the_server_name_at_start_up(app_factory, demo):
    app = app_factory(SERVER_NAME="portal.test", PREFERRED_URL_SCHEME="https")
    complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
    (certificate,) = certificates(app)
    response = app.test_client().get(f"/verify/{certificate.code}.json", base_url="http://portal.test")
    assert response.get_json()["verify_url"] == f"https://portal.test/verify/{certificate.code}"
