"""Item analysis for authors and managers: facility, discrimination and answers per question, score spread per quiz.

Input is plain rows, one per (attempt, question) slot, as the reports query produces them:
``{"attempt_id", "question_id", "fraction", "max_mark"?: 1, "answer"?: [str, ...]}`` where
``fraction`` is None while a human still has to grade it (such rows are left out of the
statistics) and ``answer`` is the type's ``summarize_response`` output, or None when the learner
gave no response at all (counted as ``unanswered``). Analyse one attempt per
learner (Moodle uses first attempts by default) so repeaters do not weigh twice.

Formulas, as Moodle's quiz statistics report defines them:
- facility index F = 100 · mean(x / max_mark): the share of the marks learners earned;
- discrimination index D = 100 · r(x, X − x): the Pearson correlation between the item score x and
  the rest-of-test score X − x over attempts, so an item does not correlate with itself.
  D is None when fewer than two attempts or either score has no variance.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from statistics import fmean, median, pstdev
from typing import Hashable, Iterable, Mapping

from .grading import as_decimal


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one question over the analysed attempts (percentages rounded to 2 places)."""

    question_id: Hashable
    attempts: int
    facility: float | None
    standard_deviation: float | None
    discrimination: float | None
    answer_counts: dict[str, int] = field(default_factory=dict)
    unanswered: int = 0


@dataclass(frozen=True)
class ScoreBin:
    """Attempts whose percentage lies in [low, high) (the last bin also holds 100)."""

    low: Decimal
    high: Decimal
    count: int


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    mean_x, mean_y = fmean(xs), fmean(ys)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return cov / math.sqrt(var_x * var_y)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def item_analysis(rows: Iterable[Mapping]) -> dict[Hashable, ItemStats]:
    """Per-question facility, spread, discrimination and answer counts, keyed by question id."""
    attempt_totals: dict[Hashable, float] = defaultdict(float)
    per_question: dict[Hashable, list[tuple[Hashable, float, float]]] = defaultdict(list)
    answers: dict[Hashable, Counter] = defaultdict(Counter)
    unanswered: Counter = Counter()
    for row in rows:
        qid = row["question_id"]
        answers[qid].update(str(p) for p in row.get("answer") or ())
        if row.get("answer") is None:
            unanswered[qid] += 1
        if row.get("fraction") is None:
            continue
        max_mark = float(as_decimal(row.get("max_mark", 1)))
        score = float(as_decimal(row["fraction"])) * max_mark
        attempt_totals[row["attempt_id"]] += score
        per_question[qid].append((row["attempt_id"], score, max_mark))
    result = {}
    for qid in answers.keys() | per_question.keys():
        scored = per_question.get(qid, [])
        ratios = [score / max_mark for _, score, max_mark in scored if max_mark > 0]
        item_scores = [score for _, score, _ in scored]
        rest_scores = [attempt_totals[attempt] - score for attempt, score, _ in scored]
        result[qid] = ItemStats(
            question_id=qid,
            attempts=len(scored),
            facility=_pct(fmean(ratios)) if ratios else None,
            standard_deviation=_pct(pstdev(ratios)) if len(ratios) > 1 else None,
            discrimination=_pct(_pearson(item_scores, rest_scores)),
            answer_counts=dict(answers[qid].most_common()),
            unanswered=unanswered[qid],
        )
    return result


def score_distribution(percentages: Iterable, bins: int = 10) -> list[ScoreBin]:
    """Histogram of attempt scores in percent over ``bins`` equal bins from 0 to 100."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    width = Decimal(100) / bins
    counts = [0] * bins
    for value in percentages:
        pct = min(max(as_decimal(value), Decimal(0)), Decimal(100))
        index = int((pct * bins / 100).to_integral_value(rounding=ROUND_FLOOR))
        counts[min(index, bins - 1)] += 1
    return [ScoreBin(low=width * i, high=width * (i + 1), count=count) for i, count in enumerate(counts)]


def score_summary(percentages: Iterable) -> dict:
    """Count, mean, median and standard deviation of attempt scores in percent (None when empty)."""
    values = [float(as_decimal(v)) for v in percentages]
    if not values:
        return {"count": 0, "mean": None, "median": None, "standard_deviation": None}
    return {"count": len(values), "mean": round(fmean(values), 2), "median": round(median(values), 2),
            "standard_deviation": round(pstdev(values), 2) if len(values) > 1 else None}
