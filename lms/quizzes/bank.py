"""Question bank services: nested categories, questions with versions, GIFT import and export."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.extensions import db
from lms.listing import matches
from lms.quizzes.gift import GiftError, GiftProblem, decode_gift, import_gift, parse_category_path
from lms.quizzes.gift_export import export_gift
from lms.quizzes.models import AttemptSlot, Question, QuestionCategory, QuestionVersion
from lms.quizzes.qtypes import TEXT_FORMATS
from lms.quizzes.registry import question_types

CONTENT_FIELDS = ("name", "text", "text_format", "general_feedback", "general_feedback_format", "definition")


class BankError(ValueError):
    """A refused bank change; ``problems`` are English Problem/str messages with msgid/params."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


# --- categories ----------------------------------------------------------------------------


def all_categories() -> list[QuestionCategory]:
    return list(db.session.scalars(sa.select(QuestionCategory).order_by(QuestionCategory.name)))


def category_tree() -> list[tuple[QuestionCategory, int, str]]:
    """Every category depth-first with its depth and full path ("A/B/C"), in one query."""
    categories = all_categories()
    children: dict = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    out = []

    def walk(parent_id, depth, prefix):
        for category in children.get(parent_id, ()):
            path = f"{prefix}/{category.name}" if prefix else category.name
            out.append((category, depth, path))
            walk(category.id, depth + 1, path)

    walk(None, 0, "")
    return out


def category_path(category_id: int) -> list[str]:
    by_id = {c.id: c for c in all_categories()}
    path, current = [], by_id.get(category_id)
    while current is not None:
        path.append(current.name)
        current = by_id.get(current.parent_id)
    return path[::-1]


def find_category(path: list[str], parent_id: int | None = None) -> QuestionCategory | None:
    category = None
    for name in path:
        category = db.session.scalar(sa.select(QuestionCategory).where(
            QuestionCategory.parent_id.is_(None) if parent_id is None else QuestionCategory.parent_id == parent_id,
            QuestionCategory.name == name))
        if category is None:
            return None
        parent_id = category.id
    return category


def ensure_category(path: list[str], parent_id: int | None = None) -> QuestionCategory | None:
    """The category at ``path`` below ``parent_id``, created with its parents when missing."""
    category = db.session.get(QuestionCategory, parent_id) if parent_id else None
    for name in path:
        name = name.strip()[:200]
        found = db.session.scalar(sa.select(QuestionCategory).where(
            QuestionCategory.parent_id.is_(None) if parent_id is None else QuestionCategory.parent_id == parent_id,
            QuestionCategory.name == name))
        if found is None:
            found = QuestionCategory(name=name, parent_id=parent_id)
            db.session.add(found)
            db.session.flush()
        category, parent_id = found, found.id
    return category


def parse_path(text: str) -> list[str]:
    """"A/B" (or Moodle's "$course$/top/A/B") → ["A", "B"]; "//" is a literal slash."""
    return parse_category_path(text or "")


# --- questions -----------------------------------------------------------------------------


def validate_content(qtype_name: str, content: dict) -> list:
    registry = question_types()
    if qtype_name not in registry:
        return [_l("Unknown question type %(type)s.", type=qtype_name)]
    problems = list(registry.get(qtype_name).validate(content.get("definition")))
    if not (content.get("name") or "").strip():
        problems.append(_l("Enter the question's name."))
    if not (content.get("text") or "").strip():
        problems.append(_l("Enter the question text."))
    for key in ("text_format", "general_feedback_format"):
        if content.get(key, "moodle") not in TEXT_FORMATS:
            problems.append(_l("Unknown text format."))
    return problems


def create_question(category_id: int, qtype: str, content: dict, default_mark=1) -> Question:
    """Add a question (version 1); raises BankError listing what is wrong with it."""
    problems = validate_content(qtype, content)
    if problems:
        raise BankError(problems)
    question = Question(category_id=category_id, name=content["name"].strip()[:255], qtype=qtype, version=1)
    db.session.add(question)
    db.session.flush()
    db.session.add(_version(question, 1, content, default_mark))
    db.session.flush()
    return question


def _version(question: Question, number: int, content: dict, default_mark) -> QuestionVersion:
    return QuestionVersion(
        question_id=question.id, number=number, qtype=question.qtype, name=content["name"].strip()[:255],
        text=content["text"], text_format=content.get("text_format") or "moodle",
        general_feedback=content.get("general_feedback") or "",
        general_feedback_format=content.get("general_feedback_format") or content.get("text_format") or "moodle",
        definition=content["definition"], default_mark=Decimal(str(default_mark)))


def current_version(question_id: int) -> QuestionVersion:
    return db.session.scalar(sa.select(QuestionVersion).join(Question, sa.and_(
        Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.number))
        .where(Question.id == question_id))


def version_content(version: QuestionVersion) -> dict:
    return {key: getattr(version, key) for key in CONTENT_FIELDS}


