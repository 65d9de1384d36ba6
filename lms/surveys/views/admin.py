"""Managers' pages: the survey list, the editor (with targeting and questions), publishing, results, exports."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user

from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.events import commit
from lms.extensions import db
from lms.listing import matches, page_of, search_term
from lms.surveys import reporting, services
from lms.surveys.forms import SurveyForm
from lms.surveys.models import Survey, SurveyResponse
from lms.surveys.questions import SurveyError
from lms.surveys.views import bp
from lms.question_fields.kinds import SURVEY_FIELD_TYPES


@bp.route("/manage/")
@roles_required(*REPORT_ROLES)
def manage():
    counts = (sa.select(SurveyResponse.survey_id, sa.func.count().label("n"))
              .group_by(SurveyResponse.survey_id).subquery())
    term = search_term(request.args.get("q"))
    query = sa.select(Survey, sa.func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.survey_id == Survey.id)
    if term:
        query = query.where(matches(term, Survey.title, Survey.description))
    page = page_of(query.order_by(Survey.created_at.desc(), Survey.id.desc()), request.args.get("page"),
                   scalars=False)
    return render_template("surveys/manage.html", rows=page.items, page=page, term=term)


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
    form.course_id.data = survey.course_id or 0


def _save(form: SurveyForm, survey: Survey | None):
    """Save the settings (the questions are kept); returns the survey, or None with the problem on the form."""
    questions = survey.questions if survey is not None else []
    fields = dict(title=form.title.data, description=form.description.data or "", anonymous=form.anonymous.data,
                  questions=questions, opens_at=_utc(form.opens_at.data), closes_at=_utc(form.closes_at.data),
                  course_id=form.course_id.data or None,
                  targeting={"tier": form.tiers.data, "region": form.regions.data, "role": form.roles.data,
                             "dealer": form.dealers.data})
    try:
        if survey is None:
            return services.create_survey(created_by=current_user.id, **fields)
        return services.update_survey(survey, **fields)
    except SurveyError as error:
        db.session.rollback()
        form.title.errors.append(_(error.message, **error.params))
        return None


@bp.route("/manage/new", methods=["GET", "POST"])
@bp.route("/manage/<int:survey_id>/edit", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def edit(survey_id: int | None = None):
    survey = _survey_or_404(survey_id) if survey_id else None
    form = SurveyForm()
    form.set_target_choices(services.target_choices())
    form.set_course_choices(course_choices())
    status = 200
    if form.validate_on_submit():
        saved = _save(form, survey)
        if saved is not None:
            commit()
            flash(_("Survey saved."), "success")
            return redirect(url_for("surveys.edit", survey_id=saved.id), 303)
        status = 422
    elif form.is_submitted():
        status = 400
    elif survey is not None:
        _fill_form(form, survey)
    responses = services.response_count(survey.id) if survey else 0
    return render_template("surveys/edit.html", form=form, survey=survey, responses=responses,
                           field_types=SURVEY_FIELD_TYPES), status


def course_choices() -> list[tuple[int, str]]:
    from lms.courses.models import Course

    return [tuple(row) for row in db.session.execute(sa.select(Course.id, Course.title).order_by(Course.title))]


@bp.route("/manage/<int:survey_id>/publish", methods=["POST"])
@roles_required(*REPORT_ROLES)
def publish(survey_id: int):
    survey = _survey_or_404(survey_id)
    try:
        services.publish_survey(survey)
    except SurveyError as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
        return redirect(url_for("surveys.edit", survey_id=survey.id), 303)
    commit()
    flash(_("Survey published."), "success")
    return redirect(url_for("surveys.edit", survey_id=survey.id), 303)


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
