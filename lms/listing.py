"""Search and paging for list pages: one page of a query, and the search term read safely."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from lms.bounds import parse_int
from lms.extensions import db

PER_PAGE = 50
MAX_SEARCH = 100


@dataclass(frozen=True)
class Page:
    """One page of rows: ``number`` counts from 1, ``pages`` is at least 1."""

    items: list
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_of(query: sa.Select, page: object, per_page: int = PER_PAGE, *, scalars: bool = True) -> Page:
    """Page ``page`` (a client's raw value; bad or too large values clamp into range) of ``query``."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(parse_int(page, 1, 10**9) or 1, pages)
    limited = query.limit(per_page).offset((number - 1) * per_page)
    items = list(db.session.scalars(limited) if scalars else db.session.execute(limited))
    return Page(items=items, number=number, pages=pages, total=total)


def search_term(raw: object) -> str:
    """The search box's text, trimmed and bounded (never an error)."""
    return str(raw or "").strip()[:MAX_SEARCH]


def like_pattern(term: str) -> str:
    """``term`` as a case-insensitive LIKE pattern matching it anywhere, with wildcards escaped."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(term: str, *columns) -> sa.ColumnElement:
    """A filter: any of ``columns`` contains ``term`` (case-insensitive)."""
    pattern = like_pattern(term)
    return sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns))
