"""Attempt scores, pass marks, final grades, manual grades and seeded shuffles/draws (lms.quizzes.grading)."""
from decimal import Decimal

import pytest

from lms.quizzes.grading import (
    QuizInputError, attempt_score, attempt_seed, clamp_fraction, draw_random_questions, final_grade,
    is_passed, make_manual_grade, manual_grade_from_mark, seeded_shuffle, shuffle_option_order,
    shuffle_question_order, slot_mark,
)


def test_attempt_score_weights_slots_by_max_mark():
    score = attempt_score([(1, Decimal("1")), (2, Decimal("0.5")), (5, Decimal("0")), (2, 0.25)])
    assert score.marks == Decimal("2.5")
    assert score.max_marks == Decimal("10")
    assert score.percent == Decimal("25.00")
    assert not score.needs_grading


def test_attempt_score_clamps_fractions_and_handles_empty_quiz():
    assert slot_mark(2, Decimal("1.7")) == Decimal("2")
    assert slot_mark(2, Decimal("-0.3")) == Decimal("0")
    assert attempt_score([]).percent == Decimal("0.00")


def test_clamp_fraction_rounds_to_seven_places():
    assert clamp_fraction(Decimal(1) / 3) == Decimal("0.3333333")
    assert clamp_fraction(Decimal(2) / 3) == Decimal("0.6666667")


@pytest.mark.parametrize("marks,max_marks,pass_mark,expected", [
    (7, 10, 70, True), (Decimal("6.9999"), 10, 70, False), (0, 10, 0, True),
    (Decimal("2") / 3, 1, Decimal("66.67"), False),
    (3, 4, Decimal("75"), True), (0, 0, 50, False), (0, 0, 0, True),
])
def test_pass_mark_is_compared_exactly(marks, max_marks, pass_mark, expected):
    assert is_passed(marks, max_marks, pass_mark) is expected


@pytest.mark.parametrize("method,expected", [
    ("highest", Decimal("90")), ("first", Decimal("40")), ("last", Decimal("60")), ("average", Decimal("63.3333333")),
])
def test_final_grade_methods(method, expected):
    assert final_grade([Decimal("40"), Decimal("90"), Decimal("60")], method) == expected


def test_final_grade_without_attempts_and_unknown_method():
    assert final_grade([], "highest") is None
    with pytest.raises(ValueError, match="median"):
        final_grade([1], "median")


def test_manual_grades_are_validated():
    assert make_manual_grade(1).fraction == Decimal("1")
    assert manual_grade_from_mark("1.5", 2, "ok") == make_manual_grade(Decimal("0.75"), "ok")
    for bad in ("-0.1", "1.01", "abc", "NaN", None):
        with pytest.raises(QuizInputError) as info:
            make_manual_grade(bad)
        assert info.value.msgid
    with pytest.raises(QuizInputError, match="maximum mark"):
        manual_grade_from_mark(3, 2)
    with pytest.raises(QuizInputError, match="too long"):
        make_manual_grade(1, "x" * 10_001)


def test_seeded_shuffles_are_reproducible_and_seed_dependent():
    ids = list(range(30))
    seed = attempt_seed("secret-key", 17)
    assert shuffle_question_order(ids, seed) == shuffle_question_order(ids, seed)
    assert sorted(shuffle_question_order(ids, seed)) == ids
    assert shuffle_question_order(ids, seed) != shuffle_question_order(ids, attempt_seed("secret-key", 18))
    assert shuffle_question_order(ids, seed) != shuffle_question_order(ids, attempt_seed("other-key", 17))
    assert shuffle_option_order(ids, seed, 1) != shuffle_option_order(ids, seed, 2)
    assert seeded_shuffle(ids, seed) is not ids and ids == list(range(30))


def test_random_draw_is_stable_per_attempt_and_independent_of_pool_order():
    pool = list(range(100, 150))
    seed = attempt_seed(b"k", 5)
    drawn = draw_random_questions(pool, 5, seed)
    assert drawn == draw_random_questions(reversed(pool), 5, seed)
    assert len(set(drawn)) == 5 and set(drawn) <= set(pool)
    assert draw_random_questions(pool, 5, attempt_seed(b"k", 6)) != drawn
    assert not set(draw_random_questions(pool, 45, seed, exclude=[100, 101, 102])) & {100, 101, 102}
    with pytest.raises(ValueError, match="3 eligible"):
        draw_random_questions([1, 2, 3, 3], 4, seed)
