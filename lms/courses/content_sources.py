"""What a course folder (``content/<slug>/``) is read into: plain, frozen values that the loader
(content_files.py) builds, the import (content_sync.py) stores and the export (content_export.py)
writes back, with the problems found on the way."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ContentProblem:
    """One problem in the content: file relative to the content root, 1-based line or None, English msgid."""

    file: str
    line: int | None
    message: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message % self.params if self.params else self.message}"


class ContentError(Exception):
    """Content did not validate; ``problems`` lists every problem found, nothing was loaded."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class AssetSource:
    name: str
    sha256: str
    size: int
    kind: str
    path: Path = field(compare=False)


@dataclass(frozen=True)
class PackageFileSource:
    """An e-learning package zip (SCORM, cmi5, Tin Can) named ``NN-slug.zip`` in the course folder."""

    file_name: str
    sha256: str
    path: Path = field(compare=False)


@dataclass(frozen=True)
class LessonSource:
    file_name: str
    slug: str
    title: str
    kind: str
    required: bool
    minutes: int | None
    file: str | None
    preview_pdf: str | None
    video_url: str | None
    attachments: tuple[str, ...]
    body: str
    body_line: int = field(compare=False)


@dataclass(frozen=True)
class SectionSource:
    title: str
    lessons: tuple[LessonSource, ...]


@dataclass(frozen=True)
class Targeting:
    all: bool
    tiers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    dealers: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizSource:
    file_name: str
    text: str
    pass_percent: int = 80
    max_attempts: int = 0
    time_limit_minutes: int = 0
    shuffle: bool = True
    feedback: str = "after_submit"
    # How the course is completed: "lessons_and_exam" or "exam_only" (the course's completion rule).
    completion: str = "lessons_and_exam"
    # The exam's JSON sidecar (``[quiz] details``): order, marks, tags and what GIFT cannot hold.
    details_file: str | None = None
    details_text: str | None = None
    # The exam's title when the course has several (None: the course's title).
    title: str | None = None
    # Random draws: "count questions from this category", the category as names from the top.
    draws: tuple[DrawSource, ...] = ()


@dataclass(frozen=True)
class DrawSource:
    category: tuple[str, ...]
    count: int
    mark: int | float = 1


@dataclass(frozen=True)
class CourseSource:
    slug: str
    title: str
    description: str
    language: str
    published: bool
    targeting: Targeting
    certificate_validity_months: int | None  # None: no certificate; 0: never expires
    quiz: QuizSource | None
    sections: tuple[SectionSource, ...]
    assets: tuple[AssetSource, ...]
    path: Path = field(compare=False)
    product_line: str | None = None
    certificate_template: str | None = None  # a template under templates/certificates/pdf/, None: the default
    # ``quiz`` is the course's first exam; these are the others, in order ([[quiz]] in course.toml).
    extra_exams: tuple[QuizSource, ...] = ()
    # E-learning package zips, in file-name order; each becomes its own section after the lessons.
    packages: tuple[PackageFileSource, ...] = ()

    @property
    def exams(self) -> tuple[QuizSource, ...]:
        return ((self.quiz,) if self.quiz is not None else ()) + self.extra_exams

    @property
    def completion_rule(self) -> str:
        return self.quiz.completion if self.quiz is not None else "lessons_and_exam"

    @property
    def lessons(self) -> tuple[LessonSource, ...]:
        return tuple(lesson for section in self.sections for lesson in section.lessons)
