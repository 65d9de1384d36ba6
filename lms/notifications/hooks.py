"""Notifications domain hooks: the certificate kinds, the centre's blueprint, mail in ``lms worker``."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms import hookimpl
from lms.plugins import domain_setup_hooks

lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.notifications.views:bp")

CERTIFICATE_ISSUED = "certificate_issued"
CERTIFICATE_EXPIRING = "certificate_expiring"
SURVEY_INVITATION = "survey_invitation"


def _issued_subject(params):
    return _("Certificate %(serial)s issued", serial=params.get("serial", ""))


def _issued_body(params):
    return _("Congratulations! Your certificate %(serial)s for the course \"%(course)s\" is ready.",
             serial=params.get("serial", ""), course=params.get("course_title", ""))


def _expiring_subject(params):
    return _("Your certificate %(serial)s expires soon", serial=params.get("serial", ""))


def _expiring_body(params):
    from lms.notifications.render import format_day

    return _("Your certificate %(serial)s for the course \"%(course)s\" expires on %(date)s. "
             "Take the course again to renew it.",
             serial=params.get("serial", ""), course=params.get("course_title", ""),
             date=format_day(params.get("expires_at")))


def _survey_subject(params):
    return _("Survey: %(title)s", title=params.get("title", ""))


def _survey_body(params):
    return _("You are invited to answer the survey \"%(title)s\".", title=params.get("title", ""))


@hookimpl
def lms_notification_kinds():
    from lms.notifications.kinds import Delivery, NotificationKind

    return [
        NotificationKind(CERTIFICATE_ISSUED, _l("Certificate issued"), _issued_subject, _issued_body,
                         Delivery.EMAIL),
        NotificationKind(CERTIFICATE_EXPIRING, _l("Certificate expiring"), _expiring_subject, _expiring_body,
                         Delivery.EMAIL),
        NotificationKind(SURVEY_INVITATION, _l("Survey invitation"), _survey_subject, _survey_body, Delivery.EMAIL),
    ]


@hookimpl
def lms_certificate_issued(certificate):
    from lms.notifications.events import certificate_issued

    certificate_issued(certificate)


@hookimpl
def lms_certificate_expiring(certificate, days_left):
    from lms.notifications.events import certificate_expiring

    certificate_expiring(certificate, days_left)


@hookimpl
def lms_worker_run_once(batch_size):
    """``lms worker`` queues the due digests, then sends the outbox (claimed, retried with backoff)."""
    from lms.notifications.digest import queue_due_digests
    from lms.notifications.outbox import send_due_mail

    digests = queue_due_digests()
    counts = send_due_mail(batch_size)
    return {"digests queued": digests, "e-mails sent": counts["sent"], "e-mails failed": counts["failed"]}


@hookimpl
def lms_app_created(app):
    from lms.notifications.views import notification_badge

    app.add_template_global(notification_badge, "notification_badge")
