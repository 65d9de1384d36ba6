"""Author and manager pages: quizzes and their settings, the question bank, GIFT, grading, item analysis."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user

from lms import charts
from lms.auth.models import Role, User
from lms.auth.permissions import roles_required
from lms.events import commit
from lms.extensions import db
from lms.listing import matches, page_of, search_term
from lms.quizzes import analysis, attempts as svc, bank
from lms.quizzes.access import OVERSEERS, author_choices, may_review
from lms.quizzes.forms import (
    AddQuestionsForm, CategoryForm, GiftUploadForm, GradeForm, QuizAuthorForm, QuizForm,
)
from lms.quizzes.gift import GiftError
from lms.quizzes.grading import QuizInputError
from lms.quizzes.models import Answer, Attempt, AttemptSlot, Question, QuestionCategory, QuestionVersion, Quiz, QuizQuestion
from lms.quizzes.registry import question_types
from lms.quizzes.views import bp
from lms.quizzes.views.learner import tr, translate

AUTHORS = (Role.AUTHOR, Role.MANAGER, Role.ADMIN)
SETTINGS = ("title", "description", "published", "shuffle_questions", "shuffle_options",
            "time_limit_minutes", "attempts_allowed", "cooldown_minutes", "pass_percent", "grading_method",
            "open_at", "close_at", "review")


@bp.route("/manage", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def manage():
    form = QuizForm()
    status = 200
    if form.validate_on_submit():
        quiz = Quiz(author_id=current_user.id)
        _apply(form, quiz)
        db.session.add(quiz)
        db.session.flush()
        quiz_id = quiz.id
        commit()
        flash(_("Quiz created."), "success")
        return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz_id), 303)
    if form.is_submitted():
        status = 400
    term = search_term(request.args.get("q"))
    query = sa.select(Quiz)
    if term:
        query = query.where(matches(term, Quiz.title))
    page = page_of(query.order_by(Quiz.title, Quiz.id), request.args.get("page"))
    reviewable = {quiz.id for quiz in page.items if may_review(current_user, quiz)}
    return render_template("quizzes/manage.html", quizzes=page.items, form=form, reviewable=reviewable,
                           page=page, term=term), status


def _apply(form: QuizForm, quiz: Quiz) -> None:
    for name in SETTINGS:
        value = getattr(form, name).data
        if name in ("open_at", "close_at") and value is not None:
            value = to_utc(value)  # typed in the author's time zone, stored as naive UTC
        if getattr(quiz, name, None) != value:
            setattr(quiz, name, value)


def stored_settings_form(quiz: Quiz) -> QuizForm:
    """The settings as stored, for a page shown after another form of the editor was posted."""
    form = QuizForm(formdata=None, obj=quiz)
    # Shown in the author's time zone, the one they type in (_apply converts back to UTC).
    form.open_at.data, form.close_at.data = (to_user_timezone(moment).replace(tzinfo=None) if moment else None
                                             for moment in (quiz.open_at, quiz.close_at))
    return form


@bp.route("/<int:quiz_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_quiz(quiz_id: int):
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    form = stored_settings_form(quiz) if request.method == "GET" else QuizForm(obj=quiz)
    add_form = AddQuestionsForm(prefix="add")
    status = 200
    if form.validate_on_submit():
        if form.close_at.data and form.open_at.data and form.close_at.data <= form.open_at.data:
            flash(_("The quiz must close after it opens."), "error")
            status = 422
        else:
            _apply(form, quiz)
            commit()
            flash(_("Quiz saved."), "success")
            return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz_id), 303)
    elif form.is_submitted():
        status = 400
    return _edit_page(quiz, form, add_form, status=status)


def _author_form(quiz: Quiz) -> QuizAuthorForm | None:
    """The choice of the quiz's author, for managers and admins only."""
    if current_user.role not in OVERSEERS:
        return None
    authors = author_choices()
    if quiz.author_id and quiz.author_id not in {user_id for user_id, _label in authors}:
        author = db.session.get(User, quiz.author_id)
        authors.append((author.id, f"{author.name} <{author.email}>"))
    return QuizAuthorForm(prefix="owner", authors=authors)


