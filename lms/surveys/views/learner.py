"""Respondents' pages: my open surveys, and filling one in (conditional display works without JS)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.events import commit
from lms.extensions import db
from lms.redirects import next_path_or
from lms.surveys import services
from lms.surveys.models import Survey
from lms.surveys.questions import validate_response, visible_questions
from lms.surveys.views import bp


@bp.route("/")
@login_required
def index():
    rows = services.surveys_for_user(current_user)
    return render_template("surveys/index.html", rows=rows)


def raw_answers_from_form(questions, form) -> dict:
    """Form fields (``q-<key>``, ``q-<key>-<row>`` for Likert rows) as raw answers."""
    raw = {}
    for question in questions:
        name = f"q-{question['key']}"
        if question["kind"] == "multiple_choice":
            raw[question["key"]] = form.getlist(name)
        elif question["kind"] == "likert":
            raw[question["key"]] = {row["key"]: form.get(f"{name}-{row['key']}", "") for row in question["rows"]}
        else:
            raw[question["key"]] = form.get(name, "")
    return raw


def form_values(answers: dict) -> dict:
    """Clean stored answers as the strings the form fields hold."""
    values = {}
    for key, value in answers.items():
        if isinstance(value, list):
            values[key] = [str(item) for item in value]
        elif isinstance(value, dict):
            values[key] = {row: str(point) for row, point in value.items()}
        elif isinstance(value, float) and value.is_integer():
            values[key] = str(int(value))
        else:
            values[key] = str(value)
    return values


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
@login_required
def respond(survey_id: int):
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.status != "published" or not services.user_is_targeted(survey.id, current_user):
        abort(404)
    existing = services.own_response(survey, current_user.id)
    answered = existing is not None or services.has_responded(survey.id, current_user.id)
    locked = not survey.is_open() or (survey.anonymous and answered)
    values = form_values(existing.answers) if existing else {}
    clean = dict(existing.answers) if existing else {}
    errors, status = {}, 200
    if request.method == "POST":
        if locked:
            abort(409, _("This survey is closed.") if not survey.is_open()
                  else _("You have already answered this anonymous survey; anonymous answers cannot be changed."))
        raw = raw_answers_from_form(survey.questions, request.form)
        values = raw
        clean, errors = validate_response(survey.questions, raw)
        if request.form.get("action") == "refresh":
            errors = {}  # only show the follow-up questions; nothing is saved or judged yet
        else:
            try:
                response_id, errors = services.submit_response(survey, current_user, raw)
            except services.SurveyRefused as refusal:
                db.session.rollback()
                abort(409, _(refusal.message, **refusal.params))
            if response_id is not None:
                commit()
                flash(_("Thank you! Your answers are saved."), "success")
                return redirect(next_path_or(url_for("surveys.index")))
            status = 422
    shown = {question["key"] for question in visible_questions(survey.questions, clean)}
    messages = {key: _(error.message, **error.params) for key, error in errors.items()}
    return render_template("surveys/respond.html", survey=survey, shown=shown, values=values, errors=messages,
                           answered=answered, locked=locked, editing=existing is not None,
                           next=next_path_or("")), status
