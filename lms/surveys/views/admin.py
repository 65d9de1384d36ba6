"""Managers' pages: the survey list, the editor (with targeting and questions), publishing, results, exports."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user

from lms import json_input
from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.events import commit
from lms.extensions import db
from lms.surveys import reporting, services
from lms.surveys.forms import SurveyForm
from lms.surveys.models import Survey, SurveyResponse
from lms.surveys.questions import SurveyError
from lms.surveys.views import bp


def questions_example() -> list[dict]:
    """A starting point for a new survey, in the manager's language: a rating and a conditional follow-up."""
    return [
        {"key": "satisfied", "kind": "rating", "title": _("How satisfied are you with the training?"),
         "required": True},
        {"key": "why", "kind": "long_text", "title": _("What should we improve?"),
         "show_if": {"question": "satisfied", "in": [1, 2, 3]}},
    ]


@bp.route("/manage/")
@roles_required(*REPORT_ROLES)
def manage():
    counts = (sa.select(SurveyResponse.survey_id, sa.func.count().label("n"))
              .group_by(SurveyResponse.survey_id).subquery())
    rows = db.session.execute(sa.select(Survey, sa.func.coalesce(counts.c.n, 0))
                              .outerjoin(counts, counts.c.survey_id == Survey.id)
                              .order_by(Survey.created_at.desc(), Survey.id.desc())).all()
    return render_template("surveys/manage.html", rows=rows)


def _survey_or_404(survey_id: int) -> Survey:
    return db.session.get(Survey, survey_id) or abort(404)


def _local(moment):
    return to_user_timezone(moment).replace(tzinfo=None) if moment else None


def _utc(moment):
    return to_utc(moment) if moment else None


def _fill_form(form: SurveyForm, survey: Survey) -> None:
    targeting = services.targeting_of(survey.id)
    form.title.data, form.description.data, form.anonymous.data = survey.title, survey.description, survey.anonymous
    form.opens_at.data, form.closes_at.data = _local(survey.opens_at), _local(survey.closes_at)
    form.tiers.data, form.regions.data, form.roles.data = targeting["tier"], targeting["region"], targeting["role"]
    form.dealers.data = [int(value) for value in targeting["dealer"]]
    form.course_id.data = survey.course_id
    form.questions.data = json.dumps(survey.questions, ensure_ascii=False, indent=2)


def _save(form: SurveyForm, survey: Survey | None):
    """Validate the JSON and the rules; returns the survey, or None after flashing the problem."""
    try:
        questions = json_input.loads(form.questions.data)
    except ValueError as error:
        form.questions.errors.append(_("The questions are not valid JSON: %(error)s", error=str(error)))
        return None
    if not isinstance(questions, list):
        form.questions.errors.append(_("The questions must be a JSON list."))
        return None
    fields = dict(title=form.title.data, description=form.description.data or "", anonymous=form.anonymous.data,
                  questions=questions, opens_at=_utc(form.opens_at.data), closes_at=_utc(form.closes_at.data),
                  course_id=form.course_id.data,
                  targeting={"tier": form.tiers.data, "region": form.regions.data, "role": form.roles.data,
                             "dealer": form.dealers.data})
    try:
        if survey is None:
            return services.create_survey(created_by=current_user.id, **fields)
        return services.update_survey(survey, **fields)
    except SurveyError as error:
        db.session.rollback()
        message = _(error.message, **error.params)
        if error.question:
            message = _("Question %(key)s: %(message)s", key=error.question, message=message)
        form.questions.errors.append(message)
        return None


@bp.route("/manage/new", methods=["GET", "POST"])
@bp.route("/manage/<int:survey_id>/edit", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def edit(survey_id: int | None = None):
    survey = _survey_or_404(survey_id) if survey_id else None
    form = SurveyForm()
    form.set_target_choices(services.target_choices())
    status = 200
    if form.validate_on_submit():
        saved = _save(form, survey)
        if saved is not None:
            commit()
            flash(_("Survey saved."), "success")
            return redirect(url_for("surveys.edit", survey_id=saved.id))
        status = 422
    elif form.is_submitted():
        status = 400
    elif survey is not None:
        _fill_form(form, survey)
    else:
        form.questions.data = json.dumps(questions_example(), ensure_ascii=False, indent=2)
    responses = services.response_count(survey.id) if survey else 0
    return render_template("surveys/edit.html", form=form, survey=survey, responses=responses), status


@bp.route("/manage/<int:survey_id>/publish", methods=["POST"])
@roles_required(*REPORT_ROLES)
def publish(survey_id: int):
    survey = _survey_or_404(survey_id)
    services.publish_survey(survey)
    commit()
    flash(_("Survey published."), "success")
    return redirect(url_for("surveys.edit", survey_id=survey.id))


@bp.route("/manage/<int:survey_id>/results")
@roles_required(*REPORT_ROLES)
def results(survey_id: int):
    survey = _survey_or_404(survey_id)
    data = reporting.survey_results(survey)
    charts = {q["key"]: reporting.question_chart(q, data["overall"]["questions"].get(q["key"]))
              for q in survey.questions}
    return render_template("surveys/results.html", survey=survey, data=data, charts=charts, reporting=reporting,
                           rates=services.response_rate_per_dealer(survey.id))


def _download(body: bytes, survey: Survey, extension: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="survey-{survey.id}-results.{extension}"'
    return response


@bp.route("/manage/<int:survey_id>/results.csv")
@roles_required(*REPORT_ROLES)
def export_csv(survey_id: int):
    survey = _survey_or_404(survey_id)
    return _download(reporting.export_csv(survey, reporting.survey_results(survey)), survey, "csv",
                     "text/csv")


@bp.route("/manage/<int:survey_id>/results.xlsx")
@roles_required(*REPORT_ROLES)
def export_xlsx(survey_id: int):
    survey = _survey_or_404(survey_id)
    return _download(reporting.export_xlsx(survey, reporting.survey_results(survey)), survey, "xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
