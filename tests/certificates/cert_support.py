"""Helpers for the certificates domain tests: a course, a completion, PDF tools."""
from __future__ import annotations

import subprocess
from pathlib import Path

import sqlalchemy as sa

from lms.auth.models import User
from lms.extensions import db
from lms.testing import complete_course


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def make_course(app, *, slug="tractor-service", title="Обслуживание тракторов", version=1, validity=12,
                product_line="tractors") -> int:
    from lms.courses.models import Course
    from lms.events import commit

    with app.app_context():
        course = Course(slug=slug, title=title, language="ru", version=version, published=True,
                        certificate_validity_months=validity, product_line=product_line)
        db.session.add(course)
        commit()
        return course.id


def complete(app, uid: int, course_id: int, score_percent=None):
    """Complete the course as the courses domain does: record the completion, emit, commit (fires the hook)."""
    return complete_course(app, uid, course_id, score_percent)


def certificates(app, **where):
    from lms.certificates.models import Certificate

    with app.app_context():
        query = sa.select(Certificate).filter_by(**where).order_by(Certificate.id)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def qr_text(pdf: bytes, tmp_path: Path) -> str:
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-", str(tmp_path / "page")],
                   input=pdf, check=True, capture_output=True)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
                            capture_output=True, check=True, text=True)
    return result.stdout.strip()
