"""Certificate events turned into notifications. Event hooks fire after commit, so these commit their own rows."""
from __future__ import annotations

from lms.events import commit
from lms.notifications.service import notify


def certificate_issued(certificate) -> None:
    if getattr(certificate, "user_id", None) is None:
        return  # not a CertificateInfo (a test's or plugin's stand-in): nobody to tell
    notify(certificate.user_id, "certificate_issued",
           params={"serial": certificate.serial, "course_title": certificate.course_title},
           link=certificate.verify_url, dedupe_key=f"certificate_issued:{certificate.id}")
    commit()


def certificate_expiring(certificate, days_left: int) -> None:
    if getattr(certificate, "user_id", None) is None:
        return
    expires = certificate.expires_at.date().isoformat() if certificate.expires_at else ""
    notify(certificate.user_id, "certificate_expiring",
           params={"serial": certificate.serial, "course_title": certificate.course_title, "expires_at": expires},
           link=certificate.verify_url, dedupe_key=f"certificate_expiring:{certificate.id}:{days_left}")
    commit()
