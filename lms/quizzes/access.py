"""Who sees a quiz's attempts (results, the grading queue, grading, item analysis).

Learners' answers and marks are personal data of every dealer's staff, so not every author reads
them: managers and admins see every quiz's attempts, an author only those of the quizzes they are
the author of (``Quiz.author_id``: they created it, or a manager assigned them). A quiz without an
author (imported, or made before authors were recorded) is for managers and admins until a manager
assigns one. Authoring content (settings, questions, the bank) stays open to every author.
"""
from __future__ import annotations

import sqlalchemy as sa

from lms.auth.models import Role, User
from lms.extensions import db
from lms.quizzes.models import Quiz

# They see every quiz's attempts, and choose each quiz's author.
OVERSEERS = (Role.MANAGER, Role.ADMIN)


def may_review(user, quiz: Quiz) -> bool:
    """Whether ``user`` may see the attempts of ``quiz``, grade them and read its analysis."""
    if not user.is_authenticated:
        return False
    if user.role in OVERSEERS:
        return True
    return user.role == Role.AUTHOR and quiz.author_id is not None and quiz.author_id == user.id


def author_choices() -> list[tuple[int, str]]:
    """The active authors a manager can make a quiz's author, by name."""
    return [(user_id, f"{name} <{email}>") for user_id, name, email in db.session.execute(
        sa.select(User.id, User.name, User.email).where(User.role == Role.AUTHOR, User.active.is_(True))
        .order_by(User.name, User.id))]