def edit_question(question_id: int, content: dict) -> tuple[Question, bool]:
    """Change a question. A version an attempt has used is never changed: a new version is made
    instead, so that attempt keeps what it showed. Returns (question, whether a version was added);
    an edit that changes nothing adds nothing."""
    question = db.session.get(Question, question_id)
    if question is None:
        raise LookupError(question_id)
    problems = validate_content(question.qtype, content)
    if problems:
        raise BankError(problems)
    version = current_version(question_id)
    merged = {**version_content(version), **content}
    if merged == version_content(version):
        return question, False
    used = db.session.scalar(sa.select(sa.exists().where(AttemptSlot.question_version_id == version.id)))
    question.name = merged["name"].strip()[:255]
    if used:
        question.version = version.number + 1
        db.session.add(_version(question, question.version, merged, version.default_mark))
        db.session.flush()
        return question, True
    for key, value in merged.items():
        setattr(version, key, value.strip()[:255] if key == "name" else value)
    db.session.flush()
    return question, False


def questions_query(category_id: int | None, term: str = "") -> sa.Select:
    """Questions with their current versions, by name: of one category (None: every category), and
    only those whose name contains ``term`` when it is given."""
    query = (sa.select(Question, QuestionVersion)
             .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id,
                                            QuestionVersion.number == Question.version)))
    if category_id is not None:
        query = query.where(Question.category_id == category_id)
    if term:
        query = query.where(matches(term, Question.name))
    return query.order_by(Question.name, Question.id)


def questions_in(category_id: int) -> list[tuple[Question, QuestionVersion]]:
    """The category's questions with their current versions, in one query."""
    return [tuple(row) for row in db.session.execute(questions_query(category_id)).all()]


MAX_TAGS_TEXT = 1000


def parse_tags(text: str) -> list[str]:
    """"Посев, техника ,посев" → ["Посев", "техника"]: trimmed, no "|", each once (case-insensitively)."""
    seen, out = set(), []
    for tag in (text or "").split(","):
        tag = " ".join(tag.replace("|", " ").split())[:60]
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return out


def stored_tags(tags: list[str]) -> str:
    """The column's form, "|a|b|" (empty without tags); raises BankError when too long."""
    text = "|" + "|".join(tags) + "|" if tags else ""
    if len(text) > MAX_TAGS_TEXT:
        raise BankError([_l("Too many tags.")])
    return text


def tags_text(stored: str) -> str:
    """The tags as the author typed them: "a, b"."""
    return ", ".join(t for t in (stored or "").split("|") if t)


def set_tags(question_id: int, text: str) -> None:
    question = db.session.get(Question, question_id)
    question.tags = stored_tags(parse_tags(text))
    db.session.flush()


def all_tags() -> list[str]:
    """Every tag in the bank, sorted, for the quiz editor's filter."""
    tags = {t for stored in db.session.scalars(sa.select(Question.tags).where(Question.tags != "").distinct())
            for t in stored.split("|") if t}
    return sorted(tags, key=str.casefold)


def search_questions(text: str = "", category_id: int | None = None, qtype: str | None = None,
                     limit: int = 50, tag: str | None = None) -> list[tuple[Question, QuestionVersion]]:
    """Bank questions whose name or text holds ``text``, optionally of one category, type and tag."""
    query = (sa.select(Question, QuestionVersion)
             .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id,
                                            QuestionVersion.number == Question.version)))
    text = (text or "").strip()[:200]
    if text:
        pattern = "%" + _escape_like(text) + "%"
        query = query.where(sa.or_(Question.name.ilike(pattern, escape="\\"),
                                   QuestionVersion.text.ilike(pattern, escape="\\")))
    if category_id:
        query = query.where(Question.category_id == category_id)
    if qtype:
        query = query.where(Question.qtype == qtype)
    if tag:
        query = query.where(Question.tags.like("%|" + _escape_like(tag) + "|%", escape="\\"))
    return [tuple(row) for row in db.session.execute(query.order_by(Question.name, Question.id).limit(limit)).all()]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- GIFT ----------------------------------------------------------------------------------


def import_gift_text(text: str | bytes, category_id: int) -> int:
    """Import a whole GIFT file below a category (``$CATEGORY:`` paths are relative to it).
    Raises GiftError with every problem, by line, and then imports nothing."""
    if isinstance(text, bytes):
        text = decode_gift(text)
    parsed = import_gift(text)
    registry = question_types()
    problems = [GiftProblem(1, "Unknown question type %(type)s.", {"type": q["type"]})
                for q in parsed if q["type"] not in registry]
    if problems:
        raise GiftError(problems)
    for item in parsed:
        category = ensure_category(item["category"], category_id) if item["category"] else None
        create_question(category.id if category else category_id, item["type"], item)
    return len(parsed)


def question_dict(version: QuestionVersion, category: list[str]) -> dict:
    """A version in the shape import_gift returns, for export."""
    return {"type": version.qtype, **version_content(version), "category": category}


def export_category_gift(category_id: int) -> str:
    """The category and its subcategories as one GIFT file (paths relative to the category)."""
    out = []
    for category, _depth, path in _subtree_with_paths(category_id):
        for _question, version in questions_in(category.id):
            out.append(question_dict(version, path))
    return export_gift(out)


def _subtree_with_paths(category_id: int):
    tree = category_tree()
    base = next(((c, d, p) for c, d, p in tree if c.id == category_id), None)
    if base is None:
        raise LookupError(category_id)
    prefix = base[2]
    return [(c, d, parse_path(p[len(prefix):].lstrip("/")) if p != prefix else [])
            for c, d, p in tree if p == prefix or p.startswith(prefix + "/")]


__all__ = ["BankError", "GiftError", "category_tree", "create_question", "edit_question", "ensure_category",
           "export_category_gift", "find_category", "import_gift_text", "parse_path", "questions_in",
           "questions_query"]
