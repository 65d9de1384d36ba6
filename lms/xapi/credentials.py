"""Short-lived launch credentials: a package launched for one learner may write and read only that
learner's statements and documents about its own activity. Services: the caller commits."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from lms.api.tokens import hash_token
from lms.auth.models import User
from lms.extensions import db
from lms.timeutil import utcnow
from lms.xapi.agents import agent_ifi
from lms.xapi.errors import bad_request
from lms.xapi.formats import check_iri, check_uuid
from lms.xapi.learners import learner_agent
from lms.xapi.models import XapiLaunchCredential

KEY_PREFIX = "xlc_"
MAX_LIFETIME_SECONDS = 24 * 3600


@dataclass(frozen=True)
class LaunchCredential:
    """What a launcher hands to the package: Basic user name and password, and until when they work."""

    username: str
    password: str
    expires_at: object
    actor: dict
    activity_id: str
    registration: str | None

    @property
    def authorization(self) -> str:
        import base64

        return "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()


def mint_launch_credential(*, user_id: int, activity_id: str, registration: str | None = None,
                           lifetime_seconds: int, token_id: int | None = None) -> LaunchCredential:
    """A new credential for ``user_id`` on ``activity_id`` (and its sub-activities), valid ``lifetime_seconds``."""
    check_iri(activity_id, "activityId")
    if registration is not None:
        check_uuid(registration, "registration")
    if isinstance(lifetime_seconds, bool) or not isinstance(lifetime_seconds, int) \
            or not 0 < lifetime_seconds <= MAX_LIFETIME_SECONDS:
        raise bad_request(f"lifetime must be between 1 and {MAX_LIFETIME_SECONDS} seconds")
    user = db.session.get(User, user_id)
    if user is None:
        raise bad_request("no such user")
    actor = learner_agent(user)
    key = KEY_PREFIX + secrets.token_hex(12)
    secret = secrets.token_urlsafe(24)
    expires_at = utcnow() + timedelta(seconds=lifetime_seconds)
    db.session.add(XapiLaunchCredential(key=key, secret_hash=hash_token(secret), user_id=user.id,
                                        agent_ifi=agent_ifi(actor), activity_id=activity_id,
                                        registration=registration, token_id=token_id, expires_at=expires_at))
    db.session.flush()
    return LaunchCredential(key, secret, expires_at, actor, activity_id, registration)


def find_launch_credential(key: str, secret: str) -> XapiLaunchCredential | None:
    """The unexpired credential with this key and secret, else None."""
    if not key.startswith(KEY_PREFIX) or len(key) > 32:
        return None
    row = db.session.scalar(sa.select(XapiLaunchCredential).where(XapiLaunchCredential.key == key))
    if row is None or row.expires_at <= utcnow():
        return None
    if not hmac.compare_digest(row.secret_hash, hash_token(secret)):
        return None
    return row


def covers_activity(credential_activity: str, activity_id: str | None) -> bool:
    """The launched activity itself, or one of its parts (``<id>/…``, ``<id>#…``, ``<id>?…``)."""
    if not activity_id:
        return False
    return activity_id == credential_activity or any(
        activity_id.startswith(credential_activity + sep) for sep in ("/", "#", "?"))