def _edit_page(quiz: Quiz, form: QuizForm, add_form: AddQuestionsForm, *, author_form=None, draw_form=None,
               status: int = 200):
    if author_form is None:
        author_form = _author_form(quiz)
        if author_form is not None:
            author_form.author_id.data = quiz.author_id or 0
    from lms.quizzes.views.quiz_draws import bank_pools, draw_rows, new_draw_form
    from lms.quizzes.views.quiz_editor import picker

    return render_template("quizzes/edit_quiz.html", quiz=quiz, form=form, add_form=add_form, author_form=author_form,
                           fixed=_fixed_rows(quiz.id), picker=picker(request.args), type_label=_label,
                           draws=draw_rows(quiz), draw_form=draw_form or new_draw_form(), pools=bank_pools()), status



def _types():
    from lms.quizzes.views.questions import editable_types

    return editable_types()


def _label(name: str) -> str:
    from lms.quizzes.editors import type_label

    return type_label(question_types().get(name)) if name in question_types() else name


@bp.route("/<int:quiz_id>/author", methods=["POST"])
@roles_required(*OVERSEERS)
def assign_author(quiz_id: int):
    """A manager names the author who sees the quiz's attempts (or nobody: managers and admins only)."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    author_form = _author_form(quiz)
    if not author_form.validate_on_submit():
        form = stored_settings_form(quiz)
        return _edit_page(quiz, form, AddQuestionsForm(prefix="add"), author_form=author_form, status=400)
    quiz.author_id = author_form.author_id.data or None
    commit()
    flash(_("The quiz's author is saved."), "success")
    return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz_id), 303)


def _fixed_rows(quiz_id: int):
    return db.session.execute(
        sa.select(QuizQuestion, Question).join(Question, Question.id == QuizQuestion.question_id)
        .where(QuizQuestion.quiz_id == quiz_id).order_by(QuizQuestion.position)).all()


# --- question bank -------------------------------------------------------------------------


@bp.route("/bank", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def bank_page():
    tree = bank.category_tree()
    category_id = request.args.get("category", type=int)
    selected = next((c for c, _d, _p in tree if c.id == category_id), None)
    form = CategoryForm(categories=tree)
    status = 200
    if form.validate_on_submit():
        parent = form.parent_id.data or None
        if bank.find_category([form.name.data.strip()], parent) is not None:
            flash(_("A category with this name already exists here."), "error")
            status = 422
        else:
            created = bank.ensure_category([form.name.data], parent)
            created_id = created.id
            commit()
            flash(_("Category created."), "success")
            return redirect(url_for("quizzes.bank_page", category=created_id), 303)
    elif form.is_submitted():
        status = 400
    # A search without a category looks through every category; the category and term stay in the pager.
    term = search_term(request.args.get("q"))
    page = page_of(bank.questions_query(selected.id if selected else None, term), request.args.get("page"),
                   scalars=False) if selected or term else None
    return render_template("quizzes/bank.html", tree=tree, selected=selected, form=form,
                           questions=page.items if page else [], page=page, term=term,
                           upload_form=GiftUploadForm(prefix="gift"), problems=[], types=_types()), status


@bp.route("/bank/<int:category_id>/import", methods=["POST"])
@roles_required(*AUTHORS)
def import_gift(category_id: int):
    category = db.session.get(QuestionCategory, category_id) or abort(404)
    form = GiftUploadForm(prefix="gift")
    problems, status = [], 400
    if form.validate_on_submit():
        try:
            count = bank.import_gift_text(form.file.data.read(), category.id)
        except GiftError as error:
            db.session.rollback()
            problems = [(p.line, tr(p.message, p.params)) for p in error.problems]
            status = 422
        else:
            commit()
            flash(_("%(n)d questions imported.", n=count), "success")
            return redirect(url_for("quizzes.bank_page", category=category_id), 303)
    else:
        flash(_("Choose a GIFT file to upload."), "error")
    tree = bank.category_tree()
    return render_template("quizzes/bank.html", tree=tree, selected=category, form=CategoryForm(categories=tree),
                           questions=bank.questions_in(category.id), page=None, term="", upload_form=form, problems=problems,
                           types=_types()), status


@bp.route("/bank/<int:category_id>/export.gift")
@roles_required(*AUTHORS)
def export_gift(category_id: int):
    category = db.session.get(QuestionCategory, category_id) or abort(404)
    return Response(bank.export_category_gift(category.id), mimetype="text/plain",
                    headers={"Content-Disposition": f'attachment; filename="category-{category.id}.gift.txt"'})


# --- grading and analysis ------------------------------------------------------------------


def _reviewed_quiz(quiz_id: int) -> Quiz:
    """The quiz, if the user may see its attempts (access.may_review); 404 or 403 otherwise."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    if not may_review(current_user, quiz):
        abort(403)
    return quiz


