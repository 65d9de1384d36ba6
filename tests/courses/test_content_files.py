"""Courses as files: the real content/ validates, every problem is reported with file and line, export round-trips."""
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lms.courses.content_files import (
    AssetSource,
    ContentError,
    CourseSource,
    LessonSource,
    QuizSource,
    SectionSource,
    Targeting,
    load_content_root,
    load_course_dir,
)
from lms.courses.content_export import write_course_dir
from lms.courses.markdown import make_renderer, render_markdown

CONTENT = Path(__file__).resolve().parents[2] / "content"


def problems_of(error: ContentError) -> set[tuple[str, int | None, str]]:
    return {(problem.file, problem.line, problem.message) for problem in error.problems}


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("sources"))
    return target


def test_real_content_validates_with_the_promised_structure():
    courses = {course.slug: course for course in load_content_root(CONTENT)}
    assert set(courses) == {"fertilizer-safety", "npk-product-line"}

    safety = courses["fertilizer-safety"]
    assert safety.title == "Безопасное хранение и применение минеральных удобрений"
    assert safety.language == "ru" and safety.targeting == Targeting(all=True)
    assert safety.certificate_validity_months == 24
    kinds = [lesson.kind for lesson in safety.lessons]
    assert kinds.count("markdown") >= 4 and kinds.count("pdf") >= 1
    assert all(len(lesson.body) > 400 for lesson in safety.lessons if lesson.kind == "markdown")
    images = [asset for asset in safety.assets if asset.kind == "png"]
    assert len(images) >= 2 and all(asset.size < 60_000 for asset in images)
    assert safety.quiz.file_name == "final-exam.gift" and safety.quiz.text.count("::q") >= 12

    npk = courses["npk-product-line"]
    assert npk.language == "en" and npk.targeting.tiers == ("gold", "silver") and not npk.targeting.all
    assert len(npk.lessons) == 3 and npk.quiz is not None


def test_real_pdf_lesson_is_a_real_readable_pdf():
    safety = load_course_dir(CONTENT / "fertilizer-safety")
    pdf_lesson = next(lesson for lesson in safety.lessons if lesson.kind == "pdf")
    asset = next(asset for asset in safety.assets if asset.name == pdf_lesson.file)
    text = subprocess.run(["pdftotext", asset.path, "-"], capture_output=True, text=True, check=True).stdout
    assert "Россыпь, разлив и возгорание удобрений" in text


def test_real_lessons_render_with_their_images():
    renderer = make_renderer()
    for course in load_content_root(CONTENT):
        served = {asset.name: f"/media/{course.slug}/{asset.name}" for asset in course.assets}
        for lesson in course.lessons:
            html = render_markdown(lesson.body, renderer=renderer, resolve_asset=served.get)
            assert "<script" not in html
            for name in re.findall(r"\]\(assets/([^)\s]+)", lesson.body):
                assert f'src="/media/{course.slug}/{name}"' in html


@pytest.mark.parametrize("slug", ["fertilizer-safety", "npk-product-line"])
def test_export_then_import_gives_back_the_same_course(tmp_path, slug):
    original = load_course_dir(CONTENT / slug)
    written = write_course_dir(original, tmp_path / "export")
    assert written == tmp_path / "export" / slug
    again = load_course_dir(written)
    assert again == original
    assert load_course_dir(write_course_dir(again, tmp_path / "second")) == original


def test_round_trip_keeps_awkward_values(tmp_path):
    pdf = CONTENT / "fertilizer-safety/assets/pamyatka-razliv.pdf"
    guide = AssetSource("docs/guide.pdf", hashlib.sha256(pdf.read_bytes()).hexdigest(), pdf.stat().st_size, "pdf", pdf)
    body = 'Text with "quotes", \\backslash\\ and `code`.\n\n::: tip\nx\n:::\n'
    lesson = LessonSource("01-intro.md", "intro", 'Title "quoted" \\ back', "markdown", False, 0, None, None, None,
                          ("docs/guide.pdf",), body, 0)
    video = LessonSource("02-clip.md", "clip", "Видео", "video", True, None, None, None, "https://video.example/v?id=1&t=2",
                         (), "", 0)
    course = CourseSource(
        "awkward", 'Курс "в кавычках"', 'Line one\nline two with \\ and """triple""" quotes"', "ru", False,
        Targeting(False, ("gold",), ("Краснодарский край",), ("2310000001",)), 0,
        QuizSource("quiz.gift", "::q::2+2? {#4}\n", 90, 2, 15, False, "never"),
        (SectionSource("", (lesson,)), SectionSource("Раздел \\ 2", (video,))), (guide,), tmp_path / "src",
    )
    assert load_course_dir(write_course_dir(course, tmp_path / "out")) == course


