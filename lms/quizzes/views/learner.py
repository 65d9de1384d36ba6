"""Learner pages: quiz intro, start/resume, the attempt page, autosave, finish and results."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from lms.auth.session_user import session_login_required
from lms.database import begin_write
from lms.events import commit
from lms.extensions import db
from lms.quizzes import attempts as svc
from lms.quizzes.access import may_review
from lms.quizzes.fast_autosave import MAX_POSITION, MAX_SAVE_SEQ, QUICK_SAVE_REFUSED, autosave_numbers, whole_number
from lms.quizzes.models import Attempt, Quiz
from lms.quizzes.present import (
    chosen_values, correct_answer, fields_from_form, fields_from_json, render_text, response_from_fields,
)
from lms.quizzes.qtypes import ResponseError
from lms.quizzes.quick_save import save_answer_quickly
from lms.quizzes.registry import question_types
from lms.quizzes.services import can_take, final_percent, quiz_passed
from lms.quizzes.views import bp
from lms.timeutil import utcnow


def translate(problem) -> str:
    """An English Problem/QuizInputError (msgid + params) or a lazy text, in the user's language."""
    msgid = getattr(problem, "msgid", None)
    if msgid is None:
        return str(problem)
    params = {k: v for k, v in (getattr(problem, "params", None) or {}).items() if k != "position"}
    return tr(msgid, params)


def tr(msgid: str, params: dict | None = None) -> str:
    """Translate a msgid held in a variable; ``%%`` becomes ``%`` with or without params."""
    return _(msgid, **params) if params else _(msgid) % {}


def _parse(qtype, definition, position, fields):
    return response_from_fields(qtype, definition, position, fields)


def visible_quiz(quiz_id: int) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not can_take(current_user, quiz):
        abort(404)
    return quiz


def own_attempt(attempt_id: int, *, reviewers_may_see: bool = False) -> Attempt:
    """The attempt with its quiz; 404 unless it is the user's own (or the user reviews the quiz's attempts)."""
    attempt = db.session.get(Attempt, attempt_id, options=[joinedload(Attempt.quiz)])
    if attempt is None:
        abort(404)
    if attempt.user_id != current_user.id and not (reviewers_may_see and may_review(current_user, attempt.quiz)):
        abort(404)
    return attempt


@bp.route("/")
@login_required
def index():
    quizzes = db.session.scalars(sa.select(Quiz).where(Quiz.published.is_(True), Quiz.course_id.is_(None))
                                 .order_by(Quiz.title)).all()
    return render_template("quizzes/index.html", quizzes=quizzes)


@bp.route("/<int:quiz_id>")
@login_required
def quiz_page(quiz_id: int):
    quiz = visible_quiz(quiz_id)
    now = utcnow()
    current = svc.open_attempt(quiz.id, current_user.id)
    if current is not None and svc.is_expired(current, now):
        begin_write()
        svc.finish_attempt(current.id, now=now)
        commit()
        current = None
    done = svc.finished_attempts(quiz.id, current_user.id)
    final = final_percent(quiz, current_user.id)
    refusal = None
    if current is None:
        try:
            svc.check_can_start(quiz, current_user.id, now)
        except svc.AttemptError as error:
            refusal = str(error.message)
    return render_template("quizzes/quiz.html", quiz=quiz, current=current, attempts=done, final=final,
                           passed=quiz_passed(quiz, final), refusal=refusal)


@bp.route("/<int:quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: int):
    quiz = visible_quiz(quiz_id)
    try:
        attempt = svc.start_attempt(quiz.id, current_user.id)
    except svc.AttemptError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("quizzes.quiz_page", quiz_id=quiz.id)), 303
    attempt_id = attempt.id
    commit()
    return redirect(url_for("quizzes.attempt_page", attempt_id=attempt_id), 303)


def _slot_views(attempt: Attempt, *, with_review: bool = False) -> list[dict]:
    registry = question_types()
    out = []
    for slot, version, answer in svc.load_slots(attempt.id):
        qtype = registry.get(version.qtype)
        response = answer.response if answer else None
        seed = f"{attempt.seed}:{slot.position}" if attempt.quiz.shuffle_options else None
        item = {"position": slot.position, "slot": slot, "qtype": version.qtype, "max_mark": slot.max_mark,
                "text": render_text(version.text, version.text_format),
                "view": qtype.public_view(version.definition, shuffle_seed=seed),
                "chosen": chosen_values(version.qtype, response), "answered": answer is not None,
                "seq": answer.client_seq if answer else None}
        if with_review:
            item.update(
                summary=qtype.summarize_response(version.definition, response),
                feedback=[render_text(text, version.text_format) for text in qtype.feedback(version.definition, response)],
                general_feedback=render_text(version.general_feedback, version.general_feedback_format)
                if version.general_feedback else None,
                correct=correct_answer(qtype, version.definition),
                mark=None if slot.fraction is None else slot.max_mark * slot.fraction,
                fraction=slot.fraction, grader_info=version.definition.get("grader_info")
                if version.qtype == "essay" else None)
        out.append(item)
    return out


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt_page(attempt_id: int):
    attempt = own_attempt(attempt_id)
    if attempt.state == "open" and svc.is_expired(attempt, utcnow()):
        begin_write()
        svc.finish_attempt(attempt.id)
        commit()
        flash(_("Time is up. Your attempt was submitted with the answers saved in time."), "info")
    if attempt.state != "open":
        return redirect(url_for("quizzes.result", attempt_id=attempt_id))
    return render_template("quizzes/attempt.html", attempt=attempt, quiz=attempt.quiz,
                           slots=_slot_views(attempt))


