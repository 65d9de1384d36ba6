"""A poll's questions, edited with the shared question-field editors (lms.question_fields), as a survey's are.

A draft poll grows question by question (add, edit, move, remove), then opens to its dealers. Once
anyone has answered, the questions are locked: each answer must keep meaning the question it was given to.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.events import commit
from lms.extensions import db
from lms.question_fields import apply_list_action, moved_or_removed
from lms.question_fields.kinds import SURVEY_FIELD_TYPES
from lms_polls import services
from lms_polls.views import bp
from lms_polls.views.polls import poll_or_404


def _field_type(kind: str):
    if kind not in SURVEY_FIELD_TYPES:
        abort(404)
    return SURVEY_FIELD_TYPES.get(kind)


def _to_questions(poll_id: int):
    return redirect(url_for("lms_polls.questions", poll_id=poll_id) + "#questions", 303)


def _locked(summary: dict) -> bool:
    return summary.get("responses", 0) > 0


@bp.route("/<int:poll_id>/questions")
@roles_required(*REPORT_ROLES)
def questions(poll_id: int):
    poll = poll_or_404(poll_id)
    summary = services.poll_summary(poll)
    return render_template("lms_polls/questions.html", poll=poll, summary=summary, locked=_locked(summary),
                           questions=services.poll_questions(poll), field_types=SURVEY_FIELD_TYPES)


def _editor(poll, field_type, index: int | None):
    """The editor of one question (a new one when ``index`` is None); saves and redirects, or renders."""
    summary = services.poll_summary(poll)
    if _locked(summary):
        flash(_("People have already answered this poll: its questions can no longer change."), "error")
        return _to_questions(poll.id)
    questions = services.poll_questions(poll)
    if request.method == "GET":
        form = field_type.form_class(formdata=None)
        if index is None:
            form.required.data = True
        else:
            form.load(questions[index])
        list_button = False
    else:
        formdata, list_button = apply_list_action(request.form)
        form = field_type.form_class(formdata=formdata)
    form.set_earlier_questions([])  # polls show every question: no conditions
    status = 200
    if request.method == "POST" and not list_button:
        status = 422
        if form.validate_on_submit():
            key = questions[index]["key"] if index is not None else services.free_key(questions)
            question = {"key": key, "kind": field_type.name, **form.definition()}
            question.pop("show_if", None)
            if index is None:
                questions.append(question)
            else:
                questions[index] = question
            try:
                services.set_poll_questions(poll, questions)
            except services.SurveyError as error:
                db.session.rollback()
                form.problems.append(_(error.message, **error.params))
            else:
                commit()
                flash(_("Question saved."), "success")
                return _to_questions(poll.id)
    return render_template("lms_polls/question_editor.html", poll=poll, summary=summary, form=form,
                           field_type=field_type, index=index, conditions=False), status


@bp.route("/<int:poll_id>/questions/new/<kind>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def new_question(poll_id: int, kind: str):
    return _editor(poll_or_404(poll_id), _field_type(kind), None)


@bp.route("/<int:poll_id>/questions/<int:number>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def edit_question(poll_id: int, number: int):
    poll = poll_or_404(poll_id)
    current = services.poll_questions(poll)
    if not 1 <= number <= len(current):
        abort(404)
    return _editor(poll, _field_type(current[number - 1]["kind"]), number - 1)


@bp.route("/<int:poll_id>/questions/<int:number>/change", methods=["POST"])
@roles_required(*REPORT_ROLES)
def change_question(poll_id: int, number: int):
    """Move a question up or down, or remove it (refused, with the reason, once anyone has answered)."""
    poll = poll_or_404(poll_id)
    try:
        current = moved_or_removed(services.poll_questions(poll), number, request.form.get("action"))
    except LookupError:
        abort(404)
    except ValueError:
        abort(400)
    try:
        services.set_poll_questions(poll, current)
    except services.SurveyError as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    else:
        commit()
        flash(_("Questions saved."), "success")
    return _to_questions(poll.id)


@bp.route("/<int:poll_id>/open", methods=["POST"])
@roles_required(*REPORT_ROLES)
def open_poll(poll_id: int):
    """Open a draft poll to its dealers and invite them (a poll needs a question first)."""
    poll = poll_or_404(poll_id)
    if services.poll_summary(poll).get("status") == "published":
        return redirect(url_for("lms_polls.detail", poll_id=poll.id), 303)
    try:
        services.open_poll(poll)
    except services.SurveyError as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
        return _to_questions(poll.id)
    commit()
    flash(_("Poll published."), "success")
    return redirect(url_for("lms_polls.detail", poll_id=poll.id), 303)
