"""Certificate management returns to the register page it came from, never to another site (issue 17)."""
import pytest

from cert_support import certificates, complete, make_course, user_id
from lms.testing import DEMO_EMAILS, csrf_token

OFF_SITE = ["//evil.example/x", "/\\evil.example", "https://evil.example/", "/%2F%2Fevil.example",
            "javascript:alert(1)"]


@pytest.fixture
def certificate(app, demo):
    complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
    return certificates(app)[0]


@pytest.mark.parametrize("next_value", OFF_SITE)
def test_revoke_ignores_a_next_off_the_site(app, login_as, certificate, next_value):
    client = login_as("manager")
    response = client.post(f"/certificates/manage/{certificate.id}/revoke",
                           data={"csrf_token": csrf_token(client, "/certificates/manage/"),
                                 "reason": "Ошибка в данных", "next": next_value})
    assert response.status_code == 302
    assert response.headers["Location"] == "/certificates/manage/"


def test_revoke_returns_to_the_filtered_register(app, login_as, certificate):
    client = login_as("manager")
    back = "/certificates/manage/?status=valid&q=%D0%98%D0%B2%D0%B0%D0%BD"
    page = client.get(back).get_data(as_text=True)
    assert 'name="next" value="/certificates/manage/?status=valid&amp;q=%D0%98%D0%B2%D0%B0%D0%BD"' in page
    response = client.post(f"/certificates/manage/{certificate.id}/revoke",
                           data={"csrf_token": csrf_token(client, back), "reason": "Ошибка в данных", "next": back})
    assert response.status_code == 302 and response.headers["Location"] == back