@bp.route("/<int:quiz_id>/grading")
@roles_required(*AUTHORS)
def grading_queue(quiz_id: int):
    quiz = _reviewed_quiz(quiz_id)
    rows = db.session.execute(
        sa.select(Attempt, User.name).join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == quiz_id, Attempt.state == "finished").order_by(Attempt.finished_at.desc())).all()
    return render_template("quizzes/grading.html", quiz=quiz, rows=rows)


@bp.route("/slots/<int:slot_id>/grade", methods=["POST"])
@roles_required(*AUTHORS)
def grade_slot(slot_id: int):
    form = GradeForm()
    slot = db.session.get(AttemptSlot, slot_id) or abort(404)
    attempt_id = slot.attempt_id
    if not may_review(current_user, db.session.get(Attempt, attempt_id).quiz):
        abort(404)  # as for the attempt's result page: whose attempts exist is not told
    if not form.validate_on_submit():
        flash(_("Enter a mark."), "error")
        return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)
    try:
        svc.grade_slot(slot_id, form.mark.data, form.comment.data or "", current_user.id)
    except (QuizInputError, svc.AttemptError) as error:
        db.session.rollback()
        flash(translate(error) if isinstance(error, QuizInputError) else str(error.message), "error")
        return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)
    commit()
    flash(_("Grade saved."), "success")
    return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)


@bp.route("/<int:quiz_id>/analysis")
@roles_required(Role.AUTHOR, Role.MANAGER, Role.ADMIN)
def item_analysis(quiz_id: int):
    quiz = _reviewed_quiz(quiz_id)
    # Moodle analyses first attempts by default, so repeaters do not weigh twice.
    first = (sa.select(Attempt.id).where(Attempt.quiz_id == quiz_id, Attempt.state == "finished", Attempt.number == 1))
    rows = db.session.execute(
        sa.select(AttemptSlot.attempt_id, AttemptSlot.max_mark, AttemptSlot.fraction, QuestionVersion, Answer.response)
        .join(QuestionVersion, QuestionVersion.id == AttemptSlot.question_version_id)
        .outerjoin(Answer, Answer.slot_id == AttemptSlot.id)
        .where(AttemptSlot.attempt_id.in_(first))).all()
    registry = question_types()
    names, data = {}, []
    for attempt_id, max_mark, fraction, version, response in rows:
        names[version.question_id] = version.name
        summary = registry.get(version.qtype).summarize_response(version.definition, response) if response else None
        data.append({"attempt_id": attempt_id, "question_id": version.question_id, "fraction": fraction,
                     "max_mark": max_mark, "answer": summary or None})
    stats = analysis.item_analysis(data)
    percents = db.session.scalars(sa.select(Attempt.percent).where(Attempt.id.in_(first),
                                                                   Attempt.percent.is_not(None))).all()
    bins = analysis.score_distribution(percents)
    chart = charts.bar_chart([f"{b.low:.0f}–{b.high:.0f}%" for b in bins], [b.count for b in bins],
                                    title=_("Score distribution"), description=_("Attempts per score range"))
    items = sorted(stats.values(), key=lambda s: names.get(s.question_id, ""))
    return render_template("quizzes/analysis.html", quiz=quiz, items=items, names=names, chart=chart,
                           summary=analysis.score_summary(percents))
