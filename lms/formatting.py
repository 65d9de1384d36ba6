"""Numbers and sizes as the reader's language writes them (Babel), for templates and mails.

Raw ``{{ size / 1024 }} KB`` showed an English unit in Russian and "0 KB" for a 366-byte file;
here a size is written in the largest unit that keeps it at least 1, with the locale's decimal
mark and a translated unit, and a count of bytes takes the plural form the language needs.
"""
from __future__ import annotations

from flask_babel import format_decimal, gettext, ngettext

KIBI = 1024


def file_size(size: int | None) -> str:
    """``366`` → «366 байт» / "366 bytes"; ``1536`` → «1,5 КБ» / "1.5 KB"; ``None`` → ""."""
    if size is None:
        return ""
    size = max(int(size), 0)
    if size < KIBI:
        return ngettext("%(num)s byte", "%(num)s bytes", size)
    units = (lambda n: gettext("%(size)s KB", size=n), lambda n: gettext("%(size)s MB", size=n),
             lambda n: gettext("%(size)s GB", size=n))
    value = size / KIBI
    for unit in units[:-1]:
        if value < KIBI:
            return unit(format_decimal(value, "#,##0.#"))
        value /= KIBI
    return units[-1](format_decimal(value, "#,##0.#"))


def number(value) -> str:
    """A number with the locale's grouping and decimal mark («12 345,5» / "12,345.5")."""
    return format_decimal(value) if value is not None else ""


def init_app(app) -> None:
    app.add_template_filter(file_size, "file_size")
    app.add_template_filter(number, "number")
