"""Helpers shared by the courses tests (not a test module)."""
from pathlib import Path

import sqlalchemy as sa

from lms.extensions import db

CONTENT = Path(__file__).resolve().parents[2] / "content"


def import_demo_content(app):
    from lms.courses.content_sync import import_content
    from lms.events import commit

    with app.app_context():
        import_content(CONTENT)
        commit()


def course_id(app, slug):
    from lms.courses.models import Course

    with app.app_context():
        return db.session.scalar(sa.select(Course.id).where(Course.slug == slug))


def make_course(app, slug, *, lessons=1, published=True, targets_all=True, tiers=(), regions=(), dealer_tax_ids=(),
                per_section=None):
    """A course with ``lessons`` Markdown lessons (in one section, or ``per_section`` to a section)."""
    from lms.auth.models import Dealer
    from lms.courses.models import Course, CourseSection, Lesson
    from lms.courses.services import publish_course, render_course, set_targets
    from lms.events import commit

    with app.app_context():
        course = Course(slug=slug, title=f"Course {slug}", language="ru", version=0, published=False)
        db.session.add(course)
        dealer_ids = [db.session.scalar(sa.select(Dealer.id).where(Dealer.tax_id == t)) for t in dealer_tax_ids]
        set_targets(course, targets_all=targets_all, tiers=tiers, regions=regions, dealer_ids=dealer_ids)
        section = None
        for number in range(lessons):
            if section is None or (per_section and number % per_section == 0):
                section = CourseSection(title=f"Part {number}" if per_section else "", position=number)
                course.sections.append(section)
            lesson = Lesson(course=course, slug=f"l{number}", title=f"Lesson {number}", kind="markdown",
                            position=number, minutes=5, body=f"# Lesson {number}\n\nText.", attachments=[])
            db.session.add(lesson)
            lesson.section = section
        db.session.flush()
        render_course(course)
        if published:
            publish_course(course)
        commit()
        return course.id
