"""Coverage matrix with drill-down, course reports and weekly activity; each page also exports CSV and XLSX.

Managers and admins see every dealer and may filter; a dealer admin gets the same pages pinned to
their own dealer (``dealer_id``, ``region`` and ``tier`` parameters are ignored for them).
"""
from __future__ import annotations

from typing import NamedTuple

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import Role
from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.bounds import parse_id
from lms.reports import activity, coverage, course_stats, snapshots
from lms.reports.assigned import assigned_by_dealer
from lms.reports.charts import activity_chart
from lms.reports.scope import filter_options
from lms.reports.tables import Table
from lms.reports.views import bp
from lms.reports.views.helpers import (MAX_DAYS, column_counts, coverage_links, coverage_row, download, int_arg,
                                       never_cell, request_scope, state_labels)
from lms.timeutil import utcnow

VIEWERS = (Role.DEALER_ADMIN, *REPORT_ROLES)
PER_PAGE = 50
PEOPLE_PER_PAGE = 100


class Cell(NamedTuple):
    """A matrix cell as the page shows it: "not assigned" takes the place of the not-certified count."""

    valid: int
    expiring: int
    expired: int
    never: int | str


def _by() -> str:
    from flask import request

    by = request.args.get("by") or "course"
    if by not in coverage.BY_VALUES:
        abort(400, description=_("Unknown grouping: choose courses or product lines."))
    return by


def _options(scope) -> dict:
    return {} if scope.pinned else filter_options()


