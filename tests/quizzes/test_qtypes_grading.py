"""Grading, validation, response checks and browser views of every built-in question type."""
import json
from decimal import Decimal

import pytest

from lms.quizzes.grading import attempt_score, make_manual_grade
from lms.quizzes.qtypes import (
    DuplicateQuestionType, Problem, QuestionTypeRegistry, ResponseError, builtin_question_types,
    matching_choice_id, parse_number,
)

TYPES = {t.name: t for t in builtin_question_types()}

SINGLE = {"options": [
    {"id": "oa", "text": "yellow", "fraction": 1, "feedback": "right"},
    {"id": "ob", "text": "orange", "fraction": 0.5, "feedback": "close"},
    {"id": "oc", "text": "red", "fraction": 0, "feedback": "wrong"},
]}
MULTI = {"options": [
    {"id": "oa", "text": "yellow", "fraction": 0.5, "feedback": "yes"},
    {"id": "ob", "text": "red", "fraction": -1, "feedback": "no"},
    {"id": "oc", "text": "off-beige", "fraction": 0.5},
    {"id": "od", "text": "blue", "fraction": -0.25, "feedback": "no"},
]}
TF = {"correct": False, "feedback_true": "42 is the Ultimate Answer.", "feedback_false": "Right."}
SHORT = {"answers": [
    {"text": "Frog", "fraction": 1, "feedback": "Good!"},
    {"text": "Cat", "fraction": 0.5, "feedback": "Cats again?"},
    {"text": "Moscow*State", "fraction": 0.25},
    {"text": "*", "fraction": 0, "feedback": "Completely wrong"},
]}
NUMERICAL = {"answers": [
    {"value": 3, "tolerance": 2, "fraction": 1, "feedback": "in range"},
    {"value": 10, "tolerance": 0.5, "fraction": 0.5, "feedback": "half"},
    {"value": "*", "fraction": 0, "feedback": "Completely wrong"},
]}
MATCHING = {"pairs": [
    {"id": "p1", "premise": "Discussions", "answer": "Forum"},
    {"id": "p2", "premise": "Multiple responses", "answer": "Choice"},
    {"id": "p3", "premise": "Records", "answer": "Database"},
    {"id": "p4", "premise": "Pages", "answer": "Wiki"},
], "distractors": ["Chat"]}
ORDERING = {"items": [{"id": f"i{n}", "text": t} for n, t in enumerate(["one", "two", "three", "four", "five"])]}
ESSAY = {"grader_info": "Look for the word 'fine'", "response_template": "I am ..."}
DEFINITIONS = {"single_choice": SINGLE, "multiple_choice": MULTI, "true_false": TF, "short_answer": SHORT,
               "numerical": NUMERICAL, "matching": MATCHING, "ordering": ORDERING, "essay": ESSAY}


def grade(name, raw):
    qtype = TYPES[name]
    return qtype.grade(DEFINITIONS[name], qtype.normalize_response(DEFINITIONS[name], raw))


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_sample_definitions_are_valid(name):
    assert TYPES[name].validate(DEFINITIONS[name]) == []


def test_builtin_types_cover_the_eight_required_types():
    assert sorted(TYPES) == sorted(DEFINITIONS)


@pytest.mark.parametrize("raw,expected", [
    ("oa", Decimal("1")), ({"choice": "ob"}, Decimal("0.5")), ("oc", Decimal("0")), (None, Decimal("0")),
])
def test_single_choice_grades_the_chosen_option(raw, expected):
    assert grade("single_choice", raw) == expected


def test_single_choice_feedback_is_the_chosen_options():
    t = TYPES["single_choice"]
    assert t.feedback(SINGLE, {"choice": "ob"}) == ["close"]
    assert t.feedback(SINGLE, {"choice": None}) == []


@pytest.mark.parametrize("choices,expected", [
    (["oa", "oc"], Decimal("1")),
    (["oa"], Decimal("0.5")),
    (["oa", "oc", "od"], Decimal("0.75")),
    (["oa", "ob"], Decimal("0")),               # 0.5 - 1 clamps to 0
    (["oa", "ob", "oc", "od"], Decimal("0")),   # ticking everything does not pay
    ([], Decimal("0")),
])
def test_multiple_choice_sums_weights_and_clamps(choices, expected):
    assert grade("multiple_choice", {"choices": choices}) == expected


def test_multiple_choice_normalizes_to_definition_order_without_duplicates():
    t = TYPES["multiple_choice"]
    assert t.normalize_response(MULTI, ["oc", "oa", "oc"]) == {"choices": ["oa", "oc"]}
    assert t.feedback(MULTI, {"choices": ["od", "oa"]}) == ["yes", "no"]


