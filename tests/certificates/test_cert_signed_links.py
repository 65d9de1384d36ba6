"""Signed certificate download links (issue 21): served without the account, refused when altered or
expired with a clear message, emitted only on pages that checked access, per role and per dealer."""
import re
import time

import pytest

from cert_support import certificates, complete, make_course, pdfsig, user_id
from lms.certificates import signed_links
from lms.testing import DEMO_EMAILS

LINK = re.compile(r'href="(/certificates/file/[^"]+)"')


def issue_three(app):
    course_id = make_course(app)
    for role in ("learner", "learner2", "learner3"):
        complete(app, user_id(app, DEMO_EMAILS[role]), course_id)
    return {c.learner_name: c for c in certificates(app)}


def links(client, path):
    return LINK.findall(client.get(path).get_data(as_text=True))


def link_of(certificate, found):
    return [link for link in found if f"/{certificate.pdf_sha256}/" in link]


def test_a_signed_link_is_served_without_session_or_database_and_answers_304(app, login_as, demo, query_counter,
                                                                              tmp_path):
    issued = issue_three(app)
    mine = issued["Иван Петров"]
    [link] = link_of(mine, links(login_as("learner"), "/certificates/"))
    anonymous = app.test_client()
    with query_counter() as counted:
        response = anonymous.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    # Neither the account, nor the dealer, nor the session: the one read, the certificate's revoked
    # flag by primary key, goes straight to the driver (test_revoking_… shows it is made).
    assert len(counted) == 0
    assert "Set-Cookie" not in response.headers
    assert response.headers["ETag"] == f'"{mine.pdf_sha256}"' and "immutable" in response.headers["Cache-Control"]
    assert "Signature is Valid" in pdfsig(response.get_data(), tmp_path)
    assert anonymous.get(link, headers={"If-None-Match": f'"{mine.pdf_sha256}"'}).status_code == 304
    assert anonymous.get(link, headers={"Range": "bytes=0-3"}).get_data() == b"%PDF"
    # The same page load twice emits the same link, so a browser cache keeps the file.
    assert link_of(mine, links(login_as("learner"), "/certificates/")) == [link]


@pytest.mark.parametrize("change", ["signature", "id", "sha", "serial", "expiry", "cut"])
def test_an_altered_link_is_refused_with_a_clear_message(app, login_as, demo, change):
    issued = issue_three(app)
    mine, other = issued["Иван Петров"], issued["Мария Соколова"]
    [link] = link_of(mine, links(login_as("learner"), "/certificates/"))
    prefix, cid, serial, sha, expires, signature = link.rsplit("/", 5)
    forged = {
        "signature": f"{prefix}/{cid}/{serial}/{sha}/{expires}/{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        "id": f"{prefix}/{other.id}/{serial}/{sha}/{expires}/{signature}",
        "sha": f"{prefix}/{cid}/{serial}/{other.pdf_sha256}/{expires}/{signature}",
        "serial": f"{prefix}/{cid}/{other.serial}/{sha}/{expires}/{signature}",
        "expiry": f"{prefix}/{cid}/{serial}/{sha}/{int(expires) + 3600}/{signature}",
        "cut": f"{prefix}/{cid}/{serial}/{sha}/{expires}",
    }[change]
    response = login_as("learner2").get(forged)
    assert response.status_code == 403
    assert "Ссылка для скачивания недействительна" in response.get_data(as_text=True)
    assert b"%PDF" not in response.get_data()


def test_revoking_a_certificate_refuses_its_links_at_once(app, login_as, demo):
    issued = issue_three(app)
    mine = issued["Иван Петров"]
    [link] = link_of(mine, links(login_as("learner"), "/certificates/"))
    anonymous = app.test_client()
    assert anonymous.get(link).status_code == 200
    with app.app_context():
        from lms.certificates.lifecycle import revoke_certificate
        from lms.events import commit

        revoke_certificate(mine.id, "Issued by mistake")
        commit()
    response = anonymous.get(link)
    assert response.status_code == 410 and b"%PDF" not in response.get_data()
    assert "Сертификат отозван, поэтому ссылка для скачивания больше не действует" in response.get_data(as_text=True)
    other = issued["Мария Соколова"]  # the other certificates' links still work
    [other_link] = link_of(other, links(login_as("learner2"), "/certificates/"))
    assert anonymous.get(other_link).status_code == 200


def test_an_expired_link_is_refused_with_a_clear_message(app, login_as, demo):
    mine = issue_three(app)["Иван Петров"]
    expired = signed_links.signed_path(app.config["SECRET_KEY"], certificate_id=mine.id, serial=mine.serial,
                                       sha256=mine.pdf_sha256, expires=int(time.time()) - 1)
    response = app.test_client().get(expired)
    assert response.status_code == 410
    assert "Срок действия ссылки для скачивания истёк" in response.get_data(as_text=True)


def test_a_link_signed_with_another_secret_key_is_refused(app, demo):
    mine = issue_three(app)["Иван Петров"]
    foreign = signed_links.signed_path("another-portal-secret-key", certificate_id=mine.id, serial=mine.serial,
                                       sha256=mine.pdf_sha256, expires=signed_links.link_expiry(3600))
    assert app.test_client().get(foreign).status_code == 403


@pytest.mark.parametrize("role, sees", [
    ("learner", {"Иван Петров"}),
    ("learner2", {"Мария Соколова"}),
    ("learner3", {"Дмитрий Новиков"}),
    ("author", set()),
])
def test_each_learner_page_emits_links_only_to_their_own_files(app, login_as, demo, role, sees):
    issued = issue_three(app)
    found = links(login_as(role), "/certificates/")
    assert {name for name, c in issued.items() if link_of(c, found)} == sees


@pytest.mark.parametrize("role, dealer_of", [
    ("dealer_admin", "Иван Петров"),  # their own dealer's holders only
    ("manager", None),
    ("admin", None),
])
def test_the_register_emits_links_only_within_the_viewers_dealer(app, login_as, demo, role, dealer_of):
    issued = issue_three(app)
    found = links(login_as(role), "/certificates/manage/")
    linked = {name for name, c in issued.items() if link_of(c, found)}
    if dealer_of is None:
        assert linked == set(issued)  # managers and admins see every dealer
    else:
        dealer = issued[dealer_of].dealer_id
        assert linked == {name for name, c in issued.items() if c.dealer_id == dealer}
        assert linked != set(issued)  # the demo has certificates of another dealer they must not get


def test_the_proxy_mode_hands_the_file_to_nginx(app_factory):
    from lms.testing import load_core_demo

    app = app_factory(STORAGE_SERVE_MODE="x-accel-redirect", STORAGE_ACCEL_PREFIX="/protected-files/")
    load_core_demo(app)
    mine = issue_three(app)["Иван Петров"]
    with app.test_request_context():
        from lms.certificates.models import Certificate
        from lms.certificates.views.learner import certificate_file_url
        from lms.extensions import db

        link = certificate_file_url(db.session.get(Certificate, mine.id))
    response = app.test_client().get(link)
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["X-Accel-Redirect"] == (f"/protected-files/certificates/{mine.pdf_sha256[:2]}/{mine.pdf_sha256}.pdf")
