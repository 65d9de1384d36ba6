"""What the report pages share: query parameters, the request's scope, downloads and coverage rows."""
from __future__ import annotations

from flask import Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import Role
from lms.auth.permissions import REPORT_ROLES, can_view_dealer
from lms.bounds import parse_id
from lms.reports import coverage
from lms.reports.scope import Scope, scope_for
from lms.reports.tables import Table, export

MAX_DAYS = 3650


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; anything else is a clear 400."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        abort(400, description=_("Parameter %(name)s must be a whole number from %(low)s to %(high)s.",
                                 name=name, low=low, high=high))
    return value


def request_scope() -> Scope:
    """The scope of this request's filters (``dealer_id``, ``region``, ``tier``); a dealer admin is pinned to
    their own dealer, and without one gets a 404."""
    if current_user.role == Role.DEALER_ADMIN and current_user.dealer_id is None:
        abort(404)
    if current_user.role not in (Role.DEALER_ADMIN, *REPORT_ROLES):
        abort(403)
    return scope_for(current_user.role, current_user.dealer_id, dealer_id=parse_id(request.args.get("dealer_id")),
                     region=request.args.get("region"), tier=request.args.get("tier"))


def dealer_scope(dealer_id: int) -> Scope:
    """The scope of one dealer's page: 404 unless the signed-in user may see that dealer."""
    if not can_view_dealer(current_user, dealer_id):
        abort(404)  # another dealer's data does not exist for a dealer admin
    return Scope(dealer_id=dealer_id, pinned=current_user.role == Role.DEALER_ADMIN)


def download(tables: list[Table], fmt: str, filename: str) -> Response:
    """The tables as a CSV or XLSX download; ``?table=key`` picks the CSV's table."""
    return export(tables, fmt, filename, wanted=request.args.get("table"))


def state_labels() -> dict:
    return {"valid": _("Valid now"), "expiring": _("Expiring"), "expired": _("Expired"), "never": _("Not certified"),
            coverage.UNASSIGNED: _("Not assigned")}


def never_cell(counts: coverage.Counts, labels: dict):
    """The "not certified" cell: a count, or "not assigned" where the course is not aimed at the dealer(s)."""
    return counts.never if counts.assigned else labels[coverage.UNASSIGNED]


def coverage_row(title: str, counts: coverage.Counts, labels: dict) -> list:
    """Course or product line, staff, valid, expiring, expired, not certified, certified %."""
    return [title, counts.staff, counts.valid, counts.expiring, counts.expired, never_cell(counts, labels),
            counts.valid_percent]


def column_counts(summary: dict, key) -> coverage.Counts:
    # A course published between the columns query and the counts query has no counts yet.
    return summary.get(key) or coverage.Counts(0, 0, 0, 0, assigned=False)


def coverage_links(people_url: str, counts: coverage.Counts) -> list:
    """Drill-down links of a coverage row; "not assigned" leads to the staff it is not assigned to."""
    never = coverage.STATES[-1] if counts.assigned else coverage.UNASSIGNED
    return [people_url, None, *[f"{people_url}&state={state}" for state in (*coverage.STATES[:-1], never)], None]
