"""Who an integration may manage: users it created, or users an admin linked to one of its external ids.

A matching e-mail is never proof that an integration owns an account, so an existing account is
joined to an external id only by an admin (the admin page or ``lms api-tokens link``), recorded
with who did it. Services: the caller commits.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.api.models import LINK_ADMIN, LINK_ADOPTED, ApiToken, ApiUserLink
from lms.auth.models import Role, User
from lms.auth.services import find_user
from lms.extensions import db

# The API manages dealer staff only; staff accounts (authors, managers, admins) are never touched.
API_ROLES = (Role.LEARNER, Role.DEALER_ADMIN)
MAX_EXTERNAL_ID = 200
# The same rule as the OpenAPI pattern: no control characters, no leading space.
EXTERNAL_ID_RE = re.compile(r"[^\x00-\x20\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*")


class LinkError(ValueError):
    """A refused link request; ``message`` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def valid_external_id(external_id: str) -> bool:
    return len(external_id) <= MAX_EXTERNAL_ID and EXTERNAL_ID_RE.fullmatch(external_id) is not None


def known_integrations() -> list[str]:
    """Integrations that have (or had) a token: the only names a link can be made for."""
    return list(db.session.scalars(sa.select(ApiToken.integration).distinct().order_by(ApiToken.integration)))


def link_user(*, integration: str, external_id: str, user_reference: str,
              linked_by_id: int) -> tuple[ApiUserLink, bool]:
    """Link an existing user to an integration's external id on an admin's word; returns (link, changed).

    Confirming an e-mail adoption made before links needed an admin turns it into an admin link.
    """
    integration = (integration or "").strip()
    external_id = external_id or ""
    if integration not in known_integrations():
        raise LinkError(_l("No API token belongs to the integration “%(name)s”.", name=integration))
    if not valid_external_id(external_id):
        raise LinkError(_l("The external id must be 1–%(n)d characters without control characters, "
                           "not starting with a space.", n=MAX_EXTERNAL_ID))
    user = find_user(user_reference)
    if user is None:
        raise LinkError(_l("No user has this e-mail or id."))
    if user.role not in API_ROLES:
        raise LinkError(_l("Staff accounts (authors, managers, administrators) cannot be linked: "
                           "the API does not manage them."))
    by_external_id = db.session.scalar(sa.select(ApiUserLink).where(
        ApiUserLink.integration == integration, ApiUserLink.external_id == external_id))
    if by_external_id is not None and by_external_id.user_id != user.id:
        other = db.session.get(User, by_external_id.user_id)
        raise LinkError(_l("This external id of %(integration)s is already linked to %(email)s; unlink it first.",
                           integration=integration, email=other.email))
    by_user = db.session.scalar(sa.select(ApiUserLink).where(
        ApiUserLink.integration == integration, ApiUserLink.user_id == user.id))
    if by_user is not None and by_user.external_id != external_id:
        raise LinkError(_l("%(email)s is already linked to %(integration)s as “%(external_id)s”; unlink it first.",
                           email=user.email, integration=integration, external_id=by_user.external_id))
    if by_user is not None:
        if by_user.origin != LINK_ADOPTED:
            return by_user, False
        by_user.origin, by_user.linked_by_id = LINK_ADMIN, linked_by_id
        return by_user, True
    link = ApiUserLink(integration=integration, external_id=external_id, user_id=user.id, origin=LINK_ADMIN,
                       linked_by_id=linked_by_id)
    db.session.add(link)
    db.session.flush()
    return link, True


def unlink(link_id: int) -> ApiUserLink | None:
    """Remove a link (the user stays); None when there is no such link."""
    link = db.session.get(ApiUserLink, link_id)
    if link is not None:
        db.session.delete(link)
        db.session.flush()
    return link


def find_link(integration: str, external_id: str) -> ApiUserLink | None:
    return db.session.scalar(sa.select(ApiUserLink).where(ApiUserLink.integration == integration,
                                                          ApiUserLink.external_id == external_id))
