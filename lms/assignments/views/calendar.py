"""The learner's calendar feed: a page to make, replace or revoke the secret URL, and the feed itself."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.assignments.calendar import feed_ics, feed_of, feed_owner, new_feed_token, revoke_feed
from lms.assignments.views import bp
from lms.events import commit


@bp.route("/calendar")
@login_required
def calendar_page():
    return render_template("assignments/calendar.html", feed=feed_of(current_user.id), feed_url=None)


@bp.route("/calendar/new", methods=["POST"])
@login_required
def new_calendar_url():
    """Make a secret URL (replacing the old one, which stops working) and show it this once."""
    token = new_feed_token(current_user.id)
    commit()
    feed_url = url_for("assignments.calendar_feed", token=token, _external=True)
    return render_template("assignments/calendar.html", feed=feed_of(current_user.id), feed_url=feed_url)


@bp.route("/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar_url():
    revoke_feed(current_user.id)
    commit()
    flash(_("The calendar link is revoked: it no longer works."), "success")
    return redirect(url_for("assignments.calendar_page"))


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The feed, for calendar apps (no session: the secret in the URL is the key); 404 once revoked."""
    user = feed_owner(token)
    if user is None:
        abort(404)
    body = feed_ics(user, current_app.config["PORTAL_NAME"], request.host)
    return Response(body, mimetype="text/calendar", headers={
        "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"})