@pytest.mark.parametrize("name,raw", [
    ("single_choice", "zz"), ("single_choice", 3), ("multiple_choice", ["oa", "nope"]),
    ("multiple_choice", "oa"), ("true_false", "maybe"), ("true_false", 1), ("numerical", "three"),
    ("numerical", "nan"), ("numerical", "1e5e5"), ("short_answer", 42), ("short_answer", "x" * 1001),
    ("matching", {"matches": {"p1": "cunknown"}}), ("matching", {"matches": {"px": matching_choice_id("Forum")}}),
    ("matching", ["p1"]), ("ordering", ["i0", "i1"]), ("ordering", ["i0", "i0", "i1", "i2", "i3"]),
    ("ordering", [0, 1, 2, 3, 4]), ("essay", {"text": ["list"]}),
])
def test_malformed_responses_are_refused_with_a_message(name, raw):
    with pytest.raises(ResponseError) as info:
        TYPES[name].normalize_response(DEFINITIONS[name], raw)
    assert info.value.msgid and str(info.value)


@pytest.mark.parametrize("raw,expected,feedback", [
    (False, Decimal("1"), ["Right."]), ("false", Decimal("1"), ["Right."]),
    (True, Decimal("0"), ["42 is the Ultimate Answer."]), (None, Decimal("0"), []),
])
def test_true_false(raw, expected, feedback):
    t = TYPES["true_false"]
    response = t.normalize_response(TF, {"value": raw})
    assert t.grade(TF, response) == expected
    assert t.feedback(TF, response) == feedback


@pytest.mark.parametrize("text,expected,feedback", [
    ("Frog", Decimal("1"), ["Good!"]),
    ("  fROG ", Decimal("1"), ["Good!"]),
    ("cat", Decimal("0.5"), ["Cats again?"]),
    ("Moscow   University State", Decimal("0.25"), []),
    ("moscowstate", Decimal("0.25"), []),
    ("dog", Decimal("0"), ["Completely wrong"]),
    ("", Decimal("0"), []),
])
def test_short_answer_ignores_case_and_supports_wildcards(text, expected, feedback):
    t = TYPES["short_answer"]
    response = t.normalize_response(SHORT, text)
    assert t.grade(SHORT, response) == expected
    assert t.feedback(SHORT, response) == feedback


def test_short_answer_case_sensitive_and_literal_star():
    definition = {"answers": [{"text": "NaCl", "fraction": 1}, {"text": "a\\*b", "fraction": 0.5}],
                  "case_sensitive": True}
    t = TYPES["short_answer"]
    assert t.validate(definition) == []
    assert t.grade(definition, {"text": "NaCl"}) == 1
    assert t.grade(definition, {"text": "nacl"}) == 0
    assert t.grade(definition, {"text": "a*b"}) == Decimal("0.5")
    assert t.grade(definition, {"text": "axxb"}) == 0


def test_short_answer_folds_cyrillic_case():
    definition = {"answers": [{"text": "Москва", "fraction": 1}]}
    assert TYPES["short_answer"].grade(definition, {"text": "МОСКВА"}) == 1


@pytest.mark.parametrize("raw,expected", [
    ("3", Decimal("1")), ("1", Decimal("1")), ("5", Decimal("1")), ("5.0001", Decimal("0")),
    ("0,999", Decimal("0")), ("4,5", Decimal("1")), (" 10.5 ", Decimal("0.5")), (9.5, Decimal("0.5")),
    ("-3", Decimal("0")), (None, Decimal("0")),
])
def test_numerical_tolerance_and_several_answers(raw, expected):
    assert grade("numerical", raw) == expected


def test_numerical_normalizes_and_gives_feedback():
    t = TYPES["numerical"]
    assert t.normalize_response(NUMERICAL, "1 000,50") == {"value": "1000.5"}
    assert t.normalize_response(NUMERICAL, "0.0") == {"value": "0"}
    assert t.feedback(NUMERICAL, {"value": "42"}) == ["Completely wrong"]
    assert t.feedback(NUMERICAL, {"value": "2"}) == ["in range"]
    assert parse_number("1e3") == Decimal("1000")
    assert parse_number(float("inf")) is None


def test_numerical_exact_answer_and_best_credit_wins():
    definition = {"answers": [{"value": 2.5, "tolerance": 1, "fraction": 0.5}, {"value": 2.5, "fraction": 1}]}
    t = TYPES["numerical"]
    assert t.grade(definition, {"value": "2.5"}) == 1
    assert t.grade(definition, {"value": "3"}) == Decimal("0.5")
    assert t.grade(definition, {"value": "3.6"}) == 0


