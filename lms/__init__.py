"""Learning and certification portal for dealer networks.

Plugins write ``from lms import hookimpl`` and decorate their hook implementations with it.
"""
import pluggy

hookimpl = pluggy.HookimplMarker("lms")

from lms.app import create_app  # noqa: E402  (hookimpl must exist before plugins import it)

__all__ = ["create_app", "hookimpl"]
