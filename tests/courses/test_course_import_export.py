"""`lms import content/` is all-or-nothing and idempotent; `lms export` round-trips through import."""
import shutil
from pathlib import Path

import sqlalchemy as sa

from lms.courses.models import Course, CourseAsset, CourseSection, CourseTarget, Lesson
from lms.extensions import db

CONTENT = Path(__file__).resolve().parents[2] / "content"
TABLES = (Course, CourseSection, Lesson, CourseAsset, CourseTarget)


def counts(app):
    with app.app_context():
        return {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in TABLES}


def snapshot(app, slug):
    """Everything about a course except ids and timestamps."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        return {
            "course": (course.title, course.description, course.description_html, course.language, course.version,
                       course.published, course.product_line, course.certificate_validity_months, course.targets_all),
            "targets": sorted((t.kind, t.value, t.dealer_id) for t in course.targets),
            "assets": sorted((a.name, a.sha256, a.kind, a.size) for a in course.assets),
            "sections": [(s.title, [(l.slug, l.title, l.kind, l.required, l.minutes, l.body, l.body_html,
                                     l.file_asset.name if l.file_asset else None,
                                     l.preview_asset.name if l.preview_asset else None, l.video_url, l.attachments)
                                    for l in s.lessons]) for s in course.sections],
        }


def test_import_twice_makes_no_duplicates_and_changes_nothing(app, demo, runner):
    first = runner.invoke(args=["import", str(CONTENT)])
    assert first.exit_code == 0, first.output
    assert "fertilizer-safety: created" in first.output
    before = counts(app)
    assert before["course"] == 2 and before["lesson"] == 10
    with app.app_context():
        stamps = sorted(db.session.scalars(sa.select(Lesson.updated_at)))
    second = runner.invoke(args=["import", str(CONTENT)])
    assert second.exit_code == 0, second.output
    assert "fertilizer-safety: unchanged" in second.output and "npk-product-line: unchanged" in second.output
    assert counts(app) == before
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(Lesson.updated_at))) == stamps
        assert db.session.scalar(sa.select(Course.version).where(Course.slug == "fertilizer-safety")) == 1


def test_export_then_import_gives_the_same_course(app, demo, runner, tmp_path):
    assert runner.invoke(args=["import", str(CONTENT)]).exit_code == 0
    for slug in ("fertilizer-safety", "npk-product-line"):
        original = snapshot(app, slug)
        result = runner.invoke(args=["export", slug, str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
        with app.app_context():
            db.session.delete(db.session.scalar(sa.select(Course).where(Course.slug == slug)))
            db.session.commit()
        result = runner.invoke(args=["import", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
        assert snapshot(app, slug) == original
        shutil.rmtree(tmp_path / "out")


def test_a_bad_file_imports_nothing_and_names_file_and_line(app, demo, runner, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("sources"))
    lesson = content / "npk-product-line" / "02-choosing-a-grade.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("minutes =", "minutes = \"x\" #", 1), encoding="utf-8")
    result = runner.invoke(args=["import", str(content)])
    assert result.exit_code != 0
    assert "npk-product-line/02-choosing-a-grade.md:" in result.output
    assert counts(app)["course"] == 0


def test_asset_import_goes_through_the_upload_checks(app, demo, runner, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "npk-product-line", content / "npk-product-line")
    assets = content / "npk-product-line" / "assets"
    assets.mkdir(exist_ok=True)
    (assets / "huge.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    app.config["UPLOAD_LIMITS_MB"] = {"pdf": 1}
    before = stored_files(app)
    result = runner.invoke(args=["import", str(content)])
    assert result.exit_code != 0
    assert "npk-product-line/assets/huge.pdf" in result.output
    assert counts(app)["course"] == 0
    assert stored_files(app) == before


def stored_files(app):
    """Every stored upload's key (``uploads/…``), whichever storage the app uses."""
    from lms import storage

    with app.app_context():
        return set(storage.backend().keys("uploads/"))


def test_demo_data_imports_the_content(app, demo):
    from lms.plugins import plugin_manager
    from lms.events import commit

    seen = []
    for _ in range(2):
        with app.app_context():
            plugin_manager().hook.lms_load_demo_data()
            commit()
        seen.append(counts(app)["course"])
    # content/'s two courses (plus the e-learning demo course when that domain is loaded), once each.
    assert seen[0] == seen[1] >= 2