def matches(**pairs):
    return {"matches": {pid: matching_choice_id(answer) for pid, answer in pairs.items()}}


@pytest.mark.parametrize("response,expected", [
    (matches(p1="Forum", p2="Choice", p3="Database", p4="Wiki"), Decimal("1")),
    (matches(p1="Forum", p2="Choice", p3="Wiki", p4="Database"), Decimal("0.5")),
    (matches(p1="Forum", p2="Chat"), Decimal("0.25")),
    (matches(), Decimal("0")),
])
def test_matching_partial_credit_per_pair(response, expected):
    t = TYPES["matching"]
    assert t.grade(MATCHING, t.normalize_response(MATCHING, response)) == expected


def test_matching_one_third_is_stored_to_seven_places():
    definition = {"pairs": MATCHING["pairs"][:3]}
    assert TYPES["matching"].grade(definition, matches(p1="Forum")) == Decimal("0.3333333")


@pytest.mark.parametrize("order,adjacent,absolute", [
    (["i0", "i1", "i2", "i3", "i4"], "1", "1"),
    (["i4", "i3", "i2", "i1", "i0"], "0", "0.2"),
    (["i1", "i2", "i3", "i4", "i0"], "0.75", "0"),      # one item moved: 3 of 4 neighbour pairs kept
    (["i0", "i2", "i1", "i3", "i4"], "0.25", "0.6"),
])
def test_ordering_rules(order, adjacent, absolute):
    t = TYPES["ordering"]
    response = t.normalize_response(ORDERING, order)
    assert t.grade(ORDERING, response) == Decimal(adjacent)
    assert t.grade({**ORDERING, "grading": "absolute_position"}, response) == Decimal(absolute)
    assert t.grade(ORDERING, {"order": []}) == 0


def test_essay_needs_a_human_and_manual_grade_counts():
    t = TYPES["essay"]
    assert t.needs_manual_grading
    response = t.normalize_response(ESSAY, "  I am fine.  ")
    assert response == {"text": "I am fine."}
    assert t.grade(ESSAY, response) is None
    assert t.grade(ESSAY, t.normalize_response(ESSAY, "   ")) == 0
    pending = attempt_score([(2, Decimal(1)), (3, t.grade(ESSAY, response))])
    assert pending.needs_grading and pending.marks == 2 and pending.max_marks == 5
    manual = make_manual_grade("0.8", "  Good argument.  ")
    assert manual.fraction == Decimal("0.8") and manual.comment == "Good argument."
    graded = attempt_score([(2, Decimal(1)), (3, manual.fraction)])
    assert not graded.needs_grading and graded.marks == Decimal("4.4") and graded.percent == Decimal("88.00")


def test_public_views_never_carry_answers_fractions_or_feedback():
    secrets = ["fraction", "feedback", "correct", "tolerance", "grader_info", "Good!", "Cats again?",
               "Completely wrong", "Ultimate", "in range", "Look for"]
    for name, definition in DEFINITIONS.items():
        view = TYPES[name].public_view(definition, shuffle_seed="attempt-7")
        dumped = json.dumps(view)
        assert view["type"] == name
        for secret in secrets:
            assert secret not in dumped, (name, secret)
    for name in ("short_answer", "numerical"):
        assert TYPES[name].public_view(DEFINITIONS[name]) == {"type": name}


def test_choice_view_shuffles_reproducibly_and_keeps_ids():
    t = TYPES["single_choice"]
    options = [{"id": f"o{n}", "text": f"opt {n}", "fraction": 1 if n == 0 else 0} for n in range(8)]
    definition = {"options": options}
    first = t.public_view(definition, shuffle_seed="s1")["options"]
    assert first == t.public_view(definition, shuffle_seed="s1")["options"]
    assert sorted(o["id"] for o in first) == [o["id"] for o in options]
    orders = {tuple(o["id"] for o in t.public_view(definition, shuffle_seed=s)["options"]) for s in "abcdef"}
    assert len(orders) > 1
    unshuffled = t.public_view({**definition, "shuffle": False}, shuffle_seed="s1")["options"]
    assert [o["id"] for o in unshuffled] == [o["id"] for o in options]


def test_matching_view_never_lists_choices_in_pair_order():
    view = TYPES["matching"].public_view(MATCHING)
    assert [c["text"] for c in view["choices"]] == ["Chat", "Choice", "Database", "Forum", "Wiki"]
    assert [p["text"] for p in view["premises"]] == [p["premise"] for p in MATCHING["pairs"]]


