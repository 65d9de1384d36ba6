"""The LRS's refusals: an ``XapiError`` becomes a JSON error body with its HTTP status."""
from __future__ import annotations


class XapiError(Exception):
    """A refused xAPI request; ``message`` is English, for the integrator reading the response."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def bad_request(message: str) -> XapiError:
    return XapiError(400, message)
