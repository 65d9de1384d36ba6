"""Table exports to CSV and XLSX bytes, safe to open in Excel: no formula injection, typed cells.

Both take plain ``headers`` and ``rows`` (sequences of str, numbers, bools, dates, None), so every
report and survey result shares one exporter. Text that a spreadsheet would run as a formula
(starting with ``= + - @``, tab or CR) gets a leading apostrophe, as OWASP recommends; real numbers
stay numbers and dates stay dates.
"""
from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL_CHARS = 32767  # Excel's own limit; a longer cell makes it "repair" the file
XLSX_MAX_TITLE_CHARS = 31
XLSX_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
WIDTH_SAMPLE_ROWS = 500  # column widths come from the first rows: enough to look right, cheap
MAX_COLUMN_WIDTH = 60


def neutralize_formula(text: str) -> str:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def rows_to_csv(headers, rows) -> bytes:
    """RFC 4180 CSV (comma, CRLF, quotes doubled) in UTF-8 with a BOM so Excel reads Cyrillic right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_csv_value(value) for value in headers])
    for row in rows:
        _check_width(headers, row)
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def rows_to_xlsx(sheets) -> bytes:
    """An XLSX workbook from ``[(title, headers, rows), …]``: bold frozen header row, typed cells."""
    workbook = Workbook(write_only=True)  # streams rows: large report exports stay fast and small
    used_titles: set[str] = set()
    for index, (title, headers, rows) in enumerate(sheets, start=1):
        sheet = workbook.create_sheet(_sheet_title(title, index, used_titles))
        rows = list(rows)
        for row in rows:  # before streaming starts: a half-written write-only sheet cannot be aborted cleanly
            _check_width(headers, row)
        for column, width in enumerate(_column_widths(headers, rows), start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header_cells = []
        for value in headers:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
    if not workbook.worksheets:
        workbook.create_sheet("Sheet")  # a workbook without a sheet is not a valid file
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (float, Decimal)) and not math.isfinite(value):
        return ""
    if isinstance(value, datetime):
        return _wall_clock(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (int, float, Decimal, date, time)):
        return value.isoformat() if isinstance(value, (date, time)) else str(value)
    return neutralize_formula(str(value))


def _xlsx_value(value):
    if isinstance(value, (datetime, time)):
        return _wall_clock(value)
    if isinstance(value, (float, Decimal)):
        return value if math.isfinite(value) else None  # Excel has no NaN or infinity
    if value is None or isinstance(value, (bool, int, date)):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", neutralize_formula(str(value)))
    # openpyxl stores a string starting with '=' as a formula; neutralize_formula already removed that.
    return text[:XLSX_MAX_CELL_CHARS]


def _wall_clock(moment):
    """Drop the zone but keep the wall-clock time: Excel cells cannot hold a time zone."""
    return moment.replace(tzinfo=None)


def _sheet_title(title, index: int, used: set[str]) -> str:
    """A title Excel accepts: no []:*?/\\, at most 31 characters, unique ignoring case."""
    base = XLSX_TITLE_FORBIDDEN.sub("_", str(title or "")).strip().strip("'") or f"Sheet {index}"
    candidate, number = base[:XLSX_MAX_TITLE_CHARS], 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate, number = base[: XLSX_MAX_TITLE_CHARS - len(suffix)] + suffix, number + 1
    used.add(candidate.casefold())
    return candidate


def _column_widths(headers, rows) -> list[float]:
    widths = [len(str(header)) for header in headers]
    for row in rows[:WIDTH_SAMPLE_ROWS]:
        for column, value in enumerate(row[: len(widths)]):
            text = _csv_value(value)
            widths[column] = max(widths[column], max((len(line) for line in text.splitlines()), default=0))
    return [min(width, MAX_COLUMN_WIDTH) + 2 for width in widths]


def _check_width(headers, row) -> None:
    if len(row) != len(headers):
        raise ValueError(f"a row has {len(row)} cells for {len(headers)} headers")