def test_ordering_view_is_never_the_answer():
    t = TYPES["ordering"]
    two = {"items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
    for seed in [None, *range(20)]:
        assert [i["id"] for i in t.public_view(two, shuffle_seed=seed)["items"]] == ["b", "a"]
        shown = [i["id"] for i in t.public_view(ORDERING, shuffle_seed=seed)["items"]]
        assert shown != [i["id"] for i in ORDERING["items"]]
        assert sorted(shown) == sorted(i["id"] for i in ORDERING["items"])


@pytest.mark.parametrize("name,definition,fragment", [
    ("single_choice", {"options": [{"id": "a", "text": "x", "fraction": 0.5}, {"id": "b", "text": "y", "fraction": 0}]},
     "One answer must be worth 100%"),
    ("single_choice", {"options": [{"id": "a", "text": "x", "fraction": 1}]}, "At least 2 answers"),
    ("single_choice", {"options": [{"id": "a", "text": "x", "fraction": 1}, {"id": "a", "text": "y", "fraction": 0}]},
     "id is missing or repeated"),
    ("single_choice", {"options": [{"id": "a", "text": " ", "fraction": 1}, {"id": "b", "text": "y", "fraction": 0}]},
     "Answer 1: the text is empty"),
    ("multiple_choice", {"options": [{"id": "a", "text": "x", "fraction": 0.5},
                                     {"id": "b", "text": "y", "fraction": 0.4}]},
     "add up to 100% (now 90%)"),
    ("multiple_choice", {"options": [{"id": "a", "text": "x", "fraction": 1.5},
                                     {"id": "b", "text": "y", "fraction": 0}]},
     "Answer 1: the grade must be between -100% and 100%"),
    ("multiple_choice", {"options": [{"id": "a", "text": "x", "fraction": 1, "colour": "red"},
                                     {"id": "b", "text": "y", "fraction": 0}]}, "unknown field colour"),
    ("true_false", {"correct": "yes"}, "correct must be true or false"),
    ("short_answer", {"answers": [{"text": "a", "fraction": -0.5}]}, "between 0% and 100%"),
    ("short_answer", {"answers": []}, "At least 1 answers"),
    ("numerical", {"answers": [{"value": "abc", "fraction": 1}]}, "must be a number or *"),
    ("numerical", {"answers": [{"value": 1, "tolerance": -1, "fraction": 1}]}, "tolerance"),
    ("numerical", {"answers": [{"value": "*", "fraction": 1}]}, "One answer must be worth 100%"),
    ("matching", {"pairs": [{"id": "p", "premise": "a", "answer": "b"}]}, "At least 2 answers"),
    ("matching", {"pairs": [{"id": "p", "premise": "a", "answer": "b"}, {"id": "q", "premise": "c", "answer": ""}]},
     "Answer 2: the text is empty"),
    ("ordering", {"items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "grading": "random"},
     "Unknown grading rule"),
    ("essay", {"grader_info": 5}, "grader_info must be text"),
    ("essay", [], "must be an object"),
    ("single_choice", {"options": [{"id": "a", "text": "x", "fraction": 1, "text_format": "rtf"},
                                   {"id": "b", "text": "y", "fraction": 0}]}, "unknown text format"),
])
def test_validate_reports_problems(name, definition, fragment):
    problems = TYPES[name].validate(definition)
    assert any(fragment in p for p in problems), problems
    assert all(isinstance(p, Problem) and p.msgid for p in problems)


def test_problem_keeps_msgid_and_params_for_translation():
    problem = TYPES["single_choice"].validate({"options": [{"id": "a", "text": "", "fraction": 1}] * 2})[0]
    assert problem.msgid == "Answer %(n)d: the text is empty."
    assert problem.params["n"] == 1


def test_summaries_for_answer_distribution():
    assert TYPES["multiple_choice"].summarize_response(MULTI, {"choices": ["oa", "od"]}) == ["yellow", "blue"]
    assert TYPES["true_false"].summarize_response(TF, {"value": True}) == ["True"]
    assert TYPES["matching"].summarize_response(MATCHING, matches(p1="Wiki")) == ["Discussions → Wiki"]
    assert TYPES["ordering"].summarize_response(ORDERING, {"order": ["i1", "i0", "i2", "i3", "i4"]}) == [
        "two | one | three | four | five"]


def test_registry_refuses_duplicates_and_unknown_names():
    registry = QuestionTypeRegistry()
    registry.register_hook_results([builtin_question_types(), None])
    assert registry.names() == list(TYPES)
    assert "essay" in registry and registry.get("essay").needs_manual_grading
    with pytest.raises(DuplicateQuestionType, match="essay"):
        registry.register(builtin_question_types()[-1])
    with pytest.raises(KeyError, match="hotspot"):
        registry.get("hotspot")
    with pytest.raises(TypeError):
        registry.register(object())
