"""What the assignment form offers a manager or a dealer admin: courses, paths, dealers and people by name."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from lms.assignments.audience import AUDIENCE_LABELS, DEALER_ADMIN_KINDS, DEALER_STAFF
from lms.assignments.forms import AssignmentForm
from lms.auth.models import ROLE_LABELS, Dealer, Role, User, tier_label
from lms.courses.models import Course, LearningPath
from lms.extensions import db


def fill_choices(form: AssignmentForm, user) -> None:
    """Fill the pickers for ``user``: a dealer admin sees only their dealer's staff and kinds."""
    courses = db.session.execute(sa.select(Course.id, Course.title).where(Course.published.is_(True))
                                 .order_by(Course.title)).all()
    paths = db.session.execute(sa.select(LearningPath.id, LearningPath.title).order_by(LearningPath.title)).all()
    form.target.choices = ([SelectChoice("", _("— choose —"))]
                           + [SelectChoice(f"course:{row.id}", _("Course: %(title)s", title=row.title)) for row in courses]
                           + [SelectChoice(f"path:{row.id}", _("Learning path: %(title)s", title=row.title)) for row in paths])
    people = sa.select(User.id, User.name, User.email).where(User.active.is_(True)).order_by(User.name, User.id)
    if user.role == Role.DEALER_ADMIN:
        form.audience_kind.choices = [SelectChoice(kind, AUDIENCE_LABELS[kind]) for kind in DEALER_ADMIN_KINDS]
        form.roles.choices = [SelectChoice(role, ROLE_LABELS[role]) for role in DEALER_STAFF]
        people = people.where(User.dealer_id == user.dealer_id)
        form.tiers.choices = form.regions.choices = form.dealers.choices = []
    else:
        dealers = db.session.execute(sa.select(Dealer.id, Dealer.name, Dealer.tier, Dealer.region)
                                     .where(Dealer.active.is_(True)).order_by(Dealer.name)).all()
        form.tiers.choices = [SelectChoice(tier, tier_label(tier)) for tier in sorted({row.tier for row in dealers})]
        form.regions.choices = [SelectChoice(region, region) for region in sorted({row.region for row in dealers})]
        form.dealers.choices = [SelectChoice(row.id, row.name) for row in dealers]
        form.roles.choices = [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]
    form.people.choices = [SelectChoice(row.id, f"{row.name} <{row.email}>") for row in db.session.execute(people)]


def parse_target(value: str) -> tuple[int | None, int | None]:
    """``course:<id>`` or ``path:<id>`` (already one of the offered choices) as (course_id, path_id)."""
    kind, _sep, raw = (value or "").partition(":")
    number = int(raw) if raw.isdigit() else None
    return (number, None) if kind == "course" else (None, number)
