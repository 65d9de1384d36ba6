"""The quiz's questions: picked from the bank by search and filters, reordered, marked; no ids typed."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from lms.auth.permissions import roles_required
from lms.bounds import parse_id
from lms.events import commit
from lms.extensions import db
from lms.forms_fields import DECIMAL_LIMIT
from lms.quizzes import bank
from lms.quizzes.forms import AddQuestionsForm
from lms.quizzes.models import Question, Quiz, QuizQuestion
from lms.quizzes.registry import question_types
from lms.quizzes.views import bp
from lms.quizzes.views.author import AUTHORS


def picker(args) -> dict:
    """The bank search on the quiz page: filters read from the query string, results with labels."""
    from lms.quizzes.views.questions import editable_types

    text = (args.get("q") or "").strip()[:200]
    category_id = parse_id(args.get("category") or "") or None
    qtype = args.get("type") or None
    if qtype not in question_types():
        qtype = None
    tags = bank.all_tags()
    tag = args.get("tag") if args.get("tag") in tags else None
    searched = bool(text or category_id or qtype or tag or args.get("search"))
    results = bank.search_questions(text, category_id, qtype, tag=tag) if searched else []
    paths = {c.id: path for c, _depth, path in bank.category_tree()}
    return {"text": text, "category_id": category_id, "qtype": qtype, "tag": tag, "tags": tags, "searched": searched,
            "results": [(q, v, paths.get(q.category_id, "")) for q, v in results],
            "categories": bank.category_tree(), "types": editable_types()}


def _back(quiz_id: int):
    return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz_id) + "#fixed", 303)


@bp.route("/<int:quiz_id>/questions", methods=["POST"])
@roles_required(*AUTHORS)
def add_question(quiz_id: int):
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    form = AddQuestionsForm(prefix="add")
    if not form.validate_on_submit():
        flash(_("Enter a mark from 0.01 to 1000."), "error")
        return _back(quiz_id)
    wanted = [i for i in (parse_id(v) for v in form.question_ids.data or ()) if i is not None]
    existing = set(db.session.scalars(db.select(Question.id).where(Question.id.in_(wanted)))) if wanted else set()
    present = {link.question_id for link in quiz.fixed}
    added = [question_id for question_id in dict.fromkeys(wanted) if question_id in existing - present]
    if not added:
        flash(_("Tick the questions to add; those already in the quiz are not added twice."), "error")
        return _back(quiz_id)
    for question_id in added:
        quiz.fixed.append(QuizQuestion(question_id=question_id, max_mark=form.max_mark.data,
                                       position=len(quiz.fixed) + 1))
    commit()
    flash(_("Questions added: %(n)d.", n=len(added)), "success")
    return _back(quiz_id)


def _link(quiz_id: int, link_id: int) -> QuizQuestion:
    link = db.session.get(QuizQuestion, link_id)
    if link is None or link.quiz_id != quiz_id:
        abort(404)
    return link


@bp.route("/<int:quiz_id>/questions/<int:link_id>/remove", methods=["POST"])
@roles_required(*AUTHORS)
def remove_question(quiz_id: int, link_id: int):
    db.session.delete(_link(quiz_id, link_id))
    commit()
    flash(_("Question removed from the quiz."), "success")
    return _back(quiz_id)


@bp.route("/<int:quiz_id>/questions/<int:link_id>/move", methods=["POST"])
@roles_required(*AUTHORS)
def move_question(quiz_id: int, link_id: int):
    """One step up or down (the buttons), or to a position (drag and drop sends ``to``)."""
    link = _link(quiz_id, link_id)
    links = list(db.session.get(Quiz, quiz_id).fixed)
    index = links.index(link)
    direction = request.form.get("direction")
    target = {"up": index - 1, "down": index + 1}.get(direction)
    if target is None:
        target = (parse_id(request.form.get("to") or "") or 0) - 1
    if not 0 <= target < len(links):
        abort(400)
    links.insert(target, links.pop(index))
    for position, item in enumerate(links, 1):
        item.position = position
    commit()
    return _back(quiz_id)


@bp.route("/<int:quiz_id>/marks", methods=["POST"])
@roles_required(*AUTHORS)
def save_marks(quiz_id: int):
    """Every fixed question's mark at once (``mark-<link id>`` fields); a bad one changes nothing."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    marks = {}
    for link in quiz.fixed:
        raw = (request.form.get(f"mark-{link.id}") or "").strip().replace(",", ".")
        try:
            mark = Decimal(raw) if raw else link.max_mark
        except InvalidOperation:
            mark = None
        if mark is None or not mark.is_finite() or not Decimal("0.01") <= mark <= 1000 or mark >= DECIMAL_LIMIT:
            flash(_("A mark must be a number from 0.01 to 1000."), "error")
            return _back(quiz_id)
        marks[link.id] = mark
    for link in quiz.fixed:
        link.max_mark = marks[link.id]
    commit()
    flash(_("Marks saved."), "success")
    return _back(quiz_id)
