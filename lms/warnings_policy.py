"""Which warnings reach people: our own always; third-party deprecations never.

A library's deprecation notice is for us, the developers, not for the person running ``lms`` or
gunicorn: they cannot act on it. The test suite shows it to us instead (``pyproject.toml``'s
``filterwarnings`` keeps it visible in pytest's summary without failing the run), and
``tools/upgrade-canary`` finds the next one before a user does.
"""
from __future__ import annotations

import warnings

# Modules whose warnings are ours to fix: the core, the in-repo plugins, and the tests (which are
# imported by file name, without packages). pyproject.toml's filterwarnings uses the same pattern;
# tests/core/test_warnings_policy.py keeps the two equal.
OUR_MODULES = r"(lms|lms_\w+|test_\w+|conftest)(\.|$)"


def deprecation_categories() -> tuple[type[Warning], ...]:
    """The warning classes that announce a deprecation, including cryptography's own
    (a ``UserWarning`` subclass, so Python's default filters show it to everyone)."""
    from cryptography.utils import CryptographyDeprecationWarning

    return (DeprecationWarning, PendingDeprecationWarning, FutureWarning, CryptographyDeprecationWarning)


def hide_third_party_deprecations() -> None:
    """For the ``lms`` command and the WSGI entry point: silence other packages' deprecations,
    keep ours (an ``lms`` module using a deprecated API still says so)."""
    for category in deprecation_categories():
        warnings.filterwarnings("ignore", category=category)
        warnings.filterwarnings("default", category=category, module=OUR_MODULES)
