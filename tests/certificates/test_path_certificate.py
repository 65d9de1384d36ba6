"""A learning path's own certificate: completing every course of a certifying path issues it, with the
path's title and validity; its verify page, PDF, badge and the managers' register show it."""
import sqlalchemy as sa

from cert_support import complete, make_course, user_id
from lms.extensions import db
from lms.testing import DEMO_EMAILS

VALIDITY = 18


def make_path(app, course_ids, validity=VALIDITY) -> int:
    from lms.courses.models import LearningPath
    from lms.courses.paths import set_path_courses
    from lms.events import commit

    with app.app_context():
        path = LearningPath(slug="seller", title="Продавец удобрений", certificate_validity_months=validity)
        db.session.add(path)
        db.session.flush()
        set_path_courses(path, course_ids)
        commit()
        return path.id


def path_certificates(app):
    from lms.certificates.models import Certificate

    with app.app_context():
        rows = db.session.scalars(sa.select(Certificate).where(Certificate.learning_path_id.is_not(None))).all()
        db.session.expunge_all()
        return rows


def test_completing_every_course_of_a_path_issues_its_certificate(app, demo, login_as):
    first = make_course(app, slug="npk", title="Линейка NPK")
    second = make_course(app, slug="safety", title="Безопасность", validity=None)
    path_id = make_path(app, [first, second])
    learner = user_id(app, DEMO_EMAILS["learner"])
    complete(app, learner, first)
    assert path_certificates(app) == []  # one course of two: no path certificate yet
    complete(app, learner, second)
    with app.app_context():  # asking again issues nothing more
        from lms.certificates.path_issuing import issue_completed_paths

        assert issue_completed_paths(learner, second) == []
    [certificate] = path_certificates(app)
    assert (certificate.learning_path_id, certificate.course_id, certificate.course_title) == (
        path_id, None, "Продавец удобрений")
    issued, expires = certificate.issued_at, certificate.expires_at
    assert (expires.year - issued.year) * 12 + expires.month - issued.month == VALIDITY
    assert certificate.pdf_sha256 is not None  # rendered like any certificate

    verify = app.test_client().get(f"/verify/{certificate.code}")
    assert verify.status_code == 200
    page = verify.get_data(as_text=True)
    assert "Продавец удобрений" in page and certificate.serial in page
    client = login_as("learner")
    assert "Продавец удобрений" in client.get("/certificates/").get_data(as_text=True)
    download = client.get(f"/certificates/{certificate.id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert client.get(f"/certificates/{certificate.id}/badge.jwt").status_code == 200
    register = login_as("admin").get("/certificates/manage/").get_data(as_text=True)
    assert certificate.serial in register


def test_a_path_without_a_certificate_issues_none(app, demo):
    course = make_course(app, slug="npk", title="Линейка NPK")
    make_path(app, [course], validity=None)
    complete(app, user_id(app, DEMO_EMAILS["learner"]), course)
    assert path_certificates(app) == []


def test_a_manager_reissues_a_path_certificate(app, demo):
    from lms.certificates.lifecycle import reissue_certificate
    from lms.events import commit

    course = make_course(app, slug="npk", title="Линейка NPK")
    make_path(app, [course])
    complete(app, user_id(app, DEMO_EMAILS["learner"]), course)
    [old] = path_certificates(app)
    with app.app_context():
        new = reissue_certificate(old.id)
        commit()
        new_id, new_serial = new.id, new.serial
    first, second = sorted(path_certificates(app), key=lambda c: c.edition)
    assert (first.id, first.revoked_at is not None) == (old.id, True)
    assert (second.id, second.serial, second.edition, second.revoked_at) == (new_id, new_serial, 1, None)
    assert second.course_title == "Продавец удобрений" and second.expires_at is not None
