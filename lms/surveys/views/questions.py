"""The survey's questions, one editor page each (lms.question_fields forms): add, edit, move, remove."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.events import commit
from lms.extensions import db
from lms.question_fields import apply_list_action, moved_or_removed
from lms.question_fields.kinds import SURVEY_FIELD_TYPES
from lms.surveys import services
from lms.surveys.models import Survey
from lms.surveys.questions import SurveyError
from lms.surveys.views import bp


def _survey(survey_id: int) -> Survey:
    return db.session.get(Survey, survey_id) or abort(404)


def _field_type(kind: str):
    if kind not in SURVEY_FIELD_TYPES:
        abort(404)
    return SURVEY_FIELD_TYPES.get(kind)


def _free_key(questions: list[dict]) -> str:
    """A key for a new question: ``q<n>``, the first free number (keys name answers in exports)."""
    taken = {q["key"] for q in questions}
    return next(f"q{n}" for n in range(1, len(taken) + 2) if f"q{n}" not in taken)


def _editor(survey: Survey, field_type, index: int | None):
    """The editor (new question when ``index`` is None); saves and redirects, or renders the page."""
    questions = list(survey.questions)
    earlier = questions if index is None else questions[:index]
    if request.method == "GET":
        form = field_type.form_class(formdata=None)
        if index is not None:
            form.load(questions[index])
        list_button = False
    else:
        formdata, list_button = apply_list_action(request.form)
        form = field_type.form_class(formdata=formdata)
    form.set_earlier_questions(earlier)
    status = 200
    if request.method == "POST" and not list_button:
        status = 422
        if form.validate_on_submit():
            key = questions[index]["key"] if index is not None else _free_key(questions)
            question = {"key": key, "kind": field_type.name, **form.definition()}
            if index is None:
                questions.append(question)
            else:
                questions[index] = question
            try:
                services.set_questions(survey, questions)
            except SurveyError as error:
                db.session.rollback()
                form.problems.append(_(error.message, **error.params))
            else:
                commit()
                flash(_("Question saved."), "success")
                return redirect(url_for("surveys.edit", survey_id=survey.id) + "#questions", 303)
    return render_template("surveys/question_editor.html", survey=survey, form=form, field_type=field_type,
                           index=index, conditions=True), status


@bp.route("/manage/<int:survey_id>/questions/new/<kind>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def new_question(survey_id: int, kind: str):
    return _editor(_survey(survey_id), _field_type(kind), None)


@bp.route("/manage/<int:survey_id>/questions/<int:number>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def edit_question(survey_id: int, number: int):
    survey = _survey(survey_id)
    if not 1 <= number <= len(survey.questions):
        abort(404)
    return _editor(survey, _field_type(survey.questions[number - 1]["kind"]), number - 1)


@bp.route("/manage/<int:survey_id>/questions/<int:number>/change", methods=["POST"])
@roles_required(*REPORT_ROLES)
def change_question(survey_id: int, number: int):
    """Move a question up or down, or remove it; a condition that then looks forward is refused."""
    survey = _survey(survey_id)
    try:
        questions = moved_or_removed(list(survey.questions), number, request.form.get("action"))
    except LookupError:
        abort(404)
    except ValueError:
        abort(400)
    try:
        services.set_questions(survey, questions)
    except SurveyError as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    else:
        commit()
        flash(_("Questions saved."), "success")
    return redirect(url_for("surveys.edit", survey_id=survey_id) + "#questions", 303)