def test_write_refuses_a_non_empty_folder(tmp_path):
    course = load_course_dir(CONTENT / "npk-product-line")
    (tmp_path / course.slug).mkdir()
    (tmp_path / course.slug / "old.txt").write_text("x")
    with pytest.raises(FileExistsError):
        write_course_dir(course, tmp_path)


def test_every_problem_is_reported_with_file_and_line_and_nothing_loads(content_copy):
    safety = content_copy / "fertilizer-safety"
    npk = content_copy / "npk-product-line"
    toml = (npk / "course.toml").read_text(encoding="utf-8")
    (npk / "course.toml").write_text(toml.replace('language = "en"', 'language = en'), encoding="utf-8")
    lesson = (safety / "01-vvedenie.md").read_text(encoding="utf-8")
    (safety / "01-vvedenie.md").write_text(lesson.replace("minutes = 10", "minutes = ten"), encoding="utf-8")
    (safety / "03-npk-karbamid-kas.md").write_text(
        '---\ntitle = "x"\ncolour = "red"\n---\nText\n\n![a](assets/missing.png)\n\n![b](https://evil.example/b.png)\n',
        encoding="utf-8")
    (safety / "assets" / "fake.pdf").write_bytes(b"<html>not a pdf</html>")
    (safety / "08-extra.md").write_text('---\ntitle = "Unlisted"\n---\nBody\n', encoding="utf-8")
    (safety / "09-video.md").write_text('---\ntitle = "V"\nkind = "video"\nvideo_url = "http://x.example/v"\n---\n', encoding="utf-8")
    (safety / "Bad Name.md").write_text("x", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content_root(content_copy)
    found = problems_of(caught.value)
    expected = {
        ("npk-product-line/course.toml", 5, "The file is not valid TOML: %(detail)s"),
        ("fertilizer-safety/01-vvedenie.md", 5, "The front matter is not valid TOML: %(detail)s"),
        ("fertilizer-safety/03-npk-karbamid-kas.md", 3, "Unknown key “%(key)s”."),
        ("fertilizer-safety/03-npk-karbamid-kas.md", 7, "The asset “%(name)s” does not exist in assets/."),
        ("fertilizer-safety/03-npk-karbamid-kas.md", 9, "Images must come from the course's assets/: “%(src)s”."),
        ("fertilizer-safety/assets/fake.pdf", None, "The asset's content does not match its name or is not a supported type."),
        ("fertilizer-safety/08-extra.md", None, "The lesson is not listed in any [[sections]] of course.toml."),
        ("fertilizer-safety/09-video.md", 4, "“video_url” must be an https:// address."),
        ("fertilizer-safety/09-video.md", None, "The lesson is not listed in any [[sections]] of course.toml."),
        ("fertilizer-safety/Bad Name.md", None, "A lesson file must be a plain file named NN-slug.md (e.g. 01-storage.md)."),
    }
    assert expected <= found, found - expected
    text = str(caught.value)
    assert "npk-product-line/course.toml:5: The file is not valid TOML" in text
    assert "fertilizer-safety/01-vvedenie.md:5:" in text


def test_course_toml_rules(content_copy):
    npk = content_copy / "npk-product-line"
    (npk / "course.toml").write_text(
        'title = ""\nlanguage = "english"\nsummary = "typo"\n\n[targeting]\nall = true\ntiers = ["gold"]\n\n'
        '[quiz]\nfile = "missing.gift"\npass_percent = 0\n\n[[sections]]\ntitle = "One"\ncolour = "red"\n'
        'lessons = ["01-the-range.md", "01-the-range.md", "04-nope.md"]\n',
        encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_course_dir(npk)
    messages = {(p.line, p.message % p.params if p.params else p.message) for p in caught.value.problems}
    assert (1, "The title must not be empty.") in messages
    assert (2, "language must be a two-letter code such as ru or en.") in messages
    assert (3, "Unknown key “summary”.") in messages
    assert (5, "Targeting needs either all = true or at least one of tiers, regions, dealers, not both.") in messages
    assert (9, "In [quiz], pass_percent must be 1..100 and the other numbers not negative.") in messages
    assert (9, "The quiz file “missing.gift” does not exist next to course.toml (a .gift file).") in messages
    assert (15, "Unknown key “sections.colour”.") in messages
    assert (13, "The lesson file “01-the-range.md” is listed twice.") in messages
    assert (13, "The lesson file “04-nope.md” does not exist.") in messages
    assert (None, "The lesson is not listed in any [[sections]] of course.toml.") in messages


def test_lessons_follow_their_number_without_sections(tmp_path):
    course = tmp_path / "numbered"
    course.mkdir()
    (course / "course.toml").write_text('title = "N"\nlanguage = "en"\n[targeting]\nregions = ["North"]\n', encoding="utf-8")
    for name in ("10-last.md", "02-second.md", "1-bad.md", "01-first.md"):
        (course / name).write_text(f'---\ntitle = "{name}"\n---\nBody of {name}\n', encoding="utf-8")
    with pytest.raises(ContentError):
        load_course_dir(course)
    (course / "1-bad.md").unlink()
    loaded = load_course_dir(course)
    assert [lesson.slug for lesson in loaded.lessons] == ["first", "second", "last"]
    assert loaded.sections[0].title == "" and loaded.quiz is None and loaded.certificate_validity_months is None
    (course / "02-first.md").write_text('---\ntitle = "dup"\n---\nx\n', encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_course_dir(course)
    assert "Two lessons share the number %(number)s; number them uniquely or list [[sections]]." in {p.message for p in caught.value.problems}


def test_pdf_and_video_lessons_check_their_assets(tmp_path):
    course = tmp_path / "media"
    (course / "assets").mkdir(parents=True)
    shutil.copy(CONTENT / "fertilizer-safety/assets/sklad-skhema.png", course / "assets" / "plan.png")
    (course / "course.toml").write_text('title = "M"\nlanguage = "ru"\n[targeting]\nall = true\n', encoding="utf-8")
    (course / "01-slides.md").write_text('---\ntitle = "S"\nkind = "pdf"\nfile = "plan.png"\n---\n', encoding="utf-8")
    (course / "02-clip.md").write_text('---\ntitle = "C"\nkind = "video"\n---\n', encoding="utf-8")
    (course / "03-text.md").write_text('---\ntitle = "T"\nfile = "plan.png"\n---\n', encoding="utf-8")
    (course / "04-open.md").write_text('---\ntitle = "O"\n', encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_course_dir(course)
    found = {(p.file, p.line, p.message) for p in caught.value.problems}
    assert ("media/01-slides.md", 4, "The asset “%(name)s” is a %(kind)s file, expected one of: %(expected)s.") in found
    assert ("media/02-clip.md", 2, "A video lesson needs exactly one of “file” or “video_url”.") in found
    assert ("media/03-text.md", 3, "“%(key)s” cannot be used in a %(kind)s lesson.") in found
    assert ("media/03-text.md", 5, "A Markdown lesson needs some text after the front matter.") in found
    assert ("media/04-open.md", 1, "The front matter is not closed by a line of three dashes (---).") in found


def test_quiz_checker_problems_are_reported_in_the_gift_file(content_copy):
    def check_quiz(text):
        return [(number, "Unknown question type") for number, line in enumerate(text.splitlines(), 1) if "{#59:3}" in line]

    with pytest.raises(ContentError) as caught:
        load_content_root(content_copy, check_quiz=check_quiz)
    assert [(p.file, p.message) for p in caught.value.problems] == [("fertilizer-safety/final-exam.gift", "Unknown question type")]
    gift_lines = (CONTENT / "fertilizer-safety/final-exam.gift").read_text(encoding="utf-8").splitlines()
    assert caught.value.problems[0].line == next(n for n, line in enumerate(gift_lines, 1) if "{#59:3}" in line)


def test_missing_content_root_is_a_content_error(tmp_path):
    with pytest.raises(ContentError):
        load_content_root(tmp_path / "nowhere")
