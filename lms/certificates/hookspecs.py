"""Hooks of the certificates domain (see docs/hooks.md)."""
from lms.hookspecs import hookspec


@hookspec(firstresult=True)
def lms_certificate_template(course):
    """Return the HTML/CSS template source for ``course`` (a plain dict), or None for the default.

    The first non-None answer wins.
    """


@hookspec
def lms_certificate_blockers(user, course):
    """Return a reason (str) or a list of reasons why the certificate must not be issued yet.

    ``user`` and ``course`` are plain dicts. Any reason vetoes the issue; reasons are shown to
    the learner.
    """


@hookspec
def lms_certificate_issued(certificate):
    """A certificate was issued; ``certificate`` is a frozen ``CertificateInfo``. After commit."""


@hookspec
def lms_certificate_revoked(certificate):
    """A certificate was revoked; ``certificate`` is a frozen ``CertificateInfo``. After commit."""


@hookspec
def lms_certificate_expiring(certificate, days_left):
    """A certificate expires within ``days_left`` days (fired by ``lms certificates remind``)."""