@bp.route("/coverage")
@bp.route("/coverage.<fmt>")
@roles_required(*VIEWERS)
def coverage_matrix(fmt: str | None = None):
    scope, by = request_scope(), _by()
    days, page = int_arg("days", 30, 0, MAX_DAYS), int_arg("page", 1, 1, 100000)
    now = utcnow()
    columns = coverage.columns(by)
    summary, computed_at = snapshots.coverage_summary(scope, by, days)
    dealers, cells = coverage.matrix(scope, by, now, days, page, PER_PAGE)
    total_dealers = coverage.dealer_count(scope)
    labels = state_labels()
    column_title = _("Product line") if by == "product_line" else _("Course")
    state_headers = [labels[state] for state in coverage.STATES]
    base = {"by": by, "days": days, **scope.params()}
    summary_rows, summary_links = [], []
    for key, title in columns:
        counts = column_counts(summary, key)
        summary_rows.append(coverage_row(title, counts, labels))
        summary_links.append(coverage_links(url_for("reports.coverage_people", key=key, **base), counts))
    summary_title = _("Coverage by product line") if by == "product_line" else _("Coverage by course")
    summary_table = Table("summary", summary_title,
                          [column_title, _("Staff"), *state_headers, _("Certified, %")],
                          summary_rows, summary_links, numeric=(1, 2, 3, 4, 5, 6))
    matrix_rows, shown = [], {}
    for dealer in dealers:
        for key, title in columns:
            counts = cells.get((dealer["id"], key)) or coverage.Counts(dealer["staff"], 0, 0, 0)
            never = never_cell(counts, labels)
            matrix_rows.append([dealer["name"], dealer["region"], dealer["tier"], title, dealer["staff"],
                                counts.valid, counts.expiring, counts.expired, never])
            if not counts.assigned:
                shown[(dealer["id"], key)] = Cell(counts.valid, counts.expiring, counts.expired, never)
    matrix_table = Table("matrix", _("Coverage by dealer"),
                         [_("Dealer"), _("Region"), _("Tier"), column_title, _("Staff"), *state_headers],
                         matrix_rows, numeric=(4, 5, 6, 7, 8))
    if fmt:
        return download([summary_table, matrix_table], fmt, f"coverage-{by}")
    pages = max(1, -(-total_dealers // PER_PAGE))
    return render_template("reports/coverage.html", scope=scope, by=by, days=days, page=page, pages=pages,
                           base=base, columns=columns, dealers=dealers, cells={**cells, **shown},
                           summary=summary_table, computed_at=computed_at,
                           empty=coverage.Counts, options=_options(scope), total_dealers=total_dealers,
                           assigned=assigned_by_dealer([dealer["id"] for dealer in dealers], now.date()))


@bp.route("/coverage/people")
@bp.route("/coverage/people.<fmt>")
@roles_required(*VIEWERS)
def coverage_people(fmt: str | None = None):
    from flask import request

    scope, by = request_scope(), _by()
    days, page = int_arg("days", 30, 0, MAX_DAYS), int_arg("page", 1, 1, 100000)
    raw_key = request.args.get("key") or ""
    if by == "course":
        key = parse_id(raw_key)
    else:
        key = raw_key or None
    titles = dict(coverage.columns(by))
    if key not in titles:
        abort(404)
    state = request.args.get("state")
    if state not in (None, "", *coverage.STATES, coverage.UNASSIGNED):
        abort(400, description=_("Unknown certificate state."))
    people = coverage.people(scope, by, key, utcnow(), days, state or None, page, PEOPLE_PER_PAGE)
    labels = state_labels()
    table = Table("people", _("People: %(title)s", title=titles[key]),
                  [_("Name"), _("Email"), _("Dealer"), _("State"), _("Expires")],
                  [[p["name"], p["email"], p["dealer_name"], labels[p["state"]],
                    p["expires_at"].date() if p["expires_at"] else None] for p in people])
    if fmt:
        return download([table], fmt, "coverage-people")
    base = {"by": by, "key": key, "days": days, "state": state or None, **scope.params()}
    return render_template("reports/people.html", table=table, title=titles[key], scope=scope, page=page,
                           base=base, has_next=len(people) == PEOPLE_PER_PAGE, state=state, labels=labels)


def courses_table(rows: list[dict], scope) -> Table:
    return Table("courses", _("Courses"),
                 [_("Course"), _("Enrolled"), _("In progress"), _("Completed the course"), _("Pass rate, %"),
                  _("Average score, %"), _("Average time, min")],
                 [[r["title"], r["enrolled"], r["in_progress"], r["completed"], r["pass_rate"], r["avg_score"],
                   r["avg_minutes"]] for r in rows],
                 [[url_for("reports.course", course_id=r["id"], **scope.params())] + [None] * 6 for r in rows],
                 numeric=(1, 2, 3, 4, 5, 6))


@bp.route("/courses")
@bp.route("/courses.<fmt>")
@roles_required(*VIEWERS)
def courses(fmt: str | None = None):
    scope = request_scope()
    rows, computed_at = snapshots.course_rows(scope)
    table = courses_table(rows, scope)
    if fmt:
        return download([table], fmt, "courses")
    return render_template("reports/courses.html", table=table, scope=scope, options=_options(scope),
                           computed_at=computed_at)


@bp.route("/courses/<int:course_id>")
@bp.route("/courses/<int:course_id>.<fmt>")
@roles_required(*VIEWERS)
def course(course_id: int, fmt: str | None = None):
    scope = request_scope()
    rows = course_stats.course_rows(scope, course_id)
    if not rows:
        abort(404)
    row = rows[0]
    summary = courses_table(rows, scope)
    summary.links = None
    lessons = course_stats.funnel(scope, course_id)
    funnel = Table("funnel", _("Completion funnel by lesson"),
                   [_("Lesson"), _("Required"), _("Started"), _("Completed the lesson"), _("Completed, % of enrolled")],
                   [[lesson["title"], _("yes") if lesson["required"] else _("no"), lesson["started"],
                     lesson["completed"],
                     round(100 * lesson["completed"] / row["enrolled"], 1) if row["enrolled"] else None]
                    for lesson in lessons], numeric=(2, 3, 4))
    if fmt:
        return download([summary, funnel], fmt, f"course-{course_id}")
    from lms import charts

    chart = charts.bar_chart([r[0] for r in funnel.rows], [r[3] for r in funnel.rows],
                                    title=_("Completed per lesson"), empty_text=_("No data"))
    analysis_url = (url_for("quizzes.item_analysis", quiz_id=row["quiz_id"])
                    if row["quiz_id"] and current_user.role in REPORT_ROLES and "quizzes.item_analysis"
                    in _endpoints() else None)
    return render_template("reports/course.html", course=row, summary=summary, funnel=funnel, chart=chart,
                           scope=scope, analysis_url=analysis_url, options=_options(scope))


def _endpoints():
    from flask import current_app

    return current_app.view_functions


@bp.route("/activity")
@bp.route("/activity.<fmt>")
@roles_required(*VIEWERS)
def activity_page(fmt: str | None = None):
    scope = request_scope()
    weeks_count = int_arg("weeks", 12, 1, activity.MAX_WEEKS)
    weeks, computed_at = snapshots.weekly(scope, weeks_count)
    table = Table("activity", _("Activity by week"), [_("Week from"), _("Active learners"), _("Course completions")],
                  [[w["week"], w["active"], w["completions"]] for w in weeks], numeric=(1, 2))
    if fmt:
        return download([table], fmt, "activity")
    return render_template("reports/activity.html", table=table, chart=activity_chart(weeks), scope=scope,
                           weeks=weeks_count, options=_options(scope), computed_at=computed_at)
