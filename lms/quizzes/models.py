"""Question bank (nested categories, versioned questions), quizzes, attempts, slots and answers."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

import lms.courses.models  # noqa: F401  (quiz.course_id refers to its table)
from lms.extensions import db
from lms.timeutil import utcnow

REVIEW_OPTIONS = ("score_only", "with_answers", "answers_after_close", "answers_after_pass")
ATTEMPT_STATES = ("open", "finished")


class QuestionCategory(db.Model):
    """A folder of the question bank; categories nest (``parent_id``)."""

    __tablename__ = "quiz_category"
    __table_args__ = (sa.UniqueConstraint("parent_id", "name", name="uq_quiz_category_parent_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quiz_category.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Question(db.Model):
    """A bank question; its content lives in versions, ``version`` is the current one's number."""

    __tablename__ = "quiz_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_category.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    qtype: Mapped[str] = mapped_column(sa.String(40))
    version: Mapped[int] = mapped_column(default=1)
    # "|tag one|tag two|": bank metadata for search, not part of a version (see bank.tags_text)
    tags: Mapped[str] = mapped_column(sa.String(1000), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QuestionVersion(db.Model):
    """One immutable-once-used version of a question: text, feedback and the type's definition."""

    __tablename__ = "quiz_question_version"
    __table_args__ = (sa.UniqueConstraint("question_id", "number", name="uq_quiz_question_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_question.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    qtype: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(255))
    text: Mapped[str] = mapped_column(sa.Text)
    text_format: Mapped[str] = mapped_column(sa.String(16), default="moodle")
    general_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    general_feedback_format: Mapped[str] = mapped_column(sa.String(16), default="moodle")
    definition: Mapped[dict] = mapped_column(sa.JSON)
    default_mark: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal(1))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship()


class Quiz(db.Model):
    """A quiz: its questions (fixed and/or random), timing, attempts, pass mark and review rules."""

    __tablename__ = "quiz"
    __table_args__ = (
        sa.CheckConstraint("grading_method IN ('highest', 'last', 'first', 'average')", name="grading_method_known"),
        sa.CheckConstraint("review IN ('score_only', 'with_answers', 'answers_after_close', 'answers_after_pass')",
                           name="review_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The course this quiz is an exam of; a course may hold several (an intermediate test and a
    # final exam), each with its own pass mark. NULL: a free quiz.
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    published: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    shuffle_questions: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    shuffle_options: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    time_limit_minutes: Mapped[int] = mapped_column(default=0)
    attempts_allowed: Mapped[int] = mapped_column(default=0)
    cooldown_minutes: Mapped[int] = mapped_column(default=0)
    pass_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(70))
    grading_method: Mapped[str] = mapped_column(sa.String(10), default="highest")
    open_at: Mapped[datetime | None] = mapped_column()
    close_at: Mapped[datetime | None] = mapped_column()
    review: Mapped[str] = mapped_column(sa.String(24), default="with_answers")
    # The author who sees this quiz's attempts, grades them and reads its analysis: whoever created
    # it, or whom a manager assigned. NULL (quizzes imported or made before it was recorded): only
    # managers and admins do.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    fixed: Mapped[list[QuizQuestion]] = relationship(order_by="QuizQuestion.position", cascade="all, delete-orphan")
    draws: Mapped[list[QuizRandomDraw]] = relationship(order_by="QuizRandomDraw.position",
                                                       cascade="all, delete-orphan")


class QuizRandomDraw(db.Model):
    """"``count`` random questions from a category (and its subcategories)", drawn anew for each
    attempt; a quiz may hold several (3 from "Storage" and 2 from "Safety")."""

    __tablename__ = "quiz_random_draw"
    __table_args__ = (sa.CheckConstraint("count > 0", name="count_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_category.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    count: Mapped[int] = mapped_column()
    mark: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal(1))

    category: Mapped[QuestionCategory] = relationship()


class QuizQuestion(db.Model):
    """A fixed question of a quiz; an attempt uses the question's current version when it starts."""

    __tablename__ = "quiz_fixed_question"
    __table_args__ = (sa.UniqueConstraint("quiz_id", "question_id", name="uq_quiz_fixed_question_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_question.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    max_mark: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal(1))

    question: Mapped[Question] = relationship()


class Attempt(db.Model):
    """One learner's attempt. ``open_key`` is "quiz:user" while open and NULL after: its unique
    constraint lets the database, not the code, guarantee one open attempt per learner and quiz."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        sa.CheckConstraint("state IN ('open', 'finished')", name="state_known"),
        sa.Index("ix_quiz_attempt_quiz_user", "quiz_id", "user_id"),
        sa.Index("ix_quiz_attempt_state_deadline", "state", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    state: Mapped[str] = mapped_column(sa.String(10), default="open")
    open_key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    seed: Mapped[str] = mapped_column(sa.String(64), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    marks: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))
    max_marks: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))
    percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    passed: Mapped[bool | None] = mapped_column()
    needs_grading: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    quiz: Mapped[Quiz] = relationship()


class AttemptSlot(db.Model):
    """A question shown in an attempt, at a position, in the version the attempt was given."""

    __tablename__ = "quiz_attempt_slot"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "position", name="uq_quiz_attempt_slot_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    question_version_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_question_version.id"), index=True)
    max_mark: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal(1))
    fraction: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 7))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None] = mapped_column()

    version: Mapped[QuestionVersion] = relationship()


class Answer(db.Model):
    """The learner's saved response to one slot; one row per slot, overwritten by each autosave."""

    __tablename__ = "quiz_answer"

    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_attempt_slot.id", ondelete="CASCADE"), primary_key=True)
    response: Mapped[dict] = mapped_column(sa.JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The page's counter for this slot (quizzes.js counts each save): a save whose number is not
    # above the stored one is older and is refused, so a replayed or overtaken save cannot undo a
    # newer answer. NULL: saved without a number (the no-JavaScript form), which any save may follow.
    client_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
