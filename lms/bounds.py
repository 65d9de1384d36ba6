"""Values the database can hold: ids in paths, query strings and forms are bounded before any query,
and text must be free of what PostgreSQL cannot store (``UNSTORABLE``).

Every id column is an INTEGER: PostgreSQL refuses a parameter past 2**31 - 1 ("integer out of
range") and SQLite's driver one past 2**63 - 1 (OverflowError), and both were a 500. Python's
``int()`` also raises on a digit string past 4300 digits and on digits like "²" that
``str.isdigit()`` accepts. So numbers from a client are read here, as ASCII digits of bounded
length, and anything else is "not an id": a 404 for a path, a clear 400 or a field error elsewhere.
"""
from __future__ import annotations

import builtins
import re

from werkzeug.routing import IntegerConverter

# PostgreSQL's text types cannot hold U+0000, and a lone surrogate cannot be encoded to UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_ID = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL (and of our ids anywhere)
_DIGITS = re.compile(r"[0-9]{1,10}")  # ten digits hold MAX_ID; int() of them is cheap


def parse_int(raw: object, low: int = 1, high: int = MAX_ID) -> int | None:
    """``raw`` (a string of ASCII digits, or an int) as an int within [low, high], else None.

    A sign is never accepted from text: every number we read from a client is a count or an id.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw):
        value = int(raw)
    else:
        return None
    return value if low <= value <= high else None


def parse_id(raw: object) -> int | None:
    """A database id (1 … MAX_ID) from a query string, a form or JSON, or None."""
    return parse_int(raw, 1, MAX_ID)


def digits_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers 1 … ``limit``, without leading zeros."""
    text = str(limit)
    parts = [f"[1-9][0-9]{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    for position, digit in enumerate(text):
        lowest = 1 if position == 0 else 0
        if int(digit) > lowest:  # numbers of full length that fall below the limit at this digit
            parts.append(f"{text[:position]}[{lowest}-{int(digit) - 1}][0-9]{{{len(text) - position - 1}}}")
    parts.append(text)
    return "(?:" + "|".join(parts) + ")"


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: 1 … MAX_ID in ASCII digits; anything else does not match (404).

    Werkzeug's own converter takes any length of any Unicode digits, so an id past the column's
    range reached the database, and a very long one made ``int()`` itself raise. The range is in
    the regular expression rather than only in ``to_python``: Werkzeug turns a value refused there
    into a 405 when the same path has a rule for another method.
    """

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        # A route may narrow the range (``<int(max=100):n>``), never widen it or allow a sign.
        low = 1 if min is None else builtins.max(min, 1)
        high = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits=fixed_digits, min=low, max=high, signed=False)
        self.regex = digits_up_to(high)


def install_id_converter(app) -> None:
    """Make ``<int:…>`` the bounded id converter; call before any blueprint is registered."""
    app.url_map.converters["int"] = IdConverter
