"""The builder's settings in the file format: the completion rule ([quiz] completion) and the
certificate template ([certificate] template) are imported, exported and refused when wrong."""
import pytest

from lms.courses.content_files import ContentError
from lms.courses.content_sync import export_course, import_content
from lms.courses.models import Course
from lms.courses.services import find_course
from lms.events import commit
from lms.extensions import db

COURSE = """title = "Хранение"
language = "ru"
[targeting]
all = true
[certificate]
validity_months = 18
template = "{template}"
[quiz]
file = "exam.gift"
completion = "{completion}"
"""
LESSON = "---\ntitle = \"Склад\"\n---\nТекст.\n"
GIFT = "::Q1:: Зерно хранят в сухости. {T}\n"


def write(root, template="default", completion="exam_only"):
    folder = root / "khranenie"
    folder.mkdir(parents=True)
    (folder / "course.toml").write_text(COURSE.format(template=template, completion=completion), encoding="utf-8")
    (folder / "01-sklad.md").write_text(LESSON, encoding="utf-8")
    (folder / "exam.gift").write_text(GIFT, encoding="utf-8")
    return folder


def test_completion_rule_and_template_round_trip(app, tmp_path):
    write(tmp_path / "in")
    with app.app_context():
        import_content(tmp_path / "in")
        commit()
        course = find_course("khranenie")
        assert (course.completion_rule, course.certificate_template, course.certificate_validity_months,
                course.certificate_months_kept) == ("exam_only", "default", 18, 18)
        exported = export_course("khranenie", tmp_path / "out") / "course.toml"
        text = exported.read_text(encoding="utf-8")
        assert 'completion = "exam_only"' in text and 'template = "default"' in text
        course.completion_rule, course.certificate_template = "lessons_and_exam", None
        commit()
        import_content(tmp_path / "out")  # the export read back restores what the folder said
        commit()
        course = find_course("khranenie")
        assert (course.completion_rule, course.certificate_template) == ("exam_only", "default")


@pytest.mark.parametrize("template, completion", [("../etc/passwd", "exam_only"), ("default", "whenever")])
def test_wrong_values_are_refused(app, tmp_path, template, completion):
    write(tmp_path, template=template, completion=completion)
    with app.app_context(), pytest.raises(ContentError) as error:
        import_content(tmp_path)
    assert any("template" in p.message or "completion" in p.message for p in error.value.problems)
    with app.app_context():
        assert db.session.query(Course).count() == 0
