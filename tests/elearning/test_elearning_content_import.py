"""`lms import` reads package zips in a course folder through the upload page's pipeline, all or nothing."""
import shutil

import sqlalchemy as sa

from lms.courses.models import Course, CourseSection, Lesson
from lms.elearning.models import ElearningPackage, ElearningUnit
from lms.extensions import db
from lms.testing import shared_fixture

COURSE_TOML = """title = "Golf"
language = "en"
[targeting]
all = true
"""
LESSON = """---
title = "Before you start"
---
Read this first.
"""
TABLES = (Course, CourseSection, Lesson, ElearningPackage, ElearningUnit)


def course_folder(tmp_path, zip_parts):
    folder = tmp_path / "content" / "golf"
    folder.mkdir(parents=True)
    (folder / "course.toml").write_text(COURSE_TOML, encoding="utf-8")
    (folder / "01-start.md").write_text(LESSON, encoding="utf-8")
    shutil.copyfile(shared_fixture("elearning", *zip_parts), folder / "08-golf.zip")
    return folder


def counts(app):
    with app.app_context():
        return {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in TABLES}


def course_lessons(app):
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "golf"))
        return [(s.title, [(l.id, l.slug, l.body) for l in s.lessons]) for s in course.sections]


def test_a_scorm_zip_in_a_course_folder_becomes_a_lesson_and_reimport_keeps_it(app, runner, tmp_path):
    folder = course_folder(tmp_path, ("rustici-golf", "ContentPackagingSingleSCO_SCORM12.zip"))
    result = runner.invoke(args=["import", str(folder.parent)])
    assert result.exit_code == 0, result.output
    sections = course_lessons(app)
    assert [lesson[1] for lesson in sections[0][1]] == ["start"]
    assert len(sections) == 2 and len(sections[1][1]) == 1
    with app.app_context():
        package = db.session.scalar(sa.select(ElearningPackage))
        assert package.kind == "scorm12" and package.manifest["content_file"] == "08-golf.zip"
        assert sections[1][1][0][2].endswith(f"/elearning/scorm/{package.id}/play)")
        assert set(db.session.scalars(sa.select(ElearningUnit.lesson_id))) == {sections[1][1][0][0]}
    before = counts(app)
    again = runner.invoke(args=["import", str(folder.parent)])
    assert again.exit_code == 0, again.output
    assert "golf: unchanged" in again.output
    assert counts(app) == before and course_lessons(app) == sections

    # A changed zip under the same name is a new version: its lesson replaces the old one's.
    shutil.copyfile(shared_fixture("elearning", "rustici-golf", "RuntimeBasicCalls_SCORM12.zip"), folder / "08-golf.zip")
    third = runner.invoke(args=["import", str(folder.parent)])
    assert third.exit_code == 0, third.output
    replaced = course_lessons(app)
    assert replaced[0] == sections[0] and len(replaced) == 2 and len(replaced[1][1]) == 1
    with app.app_context():
        newest = db.session.scalars(sa.select(ElearningPackage).order_by(ElearningPackage.id)).all()[-1]
        assert newest.id != package.id and replaced[1][1][0][2].endswith(f"/elearning/scorm/{newest.id}/play)")


def test_a_broken_zip_refuses_the_whole_import_and_stores_nothing(app, runner, tmp_path):
    folder = course_folder(tmp_path, ("moodle", "invalid.zip"))
    shutil.copyfile(shared_fixture("elearning", "moodle", "badscorm.zip"), folder / "09-bad.zip")
    before = counts(app)
    result = runner.invoke(args=["import", str(folder.parent)])
    assert result.exit_code != 0
    # Every refused package is named with its problem, as the upload page would say it.
    assert "golf/08-golf.zip: " in result.output and "golf/09-bad.zip: " in result.output
    assert counts(app) == before


def test_a_misnamed_zip_is_an_error_not_silently_dropped(app, runner, tmp_path):
    folder = course_folder(tmp_path, ("rustici-golf", "ContentPackagingSingleSCO_SCORM12.zip"))
    (folder / "08-golf.zip").rename(folder / "Golf Package.zip")
    result = runner.invoke(args=["import", str(folder.parent)])
    assert result.exit_code != 0 and "NN-slug.zip" in result.output
    assert counts(app)["course"] == 0


def test_export_writes_the_zip_back_and_reimport_keeps_the_package(app, runner, tmp_path):
    folder = course_folder(tmp_path, ("rustici-golf", "ContentPackagingSingleSCO_SCORM12.zip"))
    assert runner.invoke(args=["import", str(folder.parent)]).exit_code == 0
    sections, before = course_lessons(app), counts(app)
    result = runner.invoke(args=["export", "golf", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    exported = tmp_path / "out" / "golf"
    assert (exported / "08-golf.zip").read_bytes() == (folder / "08-golf.zip").read_bytes()
    again = runner.invoke(args=["import", str(exported.parent)])
    assert again.exit_code == 0, again.output
    assert counts(app) == before and course_lessons(app) == sections
