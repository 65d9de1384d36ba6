"""Item analysis: facility, discrimination (item vs rest-of-test correlation), answer counts, score histogram."""
import statistics
from decimal import Decimal

import pytest

from lms.quizzes.analysis import item_analysis, score_distribution, score_summary

# Five learners. q1 and q5 separate strong from weak learners, q2 everyone gets right, q3 is
# answered better by the weak ones (a suspicious item), q4 is an essay not yet graded for one.
QIDS = ("q1", "q2", "q3", "q4", "q5")
MAX_MARKS = {"q3": 2, "q5": 3}
SCORES = {
    1: (1, 1, 0, 1, 1),
    2: (1, 1, 0, 0.5, 1),
    3: (0.5, 1, 0, 0.5, 1),
    4: (0, 1, 1, 0, 0),
    5: (0, 1, 1, None, 0),
}
ANSWERS = {1: "Paris", 2: "Paris", 3: "paris?", 4: "Lyon", 5: None}


def rows():
    for attempt, fractions in SCORES.items():
        for qid, fraction in zip(QIDS, fractions):
            answer = [ANSWERS[attempt]] if qid == "q1" and ANSWERS[attempt] else None if qid == "q1" else []
            yield {"attempt_id": attempt, "question_id": qid, "fraction": fraction,
                   "max_mark": MAX_MARKS.get(qid, 1), "answer": answer}


@pytest.fixture(scope="module")
def stats():
    return item_analysis(list(rows()))


def test_facility_is_mean_fraction_in_percent(stats):
    assert stats["q1"].facility == 50.0
    assert stats["q2"].facility == 100.0
    assert stats["q3"].facility == 40.0


def test_discrimination_is_item_vs_rest_of_test_correlation(stats):
    totals = {a: sum((f or 0) * MAX_MARKS.get(q, 1) for q, f in zip(QIDS, fr)) for a, fr in SCORES.items()}
    item = [SCORES[a][0] for a in SCORES]
    rest = [totals[a] - SCORES[a][0] for a in SCORES]
    assert stats["q1"].discrimination == pytest.approx(100 * statistics.correlation(item, rest), abs=0.01)
    assert stats["q1"].discrimination > 0
    assert stats["q3"].discrimination < 0
    assert stats["q2"].discrimination is None     # no variance: it cannot discriminate


def test_ungraded_rows_are_left_out(stats):
    assert stats["q4"].attempts == 4
    assert stats["q4"].facility == 50.0


def test_answer_distribution_and_unanswered(stats):
    assert stats["q1"].answer_counts == {"Paris": 2, "paris?": 1, "Lyon": 1}
    assert stats["q1"].unanswered == 1
    assert stats["q2"].answer_counts == {} and stats["q2"].unanswered == 0


def test_single_attempt_has_no_discrimination():
    only = item_analysis([{"attempt_id": 1, "question_id": "q", "fraction": Decimal("0.5")}])
    assert only["q"].facility == 50.0 and only["q"].discrimination is None and only["q"].standard_deviation is None


def test_score_distribution_bins():
    bins = score_distribution([0, 9.99, 10, 55, Decimal("99.5"), 100, 100, 120, -5], bins=10)
    assert [b.count for b in bins] == [3, 1, 0, 0, 0, 1, 0, 0, 0, 4]
    assert (bins[0].low, bins[0].high, bins[-1].high) == (0, 10, 100)
    assert sum(b.count for b in score_distribution([], bins=4)) == 0
    with pytest.raises(ValueError):
        score_distribution([1], bins=0)


def test_score_summary():
    summary = score_summary([40, 60, 80, 100])
    assert summary == {"count": 4, "mean": 70.0, "median": 70.0,
                       "standard_deviation": round(statistics.pstdev([40, 60, 80, 100]), 2)}
    assert score_summary([])["mean"] is None
