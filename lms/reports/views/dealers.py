"""The manager overview of dealers, and one dealer's page, exports and printable summary."""
from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import gettext as _

from lms.auth.models import Dealer, Role, tier_label
from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.extensions import db
from lms.reports import activity, coverage, snapshots
from lms.reports.charts import activity_chart, coverage_chart
from lms.reports.queries import dealer_staff, dealer_staff_counts
from lms.reports.scope import Scope
from lms.reports.tables import Table
from lms.reports.views import bp
from lms.reports.views.helpers import (MAX_DAYS, column_counts, coverage_links, coverage_row, dealer_scope, download,
                                       int_arg, state_labels)
from lms.timeutil import utcnow

PDF_MAX_ROWS = 30
OVERVIEW_WEEKS = 12


def dealers_table(rows: list[dict]) -> Table:
    from flask import url_for

    return Table("dealers", _("Dealers and their active staff"),
                 [_("Dealer"), _("Tier"), _("Region"), _("Learners"), _("Dealer admins")],
                 [[d["name"], tier_label(d["tier"]), d["region"], d["learners"], d["dealer_admins"]] for d in rows],
                 [[url_for("reports.dealer", dealer_id=d["id"]), None, None, None, None] for d in rows],
                 numeric=(3, 4))


@bp.route("/")
@bp.route("/dealers.<fmt>")
@roles_required(*REPORT_ROLES)
def overview(fmt: str | None = None):
    table = dealers_table(dealer_staff_counts())
    if fmt:
        return download([table], fmt, "dealers")
    scope = Scope()
    coverage_table = course_coverage_table(scope, snapshots.COVERAGE_DAYS)
    weeks, _computed_at = snapshots.weekly(scope, OVERVIEW_WEEKS)
    return render_template("reports/overview.html", table=table, scope=scope, days=snapshots.COVERAGE_DAYS,
                           coverage_svg=coverage_chart(coverage_table), activity_svg=activity_chart(weeks))


def course_coverage_table(scope, days: int) -> Table:
    """Coverage per certifying course within ``scope`` (one query for columns, one for counts); for
    all dealers over the usual 30 days, the worker's snapshot when it is fresh."""
    from flask import url_for

    columns = coverage.columns("course")
    summary, _computed_at = snapshots.coverage_summary(scope, "course", days)
    labels = state_labels()
    rows, links = [], []
    for key, title in columns:
        counts = column_counts(summary, key)
        rows.append(coverage_row(title, counts, labels))
        people = url_for("reports.coverage_people", by="course", key=key, days=days, **scope.params())
        links.append(coverage_links(people, counts))
    return Table("coverage", _("Certification coverage by course"),
                 [_("Course"), _("Staff"), labels["valid"], labels["expiring"], labels["expired"], labels["never"],
                  _("Certified, %")], rows, links, numeric=(1, 2, 3, 4, 5, 6))


def staff_table(dealer_id: int) -> Table:
    from lms.auth.models import ROLE_LABELS

    staff = dealer_staff(dealer_id)
    return Table("staff", _("Staff"), [_("Name"), _("Email"), _("Role"), _("Last seen")],
                 [[u.name, u.email, str(ROLE_LABELS.get(u.role, u.role)), u.last_seen_at] for u in staff])


@bp.route("/dealers/<int:dealer_id>")
@bp.route("/dealers/<int:dealer_id>.<fmt>")
@roles_required(Role.DEALER_ADMIN, *REPORT_ROLES)
def dealer(dealer_id: int, fmt: str | None = None):
    scope = dealer_scope(dealer_id)
    dealer = db.session.get(Dealer, dealer_id) or abort(404)
    days = int_arg("days", 30, 0, MAX_DAYS)
    tables = [course_coverage_table(scope, days), staff_table(dealer_id)]
    if fmt:
        return download(tables, fmt, f"dealer-{dealer_id}")
    weeks = activity.weekly(scope, utcnow(), 12)
    return render_template("reports/dealer.html", dealer=dealer, days=days, coverage=tables[0], staff_table=tables[1],
                           staff=dealer_staff(dealer_id), scope=scope,
                           coverage_svg=coverage_chart(tables[0]), activity_svg=activity_chart(weeks))


@bp.route("/dealers/<int:dealer_id>/summary.pdf")
@roles_required(Role.DEALER_ADMIN, *REPORT_ROLES)
def dealer_pdf(dealer_id: int):
    """One or two printed pages: totals, the courses where staff hold certificates, activity by week."""
    from lms.reports.pdf import render_pdf

    scope = dealer_scope(dealer_id)
    dealer = db.session.get(Dealer, dealer_id) or abort(404)
    days = int_arg("days", 30, 0, MAX_DAYS)
    table = course_coverage_table(scope, days)
    # WeasyPrint lays out about a thousand table cells per second: print the courses that matter
    # (someone certified, most urgent first) and sum up the rest, so the PDF stays under a second.
    held = sorted((row for row in table.rows if row[2] + row[3] + row[4]),
                  key=lambda row: (-row[3], -row[4], row[0]))
    # "Not assigned" is text in the not-certified column: it adds nothing to the gaps.
    totals = [sum(row[i] for row in table.rows if isinstance(row[i], int)) for i in range(1, 6)]
    assigned = sum(1 for row in table.rows if isinstance(row[5], int))
    summary = Table(table.key, table.title, table.headers, held[:PDF_MAX_ROWS], numeric=table.numeric)
    chart = coverage_chart(Table("totals", _("All courses"), table.headers,
                                 [[_("All courses"), *totals, None]], numeric=table.numeric))
    weeks = activity.weekly(scope, utcnow(), 12)
    html = render_template("reports/dealer_pdf.html", dealer=dealer, days=days, coverage=summary, totals=totals,
                           courses=assigned, hidden=len(table.rows) - len(summary.rows),
                           coverage_svg=chart, activity_svg=activity_chart(weeks), generated_at=utcnow())
    return Response(render_pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="dealer-{dealer_id}-summary.pdf"'})
