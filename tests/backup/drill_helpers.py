"""The backup tests' portal: built on a database of their own, seeded, served and backed up."""
import io
import json

import sqlalchemy as sa

from lms import create_app
from lms.extensions import db
from lms.testing import (PROJECT_ROOT, TEST_SECRET_KEY, add_published_course, complete_course,
                         csrf_token, init_database, sign_in)

PDF = (PROJECT_ROOT / "content" / "fertilizer-safety" / "assets" / "pamyatka-razliv.pdf").read_bytes()
SCHEMA = "lms_restore_drill"


def portal(database_url, instance, **settings):
    return create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET_KEY, "DATABASE_URL": database_url,
                       "INSTANCE_PATH": str(instance), "SERVER_NAME": "lms.test",
                       "PUBLIC_BASE_URL": "http://lms.test/", **settings})


def close(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def seed(app) -> dict:
    """Demo data, a course file uploaded by the author, and a learner's certificate with its PDF."""
    from lms.auth.models import User
    from lms.certificates.models import Certificate
    from lms.courses.models import CourseAsset

    init_database(app, demo=True)
    course_id = add_published_course(app, slug="drill-course", title="Учения по восстановлению")
    author = app.test_client()
    sign_in(author, "author")
    response = author.post(f"/courses/manage/{course_id}/assets", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(author, f"/courses/manage/{course_id}"),
                                 "file": (io.BytesIO(PDF), "памятка.pdf")})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        learner_id = db.session.scalar(sa.select(User.id).where(User.email == "learner@demo.example.com"))
    complete_course(app, learner_id, course_id, score_percent=95)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.user_id == learner_id))
        asset = db.session.scalar(sa.select(CourseAsset).where(CourseAsset.course_id == course_id))
        assert certificate.pdf_sha256 is not None
        return {"certificate_id": certificate.id, "code": certificate.code, "asset_sha": asset.sha256}


def served(app, facts) -> dict:
    """What the portal serves a signed-in learner: the certificate PDF, the uploaded file, the verify page."""
    learner = app.test_client()
    sign_in(learner, "learner")
    certificate = learner.get(f"/certificates/{facts['certificate_id']}/download")
    asset = learner.get(f"/courses/drill-course/assets/{facts['asset_sha']}")
    verify = app.test_client().get(f"/verify/{facts['code']}.json")
    assert certificate.status_code == 200 and asset.status_code == 200 and verify.status_code == 200
    assert certificate.data.startswith(b"%PDF") and asset.data == PDF
    return {"certificate": certificate.data, "asset": asset.data, "verify": verify.get_json(),
            "courses": learner.get("/courses/").status_code}


def backup(app, folder) -> dict:
    result = app.test_cli_runner().invoke(args=["backup", "create", str(folder)])
    assert result.exit_code == 0, result.output
    return json.loads((folder / "manifest.json").read_text())
