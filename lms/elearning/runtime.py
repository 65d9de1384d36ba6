"""The cross-frame bridge's server side: run-time calls a package frame hands to the lesson page.

The package frame (content origin) posts ``{"lmsBridge": 1, "id", "method", "data"}`` to the lesson
page; the page checks the message's origin and source window and POSTs it, with the CSRF token, to
``/elearning/launches/<launch>/runtime/<method>``. Runtimes register their methods here:
``RUNTIME_METHODS[kind][method] = handler(launch, unit, package, data) -> dict`` (the SCORM
runtime adds its data-model calls). ``ping`` works for every kind.
"""
from __future__ import annotations

from typing import Callable

RUNTIME_METHODS: dict[str, dict[str, Callable]] = {}


def register_method(kind: str, method: str, handler: Callable) -> None:
    RUNTIME_METHODS.setdefault(kind, {})[method] = handler


def find_method(kind: str, method: str) -> Callable | None:
    if method == "ping":
        return lambda launch, unit, package, data: {"ok": True, "launch": launch.id}
    return RUNTIME_METHODS.get(kind, {}).get(method)
