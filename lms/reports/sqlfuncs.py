"""Portable SQL date arithmetic (SQLite and PostgreSQL) for set-based report queries.

Each element is written once per dialect in ``_portable``, on the two ways the dialects measure the
time between timestamps: PostgreSQL in epoch seconds, SQLite in Julian days.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


def _epoch_seconds(later: str, earlier: str) -> str:
    # date_part returns float8; EXTRACT returns numeric since PostgreSQL 14, several times slower to sum.
    return f"date_part('epoch', {later} - {earlier})"


def _julian_days(later: str, earlier: str) -> str:
    return f"(julianday({later}) - julianday({earlier}))"


def _portable(element_class, *, postgresql, sqlite):
    """Compile ``element_class`` with ``postgresql(*arguments)`` there and ``sqlite(*arguments)`` elsewhere,
    each given the SQL of the element's arguments."""

    def compiler_for(render):
        def compile_element(element, compiler, **kw):
            return render(*(compiler.process(argument, **kw) for argument in element.clauses))

        return compile_element

    compiles(element_class, "postgresql")(compiler_for(postgresql))
    compiles(element_class)(compiler_for(sqlite))
    return element_class


class seconds_between(FunctionElement):
    """``seconds_between(later, earlier)``: the difference of two timestamps in seconds (a float)."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


_portable(seconds_between,
          postgresql=_epoch_seconds,
          sqlite=lambda later, earlier: f"({_julian_days(later, earlier)} * 86400.0)")


class week_index(FunctionElement):
    """``week_index(moment, start)``: whole weeks from ``start`` to ``moment`` (0 for the first week)."""

    type = sa.Integer()
    inherit_cache = True
    name = "week_index"


_portable(week_index,
          postgresql=lambda moment, start: f"CAST(FLOOR({_epoch_seconds(moment, start)} / 604800) AS INTEGER)",
          # Only moments at or after ``start`` are bucketed, so truncation toward zero equals FLOOR.
          sqlite=lambda moment, start: f"CAST({_julian_days(moment, start)} / 7 AS INTEGER)")


class capped(FunctionElement):
    """``capped(seconds, cap)``: seconds limited to [0, cap], so one abandoned tab is not hours of study."""

    type = sa.Float()
    inherit_cache = True
    name = "capped"


_portable(capped,
          postgresql=lambda value, cap: f"LEAST(GREATEST({value}, 0), {cap})",
          # SQLite's two-argument MIN and MAX are scalar functions.
          sqlite=lambda value, cap: f"MIN(MAX({value}, 0), {cap})")
