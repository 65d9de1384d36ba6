"""The reports' server-side SVG charts (lms.charts), as Markup ready for pages and the PDF."""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from lms import charts


def coverage_chart(table) -> Markup:
    """Stacked bars per course: valid / expiring / expired / not certified (from a coverage table)."""
    labels = [row[0] for row in table.rows]
    # A course not aimed at the dealer has "not assigned" for its gap: no bar segment.
    series = [(table.headers[i], [row[i] if isinstance(row[i], int) else 0 for row in table.rows])
              for i in (2, 3, 4, 5)]
    colours = [charts.COVERAGE_COLOURS[state] for state in ("valid", "expiring", "expired", "never")]
    return charts.stacked_bar_chart(labels, series, title=table.title, colours=colours,
                                           description=_("Staff by certificate state per course."),
                                           empty_text=_("No data"))


def activity_chart(weeks: list[dict]) -> Markup:
    labels = [week["week"].strftime("%d.%m") for week in weeks]
    series = [(_("Active learners"), [week["active"] for week in weeks]),
              (_("Course completions"), [week["completions"] for week in weeks])]
    return charts.line_chart(labels, series, title=_("Activity by week"),
                                    description=_("Weekly active learners and course completions."),
                                    empty_text=_("No data"))