@bp.route("/attempts/<int:attempt_id>", methods=["POST"])
@login_required
def submit_form(attempt_id: int):
    """The no-JavaScript path: save every slot on the page, then finish if asked."""
    attempt = own_attempt(attempt_id)
    finishing = request.form.get("action") == "finish"
    positions = [p for raw in request.form.getlist("slots") if (p := whole_number(raw, MAX_POSITION, digits=True))]
    fields = fields_from_form(request.form)
    # quizzes.js numbers each slot's saves; a page without it sends none, and its answers always save.
    seqs = {p: seq for p in positions
            if (seq := whole_number(request.form.get(f"seq-{p}"), MAX_SAVE_SEQ, digits=True))}
    stale = {}
    try:
        if attempt.state == "open":
            stale = svc.save_answers(attempt.id, current_user.id, {p: fields for p in positions}, parse=_parse,
                                     seqs=seqs, session_token=current_user.session_token).stale
    except svc.TimeUp as error:
        db.session.rollback()
        svc.finish_attempt(attempt_id)
        commit()
        flash(str(error.message), "error")
        return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)
    except svc.AttemptError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)
    except LookupError:  # a question the attempt does not have
        db.session.rollback()
        abort(404)
    except ResponseError as error:
        db.session.rollback()
        flash(_("Question %(n)s: %(problem)s", n=error.params.get("position"), problem=translate(error)), "error")
        return redirect(url_for("quizzes.attempt_page", attempt_id=attempt_id), 303)
    if stale:
        flash(_("Newer answers to questions %(numbers)s were already saved from another window; they were kept.",
                numbers=", ".join(str(p) for p in sorted(stale))), "info")
    if finishing:
        svc.finish_attempt(attempt_id)
        commit()
        return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)
    commit()
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("quizzes.attempt_page", attempt_id=attempt_id), 303)


def _json_error(status: int, code: str, message, **extra):
    return jsonify({"error": {"code": code, "message": str(message), **extra}}), status


@bp.route("/attempts/<int:attempt_id>/autosave", methods=["POST"])
@session_login_required  # the hottest request of an exam: save_answers checks the account itself
def autosave(attempt_id: int):
    """Save one slot (JSON ``{"position": n, "version": v, "seq": s, "fields": {...}}``); saving the same
    answer again is harmless. ``version`` (the slot's question version, from the page) lets the common
    case take one statement (quick_save); without it, or when that refuses, save_answers decides.
    ``seq`` counts the page's saves of the slot: a save numbered at or below the stored answer's is
    older and gets 409 ``stale_answer`` with the stored number, the stored answer untouched.
    Most saves never get here: the WSGI fast path (fast_autosave) answers them first."""
    data = request.get_json(silent=True)
    numbers = autosave_numbers(data)
    if numbers is None:
        return _json_error(400, "bad_request", _("The answer could not be read."))
    position, seq = numbers
    try:
        fields = fields_from_json(data)
        if not request.environ.get(QUICK_SAVE_REFUSED) and save_answer_quickly(
                attempt_id, g.lms_user_id, position, data.get("version"), fields, parse=_parse,
                seq=seq, session_token=g.lms_session_token):
            return jsonify({"saved": True, "position": position})
        stale = svc.save_answers(attempt_id, g.lms_user_id, {position: fields}, parse=_parse,
                                 seqs={position: seq}, session_token=g.lms_session_token).stale
    except LookupError:
        db.session.rollback()
        return _json_error(404, "not_found", _("This page does not exist or was removed."))
    except svc.TimeUp as error:
        db.session.rollback()
        svc.finish_attempt(attempt_id)
        commit()
        return _json_error(409, error.code, error.message,
                           result_url=url_for("quizzes.result", attempt_id=attempt_id))
    except svc.AttemptError as error:
        db.session.rollback()
        return _json_error(error.status, error.code, error.message,
                           result_url=url_for("quizzes.result", attempt_id=attempt_id))
    except ResponseError as error:
        db.session.rollback()
        return _json_error(422, "invalid_answer", translate(error))
    if stale:
        db.session.rollback()
        return _json_error(409, "stale_answer", _("A newer answer to this question is already saved (from this "
                                                  "page or another window); this older one was not saved."),
                           position=position, seq=stale[position])
    commit()
    return jsonify({"saved": True, "position": position})


@bp.route("/attempts/<int:attempt_id>/finish", methods=["POST"])
@login_required
def finish(attempt_id: int):
    own_attempt(attempt_id)
    svc.finish_attempt(attempt_id)
    commit()
    return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)


def answers_visible(quiz: Quiz, attempt: Attempt) -> bool:
    """Whether the quiz's review option lets the learner see right answers and feedback now."""
    if quiz.review == "with_answers":
        return True
    if quiz.review == "answers_after_close":
        return quiz.close_at is not None and utcnow() >= quiz.close_at
    if quiz.review == "answers_after_pass":
        return bool(attempt.passed)
    return False


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = own_attempt(attempt_id, reviewers_may_see=True)
    if attempt.state == "open" and svc.is_expired(attempt, utcnow()):
        begin_write()
        svc.finish_attempt(attempt.id)
        commit()
    if attempt.state == "open":
        return redirect(url_for("quizzes.attempt_page", attempt_id=attempt_id))
    grader = may_review(current_user, attempt.quiz)
    show = grader or answers_visible(attempt.quiz, attempt)
    slots = _slot_views(attempt, with_review=True) if show else []
    return render_template("quizzes/result.html", attempt=attempt, quiz=attempt.quiz, slots=slots,
                           show_answers=show, grader=grader)
