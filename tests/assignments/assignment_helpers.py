"""Set-up shared by the assignment tests."""
from __future__ import annotations

import sqlalchemy as sa

from lms.testing import DEMO_EMAILS


def user_id(app, key: str) -> int:
    from lms.auth.models import User
    from lms.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS.get(key, key)))


def dealer_id_of(app, key: str) -> int:
    from lms.auth.models import User
    from lms.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(User.dealer_id).where(User.email == DEMO_EMAILS.get(key, key)))


def assign(app, by: str = "manager", **spec) -> int:
    """Create an assignment through the service, as the demo account ``by``; returns its id."""
    from lms.assignments.services import AssignmentSpec, create_assignment
    from lms.auth.models import User
    from lms.events import commit
    from lms.extensions import db

    values = {"course_id": None, "path_id": None, "audience_kind": "all", "audience_values": (),
              "due_kind": "after_assignment", "due_days": 30}
    values.update(spec)
    with app.app_context():
        author = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAILS[by]))
        assignment = create_assignment(AssignmentSpec(**values), by_user_id=author.id, by_role=author.role,
                                       by_dealer_id=author.dealer_id)
        commit()
        return assignment.id


def add_user(app, email: str, dealer_id: int, role: str = "learner", password: str = "learner-password") -> int:
    from lms.auth.services import create_user
    from lms.events import commit

    with app.app_context():
        user = create_user(email=email, name=email.split("@")[0], role=role, dealer_id=dealer_id,
                           password=password, source="admin")
        commit()
        return user.id


def statuses(app, assignment_id: int) -> dict[str, str]:
    """{e-mail: status} of everyone holding the assignment, today by the (possibly moved) clock."""
    from lms.assignments.queries import people_rows
    from lms.timeutil import utcnow

    with app.app_context():
        return {row.email: row.status for row in people_rows(assignment_id, utcnow().date())}
