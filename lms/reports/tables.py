"""Report tables shared by pages and exports, so a CSV or XLSX holds exactly the numbers on the page."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Response, abort

from lms.exports import rows_to_csv, rows_to_xlsx

FORMATS = ("csv", "xlsx")


@dataclass
class Table:
    """A titled table: ``links`` optionally gives, per row, a URL for each cell (or None)."""

    key: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    links: list | None = None
    numeric: tuple = ()  # indexes of numeric columns (right-aligned on the page)

    def cells(self):
        """(row, links) pairs for templates."""
        links = self.links or [[None] * len(self.headers) for _ in self.rows]
        return [list(zip(row, row_links)) for row, row_links in zip(self.rows, links)]


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "report"


def export(tables: list[Table], fmt: str, filename: str, wanted: str | None = None) -> Response:
    """CSV (one table: the one keyed ``wanted``, else the first) or XLSX (one sheet per table)."""
    if fmt == "csv":
        table = next((t for t in tables if t.key == wanted), None) if wanted else tables[0]
        if table is None:
            abort(404)
        body, mimetype, name = (rows_to_csv(table.headers, table.rows), "text/csv",
                                f"{filename}-{table.key}.csv")
    elif fmt == "xlsx":
        body = rows_to_xlsx([(t.title, t.headers, t.rows) for t in tables])
        mimetype, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{filename}.xlsx"
    else:
        abort(404)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{_safe_name(name)}"'})
