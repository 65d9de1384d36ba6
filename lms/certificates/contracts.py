"""Values the certificates domain passes to hooks and plugins (frozen, no ORM objects)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CertificateInfo:
    """A certificate as hooks see it; ``status`` is valid, expired or revoked at the time of the event."""

    id: int
    serial: str
    code: str
    user_id: int
    course_id: int | None  # None for a learning path's certificate (see learning_path_id)
    course_version: int
    learner_name: str
    dealer_id: int | None
    dealer_name: str | None
    course_title: str
    score_percent: float | None
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None
    status: str
    verify_url: str
    learning_path_id: int | None = None

    @classmethod
    def from_model(cls, certificate, verify_url: str) -> CertificateInfo:
        """Freeze a ``Certificate`` row."""
        return cls(
            id=certificate.id,
            serial=certificate.serial,
            code=certificate.code,
            user_id=certificate.user_id,
            course_id=certificate.course_id,
            course_version=certificate.course_version,
            learner_name=certificate.learner_name,
            dealer_id=certificate.dealer_id,
            dealer_name=certificate.dealer_name,
            course_title=certificate.course_title,
            score_percent=certificate.score_percent,
            issued_at=certificate.issued_at,
            expires_at=certificate.expires_at,
            revoked_at=certificate.revoked_at,
            revoke_reason=certificate.revoke_reason,
            status=certificate.status,
            verify_url=verify_url,
            learning_path_id=certificate.learning_path_id,
        )
