"""Portable SQL date arithmetic (SQLite and PostgreSQL) for set-based report queries."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class seconds_between(FunctionElement):
    """``seconds_between(later, earlier)``: the difference of two timestamps in seconds (a float)."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element, compiler, **kw):
    later, earlier = list(element.clauses)
    # date_part returns float8; EXTRACT returns numeric since PostgreSQL 14, several times slower to sum.
    return f"date_part('epoch', {compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(seconds_between)
def _seconds_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"((julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}))"
            " * 86400.0)")


class week_index(FunctionElement):
    """``week_index(moment, start)``: whole weeks from ``start`` to ``moment`` (0 for the first week)."""

    type = sa.Integer()
    inherit_cache = True
    name = "week_index"


@compiles(week_index, "postgresql")
def _week_pg(element, compiler, **kw):
    moment, start = list(element.clauses)
    return (f"CAST(FLOOR(date_part('epoch', {compiler.process(moment, **kw)} - "
            f"{compiler.process(start, **kw)}) / 604800) AS INTEGER)")


@compiles(week_index)
def _week_default(element, compiler, **kw):
    moment, start = list(element.clauses)
    # Only moments at or after ``start`` are bucketed, so truncation toward zero equals FLOOR.
    return (f"CAST((julianday({compiler.process(moment, **kw)}) - julianday({compiler.process(start, **kw)}))"
            " / 7 AS INTEGER)")


class capped(FunctionElement):
    """``capped(seconds, cap)``: seconds limited to [0, cap], so one abandoned tab is not hours of study."""

    type = sa.Float()
    inherit_cache = True
    name = "capped"


@compiles(capped, "postgresql")
def _capped_pg(element, compiler, **kw):
    value, cap = list(element.clauses)
    return f"LEAST(GREATEST({compiler.process(value, **kw)}, 0), {compiler.process(cap, **kw)})"


@compiles(capped)
def _capped_default(element, compiler, **kw):
    value, cap = list(element.clauses)  # SQLite's two-argument MIN and MAX are scalar functions
    return f"MIN(MAX({compiler.process(value, **kw)}, 0), {compiler.process(cap, **kw)})"
