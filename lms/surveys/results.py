"""Survey results from plain rows: counts, percentages, means, NPS and anonymity-safe breakdowns.

A response is a dict of group keys (``dealer``, ``region`` …) plus ``answers`` (clean answers, as
``questions.validate_response`` returns them; hidden questions are absent, so never counted).

Anonymity rule (``anonymous=True``), with ``min_group`` = 5 by default:

1. A group with 1 to 4 respondents is suppressed: it is listed by name, with no number at all.
2. Complementary suppression: the suppressed groups of a breakdown must together hold 0 or at
   least ``min_group`` respondents, or the total minus the visible groups would reveal them. While
   they hold 1 to 4, the smallest visible group (ties: by name) is suppressed as well.
3. With ``within`` (e.g. dealers within their region) rule 2 also holds inside every parent, so
   a region's figure minus its visible dealers never reveals a hidden dealer either.
4. Rules 1–3 apply again per question to the number of people who answered it (a conditional or
   optional question can have a small audience in a large group), on top of the suppressed groups.
5. An anonymous survey with fewer than ``min_group`` respondents (or a question with fewer
   answers) shows no figures overall either. Text answers are listed sorted, not in submission
   order, so their order cannot be matched with anything else.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from lms.surveys.questions import N_

MIN_GROUP = 5
NPS_PROMOTERS = (9, 10)
NPS_DETRACTORS = range(0, 7)
SUMMARY_HEADERS = (N_("Group"), N_("Question"), N_("Answer"), N_("Count"), N_("Percent"), N_("Mean"))


def summarize(questions, responses, *, anonymous: bool = False, min_group: int = MIN_GROUP) -> dict:
    """Overall results: ``{"respondents", "suppressed", "questions": {key: question summary}}``."""
    respondents = len(responses)
    if anonymous and 0 < respondents < min_group:
        return {"respondents": None, "suppressed": True, "questions": {}}
    summaries = {}
    for question in questions:
        answers = _answers(question, responses)
        if anonymous and 0 < len(answers) < min_group:
            summaries[question["key"]] = _suppressed(question)
        else:
            summaries[question["key"]] = summarize_question(question, answers, anonymous=anonymous)
    return {"respondents": respondents, "suppressed": False, "questions": summaries}


def breakdown(questions, responses, group_by: str, *, within: str | None = None,
              anonymous: bool = False, min_group: int = MIN_GROUP) -> dict:
    """Results per value of ``group_by`` (e.g. dealer), suppressing small groups when anonymous.

    ``within`` names the parent key (a dealer belongs to one region) for rule 3 of the module doc.
    Returns ``{"group_by", "respondents", "groups": [...]}``; a group is either
    ``{"group", "suppressed": True}`` or ``{"group", "suppressed": False, "respondents", "questions"}``.
    """
    groups: dict = defaultdict(list)
    for response in responses:
        groups[response.get(group_by)].append(response)
    parents = {group: rows[0].get(within) for group, rows in groups.items()} if within else None
    hidden: set = set()
    hidden_cells: dict[str, set] = {question["key"]: set() for question in questions}
    if anonymous:
        hidden = suppressed_groups({g: len(rows) for g, rows in groups.items()}, min_group, parents=parents)
        for question in questions:
            answered = {g: len(_answers(question, rows)) for g, rows in groups.items()}
            hidden_cells[question["key"]] = suppressed_groups(answered, min_group, already=hidden, parents=parents)
    result = []
    for group in sorted(groups, key=_group_order):
        if group in hidden:
            result.append({"group": group, "suppressed": True})
            continue
        rows = groups[group]
        summaries = {
            question["key"]: _suppressed(question) if group in hidden_cells[question["key"]]
            else summarize_question(question, _answers(question, rows), anonymous=anonymous)
            for question in questions
        }
        result.append({"group": group, "suppressed": False, "respondents": len(rows), "questions": summaries})
    total = None if anonymous and 0 < len(responses) < min_group else len(responses)
    return {"group_by": group_by, "respondents": total, "groups": result}


def suppressed_groups(sizes: Mapping, min_group: int = MIN_GROUP, *, already=(), parents=None) -> set:
    """The groups to hide: small ones, plus complements so hidden totals are 0 or ≥ ``min_group``."""
    hidden = set(already) | {group for group, size in sizes.items() if 0 < size < min_group}
    partitions: dict = defaultdict(list)
    for group in sizes:
        partitions[parents.get(group) if parents else None].append(group)
    scopes = [members for _, members in sorted(partitions.items(), key=lambda item: _group_order(item[0]))]
    if parents:
        scopes.append(list(sizes))  # the grand total must be safe as well as every parent's
    changed = True
    while changed:
        changed = False
        for members in scopes:
            residue = sum(sizes.get(group, 0) for group in members if group in hidden)
            if 0 < residue < min_group:
                visible = [group for group in members if group not in hidden and sizes[group] > 0]
                if not visible:  # the parent itself is that small; its own breakdown hides it
                    continue
                hidden.add(min(visible, key=lambda group: (sizes[group], _group_order(group))))
                changed = True
    return hidden


def summarize_question(question: Mapping, answers: list, *, anonymous: bool = False) -> dict:
    """Counts, percentages and means of one question from its non-empty clean answers."""
    summary = {"key": question["key"], "kind": question["kind"], "title": question["title"],
               "suppressed": False, "answered": len(answers)}
    kind = question["kind"]
    if kind in ("single_choice", "multiple_choice"):
        counts = defaultdict(int)
        for answer in answers:
            for value in answer if isinstance(answer, list) else [answer]:
                counts[value] += 1
        # Multiple choice: the base is respondents, so percentages may add up to more than 100.
        summary["options"] = [_bucket(option["value"], option["label"], counts[option["value"]], len(answers))
                              for option in question["options"]]
    elif kind in ("rating", "nps"):
        low, high = (0, 10) if kind == "nps" else (1, 5)
        summary["mean"] = _mean(answers)
        summary["distribution"] = [_bucket(v, str(v), answers.count(v), len(answers)) for v in range(low, high + 1)]
        if kind == "nps":
            summary.update(_nps(answers))
    elif kind == "likert":
        summary["rows"] = [_likert_row(question, row, answers) for row in question["rows"]]
    elif kind == "number":
        summary.update(mean=_mean(answers), min=min(answers, default=None), max=max(answers, default=None))
    else:
        summary["answers"] = sorted(answers) if anonymous else list(answers)
    return summary


def summary_table(questions, summary: Mapping, group=None) -> list[list]:
    """Flatten one summary into rows under ``SUMMARY_HEADERS`` for the CSV and XLSX exports."""
    rows = []
    for question in questions:
        item = summary["questions"].get(question["key"])
        if item is None:
            continue
        title = question["title"]
        if item["suppressed"]:
            rows.append([group, title, None, None, None, None])  # the export shows the gap, no figure
        elif "options" in item:
            rows += [[group, title, o["label"], o["count"], o["percent"], None] for o in item["options"]]
        elif "distribution" in item:
            rows += [[group, title, b["label"], b["count"], b["percent"], None] for b in item["distribution"]]
            rows.append([group, title, None, item["answered"], None, item["mean"]])
            if "nps" in item:
                rows.append([group, f"{title}: NPS", None, item["answered"], item["nps"], None])
        elif "rows" in item:
            for row in item["rows"]:
                rows.append([group, f"{title}: {row['label']}", None, row["answered"], None, row["mean"]])
        elif "answers" in item:
            rows += [[group, title, text, None, None, None] for text in item["answers"]]
        else:
            rows.append([group, title, None, item["answered"], None, item["mean"]])
    return rows


def breakdown_table(questions, result: Mapping) -> list[list]:
    """Flatten a ``breakdown`` into rows under ``SUMMARY_HEADERS``; suppressed groups keep one empty row."""
    rows = []
    for group in result["groups"]:
        if group["suppressed"]:
            rows.append([group["group"], None, None, None, None, None])
        else:
            rows += summary_table(questions, group, group=group["group"])
    return rows


def _answers(question: Mapping, responses) -> list:
    key = question["key"]
    return [r["answers"][key] for r in responses if (r.get("answers") or {}).get(key) is not None]


def _suppressed(question: Mapping) -> dict:
    return {"key": question["key"], "kind": question["kind"], "title": question["title"], "suppressed": True}


def _likert_row(question: Mapping, row: Mapping, answers: list) -> dict:
    values = [answer[row["key"]] for answer in answers if answer.get(row["key"]) is not None]
    scale = question["scale"]
    return {"key": row["key"], "label": row["label"], "answered": len(values), "mean": _mean(values),
            "distribution": [_bucket(point, label, values.count(point), len(values))
                             for point, label in enumerate(scale, start=1)]}


def _nps(scores: list) -> dict:
    promoters = sum(1 for score in scores if score in NPS_PROMOTERS)
    detractors = sum(1 for score in scores if score in NPS_DETRACTORS)
    passives = len(scores) - promoters - detractors
    total = len(scores)
    return {
        # From raw counts, not rounded percentages, so rounding never shifts the score.
        "nps": round(100 * (promoters - detractors) / total, 1) if total else None,
        "promoters": {"count": promoters, "percent": _percent(promoters, total)},
        "passives": {"count": passives, "percent": _percent(passives, total)},
        "detractors": {"count": detractors, "percent": _percent(detractors, total)},
    }


def _bucket(value, label: str, count: int, total: int) -> dict:
    return {"value": value, "label": label, "count": count, "percent": _percent(count, total)}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _mean(values: list) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _group_order(group) -> tuple:
    """Sort groups by name, with a missing group (no dealer, no region) last."""
    return (group is None, str(group).casefold() if group is not None else "")
