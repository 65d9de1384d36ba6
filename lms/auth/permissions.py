"""Role checks for views: a signed-in user without the role gets 403, a visitor the sign-in page."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from lms.auth.models import Role

STAFF_ROLES = (Role.AUTHOR, Role.MANAGER, Role.ADMIN)
REPORT_ROLES = (Role.MANAGER, Role.ADMIN)


def roles_required(*roles: str):
    """Decorator: the view needs a signed-in user with one of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_view_dealer(user, dealer_id: int | None) -> bool:
    """Managers and admins see every dealer; a dealer admin only their own."""
    if user.role in REPORT_ROLES:
        return True
    return user.role == Role.DEALER_ADMIN and dealer_id is not None and user.dealer_id == dealer_id
