"""Results of one survey for the page and the exports: summaries, breakdowns, charts, table rows.

The page and both exports read the same ``survey_results``, so what a manager sees is what they download.
"""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from lms import charts
from lms.exports import rows_to_csv, rows_to_xlsx
from lms.surveys import results, services

BREAKDOWNS = (("dealer", "region"), ("region", None))


def survey_results(survey) -> dict:
    """Overall summary plus the dealer (within region) and region breakdowns, with the anonymity rule."""
    rows = services.response_rows(survey.id)
    questions = survey.questions
    overall = results.summarize(questions, rows, anonymous=survey.anonymous)
    breakdowns = {group_by: results.breakdown(questions, rows, group_by, within=within, anonymous=survey.anonymous)
                  for group_by, within in BREAKDOWNS}
    return {"responses": len(rows), "overall": overall, "breakdowns": breakdowns}


def question_chart(question: dict, summary: dict | None) -> Markup | None:
    """A server-side SVG for one question's overall summary (None for texts, numbers and hidden figures)."""
    if not summary or summary["suppressed"]:
        return None
    title = question["title"]
    if "options" in summary:
        options = summary["options"]
        return charts.bar_chart([o["label"] for o in options], [o["count"] for o in options], title=title,
                                       description=_("Number of answers per option."), empty_text=_("No data"))
    if "distribution" in summary:
        buckets = summary["distribution"]
        return charts.bar_chart([b["label"] for b in buckets], [b["count"] for b in buckets], title=title,
                                       description=_("Number of answers per score."), empty_text=_("No data"))
    if "rows" in summary:
        rows = summary["rows"]
        series = [(label, [row["distribution"][point]["count"] for row in rows])
                  for point, label in enumerate(question["scale"])]
        return charts.stacked_bar_chart([row["label"] for row in rows], series, title=title,
                                               description=_("Answers per row and scale point."),
                                               empty_text=_("No data"))
    return None


def headline_columns(question: dict) -> list[str]:
    """Column titles of one question in a breakdown table."""
    kind = question["kind"]
    if kind in ("single_choice", "multiple_choice"):
        return [option["label"] for option in question["options"]]
    if kind == "likert":
        return [_("%(row)s: mean", row=row["label"]) for row in question["rows"]]
    if kind == "nps":
        return ["NPS", _("Mean")]
    if kind in ("rating", "number"):
        return [_("Mean")]
    return [_("Answers")]


def headline_values(question: dict, summary: dict | None) -> list:
    """Cells matching ``headline_columns``; None where the figure is hidden or missing."""
    width = len(headline_columns(question))
    if not summary or summary["suppressed"]:
        return [None] * width
    if "options" in summary:
        return [f"{o['count']} ({_format_percent(o['percent'])})" for o in summary["options"]]
    if "rows" in summary:
        return [row["mean"] for row in summary["rows"]]
    if question["kind"] == "nps":
        return [summary.get("nps"), summary.get("mean")]
    if "mean" in summary:
        return [summary["mean"]]
    return [summary["answered"]]


def _format_percent(percent) -> str:
    return "—" if percent is None else f"{percent:g} %"


def group_label(group_by: str, group) -> str:
    if group is not None:
        return str(group)
    return _("No dealer") if group_by == "dealer" else _("No region")


def export_headers() -> list[str]:
    return [_(header) for header in results.SUMMARY_HEADERS]


def export_sheets(survey, data: dict) -> list[tuple[str, list, list]]:
    """The workbook: overall summary, by dealer, by region (the same figures as the page)."""
    questions = survey.questions
    everyone = _("All respondents")
    sheets = [(_("Summary"), export_headers(), results.summary_table(questions, data["overall"], group=everyone)
               if not data["overall"]["suppressed"] else [[everyone, None, None, None, None, None]])]
    names = {"dealer": _("By dealer"), "region": _("By region")}
    for group_by, _within in BREAKDOWNS:
        rows = results.breakdown_table(questions, data["breakdowns"][group_by])
        rows = [[group_label(group_by, row[0]), *row[1:]] for row in rows]
        sheets.append((names[group_by], export_headers(), rows))
    return sheets


def answer_cell(question: dict, value):
    """One answer as a spreadsheet cell: labels for options, "row: point" for Likert rows."""
    if value is None:
        return None
    if question["kind"] in ("single_choice", "multiple_choice"):
        labels = {option["value"]: option["label"] for option in question["options"]}
        return "; ".join(labels.get(item, item) for item in (value if isinstance(value, list) else [value]))
    if question["kind"] == "likert":
        rows = {row["key"]: row["label"] for row in question["rows"]}
        return "; ".join(f"{rows.get(key, key)}: {point}" for key, point in value.items())
    return value


def responses_sheet(survey) -> tuple[str, list, list]:
    """Every non-anonymous response, one row per person (anonymous surveys never get this sheet)."""
    headers = [_("Name"), _("Email"), _("Dealer"), _("Region"), _("Submitted at")]
    headers += [q["title"] for q in survey.questions]
    rows = [[name, email, dealer, region, submitted] + [answer_cell(q, (answers or {}).get(q["key"]))
                                                      for q in survey.questions]
            for name, email, dealer, region, submitted, answers in services.named_responses(survey.id)]
    return _("Responses"), headers, rows


def export_xlsx(survey, data: dict) -> bytes:
    sheets = export_sheets(survey, data)
    if not survey.anonymous:
        sheets.append(responses_sheet(survey))
    return rows_to_xlsx(sheets)


def export_csv(survey, data: dict) -> bytes:
    """One CSV table: a first column says which part (summary, by dealer, by region) a row belongs to."""
    rows = []
    for title, _headers, sheet_rows in export_sheets(survey, data):
        rows += [[title, *row] for row in sheet_rows]
    return rows_to_csv([_("Section"), *export_headers()], rows)
