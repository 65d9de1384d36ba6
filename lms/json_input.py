"""JSON typed or sent by people, parsed with a bound on nesting.

Python's JSON decoder recurses once per ``[`` or ``{``: a few thousand of them (a few kilobytes of
text) raise RecursionError, which is no ValueError, so a view's "not valid JSON" handling missed it
and the request was a 500. Nothing the portal reads (question definitions, survey questions,
answers) nests deeper than a handful of levels, so deeper text is refused before it is parsed.
"""
from __future__ import annotations

import json
import re

# Far above any real document here (a question definition nests 3 levels), far below the recursion limit.
MAX_DEPTH = 64

# Strings are skipped whole (their brackets are text); the brackets outside them are counted.
_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.DOTALL)


class JSONTooDeep(ValueError):
    """The text nests arrays and objects deeper than the limit; a ValueError, as invalid JSON is."""

    def __init__(self, limit: int):
        super().__init__(f"nested deeper than {limit} levels")
        self.limit = limit


def nesting_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON ``text`` opens more than ``limit`` arrays and objects inside one another."""
    if text.count("[") + text.count("{") <= limit:  # the common case: too few brackets to be that deep
        return False
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH):
    """``json.loads`` that raises JSONTooDeep (a ValueError) instead of recursing past ``max_depth``."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    if nesting_exceeds(text, max_depth):
        raise JSONTooDeep(max_depth)
    return json.loads(text)
