"""The «Опросы» tab: dealers answer open polls; managers publish polls, watch response rates, remind."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import to_utc
from flask_login import current_user, login_required

from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.bounds import parse_id
from lms.events import commit
from lms.extensions import db
from lms.listing import page_of, search_term
from lms.question_fields import apply_list_action
from lms.question_fields.kinds import SURVEY_FIELD_TYPES
from lms_polls import services
from lms_polls.forms import poll_form_class
from lms_polls.models import Poll
from lms_polls.views import bp


@bp.route("/")
@login_required
def index():
    if current_user.role in REPORT_ROLES:
        term = search_term(request.args.get("q"))
        page = page_of(services.polls_query(term), request.args.get("page"))
        return render_template("lms_polls/manage.html", polls=services.with_summaries(page.items), page=page, term=term)
    return render_template("lms_polls/index.html", polls=services.open_polls_for(current_user.id))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def new():
    kind = request.args.get("kind") or "single_choice"
    if kind not in SURVEY_FIELD_TYPES:
        abort(404)
    field_type = SURVEY_FIELD_TYPES.get(kind)
    form_class = poll_form_class(field_type)
    list_button = False
    if request.method == "POST":
        formdata, list_button = apply_list_action(request.form)
        form = form_class(formdata=formdata)
    else:
        form = form_class()
        form.required.data = True
    form.set_target_choices(services.targeting_choices())
    form.set_earlier_questions([])
    status = 200
    if request.method == "POST" and not list_button:
        status = 422
        if form.validate_on_submit():
            question = {"key": "answer", "kind": kind, **form.definition()}
            question.pop("show_if", None)  # a poll shows every question: no conditions
            draft = bool(request.form.get("draft"))
            try:
                poll = services.create_poll(
                    title=form.title.data.strip(), questions=[question], created_by=current_user.id,
                    anonymous=form.anonymous.data,
                    closes_at=to_utc(form.closes_at.data) if form.closes_at.data else None,
                    targeting={"tier": form.tiers.data, "region": form.regions.data, "dealer": form.dealers.data},
                    publish=not draft)
            except services.SurveyError as error:
                db.session.rollback()
                form.problems.append(_(error.message, **error.params))
            else:
                commit()
                if draft:
                    flash(_("Draft saved: add the other questions, then open the poll."), "success")
                    return redirect(url_for("lms_polls.questions", poll_id=poll.id), 303)
                flash(_("Poll published."), "success")
                return redirect(url_for("lms_polls.detail", poll_id=poll.id), 303)
    return render_template("lms_polls/new.html", form=form, field_type=field_type, kinds=SURVEY_FIELD_TYPES,
                           conditions=False), status


def poll_or_404(poll_id: int) -> Poll:
    return db.session.get(Poll, poll_id) or abort(404)


@bp.route("/<int:poll_id>")
@roles_required(*REPORT_ROLES)
def detail(poll_id: int):
    poll = poll_or_404(poll_id)
    summary, rates, results = services.poll_results(poll)
    return render_template("lms_polls/detail.html", poll=poll, summary=summary, rates=rates, results=results,
                           reminders=services.reminders_of(poll.id))


@bp.route("/<int:poll_id>/remind", methods=["POST"])
@roles_required(*REPORT_ROLES)
def remind(poll_id: int):
    poll = poll_or_404(poll_id)
    if services.poll_summary(poll).get("status") != "published":
        abort(409)  # a draft has invited nobody yet
    raw_dealer = request.form.get("dealer_id", "")
    dealer_id = parse_id(raw_dealer) if raw_dealer else None
    if raw_dealer and dealer_id is None:
        abort(400)
    reminder = services.send_reminder(poll, sent_by=current_user.id, dealer_id=dealer_id)
    if reminder is None:
        flash(_("Everyone has already answered: nobody to remind."), "success")
    else:
        commit()
        flash(ngettext("Reminder sent to %(num)d person.", "Reminder sent to %(num)d people.", reminder.recipients),
              "success")
    return redirect(url_for("lms_polls.detail", poll_id=poll.id))
