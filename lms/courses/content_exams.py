"""The exams of a course folder: ``[quiz]`` (one exam, the original format) or ``[[quiz]]`` (several).

One exam, unchanged since the first format::

    [quiz]
    completion = "exam_only"         # or "lessons_and_exam" (default): what completes the course
    file = "final-exam.gift"         # required; a GIFT file next to course.toml
    pass_percent = 80                # 1..100, default 80
    max_attempts = 3                 # 0 = unlimited (default)
    time_limit_minutes = 30          # 0 = none (default)
    shuffle = true                   # default true
    feedback = "after_submit"        # after_submit (default) | after_pass | never
    details = "final-exam.quiz.json" # optional JSON sidecar (lms.quizzes.exam_details)

Several exams, in the order learners meet them, each with its own pass mark; ``completion`` applies
to all of them and is written in the first (a later one must agree or leave it out)::

    [[quiz]]
    title = "Промежуточный тест"     # optional, default: the course's title
    file = "mid-test.gift"
    pass_percent = 60
    draws = [{category = ["Продукты", "Хранение"], count = 3, mark = 1},
             {category = ["Безопасность"], count = 2}]
    [[quiz]]
    title = "Итоговый экзамен"
    file = "final-exam.gift"

``draws`` (either form): random questions drawn anew for each attempt, ``count`` (1..500) from the
question-bank category named by its path from the top (made, empty, when missing: its questions
come with the question bank, not with the course), ``mark`` each (default 1).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from lms.courses.content_sources import DrawSource, QuizSource
from lms.courses.content_toml import REQUIRED, Problems, is_type, line_of, read_table
from lms.courses.uploads import is_unsafe_name

QUIZ_FEEDBACK = ("after_submit", "after_pass", "never")
QuizChecker = Callable[[str], Iterable[tuple[int | None, str]]]
DetailsChecker = Callable[[str, str], Iterable[str]]  # (GIFT text, sidecar JSON text) -> problems
QUIZ_SPEC = {
    "file": (str, REQUIRED), "pass_percent": (int, 80), "max_attempts": (int, 0), "time_limit_minutes": (int, 0),
    "shuffle": (bool, True), "feedback": (str, "after_submit"), "completion": (str, None),
    "details": (str, None), "title": (str, None), "draws": (list, ()),
}
COMPLETION_RULES = ("lessons_and_exam", "exam_only")


def read_beside(course_dir: Path, name: str, suffix: str, problems: Problems, line: int | None, missing: str) -> str | None:
    """The text of a file named in course.toml next to it, or None with the problem added."""
    path = course_dir / name
    if is_unsafe_name(name) or not name.endswith(suffix) or not path.is_file():
        problems.add(course_dir / "course.toml", line, missing, name=name)
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, None, "The file is not UTF-8 text.")
        return None


def load_exams(course_dir: Path, value: object, text: str, problems: Problems, check_quiz: QuizChecker | None,
               check_details: DetailsChecker | None = None) -> tuple[QuizSource, ...]:
    """``[quiz]`` or ``[[quiz]]`` of course.toml as the course's exams (empty with problems added)."""
    toml_path = course_dir / "course.toml"
    tables = [value] if isinstance(value, dict) else value
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        problems.add(toml_path, line_of(text, "quiz"), "“%(key)s” must be of type %(type)s.", key="quiz", type="table")
        return ()
    exams, start = [], 1
    for table in tables:
        line = line_of(text, "quiz", start)
        start = (line or start) + 1
        exam = _load_exam(course_dir, table, text, problems, check_quiz, check_details, line)
        if exam is not None:
            exams.append(exam)
    rules = {exam.completion for exam in exams if exam.completion is not None}
    if len(rules) > 1:
        problems.add(toml_path, line_of(text, "completion"), "Every exam of a course must give the same completion.")
    rule = rules.pop() if len(rules) == 1 else "lessons_and_exam"
    return tuple(replace(exam, completion=rule) for exam in exams)


def _load_exam(course_dir: Path, table: dict, text: str, problems: Problems, check_quiz, check_details,
               line: int | None) -> QuizSource | None:
    toml_path = course_dir / "course.toml"
    values = read_table(table, QUIZ_SPEC, problems, toml_path, text, prefix="quiz.", start=line or 1)
    if not 1 <= values["pass_percent"] <= 100 or values["max_attempts"] < 0 or values["time_limit_minutes"] < 0:
        problems.add(toml_path, line, "In [quiz], pass_percent must be 1..100 and the other numbers not negative.")
    if values["feedback"] not in QUIZ_FEEDBACK:
        problems.add(toml_path, line, "In [quiz], feedback must be one of: %(values)s.", values=", ".join(QUIZ_FEEDBACK))
    if values["completion"] is not None and values["completion"] not in COMPLETION_RULES:
        problems.add(toml_path, line, "In [quiz], completion must be one of: %(values)s.", values=", ".join(COMPLETION_RULES))
    draws = _load_draws(values["draws"], toml_path, line_of(text, "draws", line or 1), problems)
    name, details = values["file"], values["details"]
    if name is None:
        return None
    quiz_text = read_beside(course_dir, name, ".gift", problems, line,
                            "The quiz file “%(name)s” does not exist next to course.toml (a .gift file).")
    if quiz_text is None:
        return None
    for quiz_line, message in (check_quiz(quiz_text) if check_quiz else ()):
        problems.add(course_dir / name, quiz_line, message)
    details_text = None
    if details is not None:
        details_text = read_beside(course_dir, details, ".json", problems, line,
                                   "The quiz details file “%(name)s” does not exist next to course.toml (a .json file).")
        if details_text is None:
            return None
        for message in (check_details(quiz_text, details_text) if check_details else ()):
            problems.add(course_dir / details, None, "%(problem)s", problem=message)
    kept = ("pass_percent", "max_attempts", "time_limit_minutes", "shuffle", "feedback", "completion", "title")
    return QuizSource(name, quiz_text, **{key: values[key] for key in kept}, details_file=details,
                      details_text=details_text, draws=draws)


def _load_draws(items: list, toml_path: Path, line: int | None, problems: Problems) -> tuple[DrawSource, ...]:
    draws = []
    for item in items:
        good = (isinstance(item, dict) and set(item) <= {"category", "count", "mark"}
                and is_type(item.get("category"), "list[str]") and item["category"]
                and is_type(item.get("count"), int) and 1 <= item["count"] <= 500
                and isinstance(item.get("mark", 1), (int, float)) and not isinstance(item.get("mark", 1), bool)
                and 0.01 <= item.get("mark", 1) <= 1000)
        if not good:
            problems.add(toml_path, line, "Each of quiz.draws needs category (a list of names from the top), "
                                          "count 1..500 and optionally mark 0.01..1000.")
            continue
        draws.append(DrawSource(tuple(item["category"]), item["count"], item.get("mark", 1)))
    return tuple(draws)
