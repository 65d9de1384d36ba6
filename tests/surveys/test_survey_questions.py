"""Survey question kinds: definition checks, answer cleaning, conditional display."""
import pytest

from lms.surveys.questions import (
    KINDS, AnswerError, DefinitionError, normalize_answer, validate_definition, validate_response,
    validate_survey, visible_questions,
)

SURVEY = [
    {"key": "uses", "kind": "single_choice", "title": "Do you use the configurator?", "required": True,
     "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
    {"key": "why_not", "kind": "long_text", "title": "Why not?", "required": True,
     "show_if": {"question": "uses", "equals": "no"}},
    {"key": "score", "kind": "rating", "title": "Rate it", "required": True,
     "show_if": {"question": "uses", "equals": "yes"}},
    {"key": "low_score", "kind": "short_text", "title": "What is missing?", "required": True,
     "show_if": {"question": "score", "in": ["1", 2]}},
    {"key": "nps", "kind": "nps", "title": "Recommend us?"},
    {"key": "topics", "kind": "multiple_choice", "title": "Topics", "options": ["Sales", "Service", "Логистика"],
     "max_choices": 2},
    {"key": "matrix", "kind": "likert", "title": "Agree?", "rows": [{"key": "clear", "label": "Clear"},
                                                                    {"key": "useful", "label": "Useful"}],
     "scale": ["No", "Rather no", "Neutral", "Rather yes", "Yes"]},
    {"key": "staff", "kind": "number", "title": "Sales staff", "integer": True, "min": 0, "max": 500},
]


@pytest.fixture
def survey():
    return validate_survey(SURVEY)


def test_every_kind_validates_and_defaults_are_filled(survey):
    assert {q["kind"] for q in survey} == set(KINDS)
    topics = next(q for q in survey if q["key"] == "topics")
    assert topics["options"][2] == {"value": "Логистика", "label": "Логистика"}
    assert (topics["min_choices"], topics["max_choices"]) == (0, 2)
    assert next(q for q in survey if q["key"] == "why_not")["max_length"] == 5000
    # Condition values are cleaned like answers, so "1" for a rating compares equal to the stored 1.
    assert next(q for q in survey if q["key"] == "low_score")["show_if"] == {"question": "score", "in": [1, 2]}


@pytest.mark.parametrize("definition, msgid", [
    ({"key": "a b", "kind": "rating", "title": "T"}, "A question key must be"),
    ({"key": "a", "kind": "slider", "title": "T"}, "Unknown question kind"),
    ({"key": "a", "kind": "rating", "title": "  "}, "Every question needs a title."),
    ({"key": "a", "kind": "single_choice", "title": "T", "options": ["only"]}, "at least two options"),
    ({"key": "a", "kind": "single_choice", "title": "T", "options": ["x", "x"]}, "listed twice"),
    ({"key": "a", "kind": "multiple_choice", "title": "T", "options": ["x", "y"], "max_choices": 3},
     "number of choices"),
    ({"key": "a", "kind": "likert", "title": "T", "rows": [{"key": "r", "label": "R"}], "scale": ["one"]},
     "2 to %(max)s scale points"),
    ({"key": "a", "kind": "number", "title": "T", "min": 5, "max": 1}, "must not exceed"),
    ({"key": "a", "kind": "short_text", "title": "T", "max_length": 5000}, "length limit"),
    ({"key": "a", "kind": "rating", "title": "T", "show_if": {"question": "b", "equals": 1, "in": [1]}},
     "exactly one of"),
])
def test_invalid_definitions_name_the_problem(definition, msgid):
    with pytest.raises(DefinitionError) as caught:
        validate_definition(definition)
    assert msgid in caught.value.message


def test_a_condition_must_refer_to_an_earlier_question():
    later = [{"key": "a", "kind": "rating", "title": "A", "show_if": {"question": "b", "equals": 3}},
             {"key": "b", "kind": "rating", "title": "B"}]
    with pytest.raises(DefinitionError) as caught:
        validate_survey(later)
    assert caught.value.question == "a" and caught.value.params == {"target": "b"}
    itself = [{"key": "a", "kind": "rating", "title": "A", "show_if": {"question": "a", "equals": 3}}]
    with pytest.raises(DefinitionError):
        validate_survey(itself)


def test_a_condition_value_must_be_a_possible_answer():
    questions = [SURVEY[0], {"key": "b", "kind": "rating", "title": "B",
                             "show_if": {"question": "uses", "equals": "maybe"}}]
    with pytest.raises(DefinitionError) as caught:
        validate_survey(questions)
    assert caught.value.params == {"value": "maybe", "target": "uses"}
    out_of_scale = [{"key": "r", "kind": "rating", "title": "R"},
                    {"key": "b", "kind": "rating", "title": "B", "show_if": {"question": "r", "in": [4, 6]}}]
    with pytest.raises(DefinitionError):
        validate_survey(out_of_scale)


def test_duplicate_keys_are_refused():
    with pytest.raises(DefinitionError, match="used twice"):
        validate_survey([SURVEY[4], SURVEY[4]])


def _q(survey, key):
    return next(q for q in survey if q["key"] == key)


def test_choice_answers(survey):
    assert normalize_answer(_q(survey, "uses"), " yes ") == "yes"
    assert normalize_answer(_q(survey, "uses"), ["no"]) == "no"
    with pytest.raises(AnswerError) as caught:
        normalize_answer(_q(survey, "uses"), "perhaps")
    assert caught.value.message == "Unknown option: %(value)s." and str(caught.value) == "Unknown option: perhaps."
    with pytest.raises(AnswerError, match="only one"):
        normalize_answer(_q(survey, "uses"), ["yes", "no"])
    # Returned in definition order, duplicates removed, whatever order the form sent.
    assert normalize_answer(_q(survey, "topics"), ["Логистика", "Sales", "Sales"]) == ["Sales", "Логистика"]
    with pytest.raises(AnswerError, match="at most 2"):
        normalize_answer(_q(survey, "topics"), ["Sales", "Service", "Логистика"])


def test_required_missing_and_optional_blank(survey):
    with pytest.raises(AnswerError) as caught:
        normalize_answer(_q(survey, "uses"), "   ")
    assert caught.value.message == "This question requires an answer."
    assert normalize_answer(_q(survey, "nps"), "") is None
    assert normalize_answer(_q(survey, "topics"), []) is None


@pytest.mark.parametrize("key, raw, expected", [
    ("score", "4", 4), ("score", 5, 5), ("nps", "0", 0), ("nps", 10, 10),
    ("staff", "1 200", None), ("staff", " 42 ", 42), ("staff", 7.0, 7),
])
def test_scales_and_numbers_accept_form_and_json_values(survey, key, raw, expected):
    if expected is None:
        with pytest.raises(AnswerError, match="no greater than 500"):
            normalize_answer(_q(survey, key), raw)
    else:
        value = normalize_answer(_q(survey, key), raw)
        assert value == expected and type(value) is int


@pytest.mark.parametrize("key, raw, msgid", [
    ("score", "6", "Choose a value from %(min)s to %(max)s."),
    ("score", "4.5", "Choose a value from %(min)s to %(max)s."),
    ("nps", "-1", "Choose a value from %(min)s to %(max)s."),
    ("nps", "ten", "Enter a number."),
    ("staff", "2,5", "Enter a whole number."),
    ("staff", "-3", "Enter a number no less than %(min)s."),
    ("staff", "nan", "Enter a number."),
    ("staff", True, "This answer has the wrong format."),
])
def test_out_of_range_and_malformed_numbers(survey, key, raw, msgid):
    with pytest.raises(AnswerError) as caught:
        normalize_answer(_q(survey, key), raw)
    assert caught.value.message == msgid and caught.value.question == key


def test_decimal_numbers_accept_a_russian_decimal_comma():
    question = validate_definition({"key": "price", "kind": "number", "title": "Price", "min": 0})
    assert normalize_answer(question, "3,75") == 3.75
    assert normalize_answer(question, "1\u00a0000,5") == 1000.5


@pytest.mark.parametrize("raw", ["1" * 400, 10**400, "1e300", 1e300, "-" + "9" * 30])
def test_numbers_past_any_answer_are_refused_not_a_crash(raw):
    """A 400-digit integer made float() overflow (a 500); issue 17."""
    question = validate_definition({"key": "price", "kind": "number", "title": "Price"})
    with pytest.raises(AnswerError) as caught:
        normalize_answer(question, raw)
    assert caught.value.message in ("Enter a number no greater than %(max)s.", "Enter a number no less than %(min)s.")


def test_a_question_with_a_huge_bound_is_checked_without_overflow():
    question = validate_definition({"key": "n", "kind": "number", "title": "N", "integer": True, "max": 10**400})
    assert normalize_answer(question, "12") == 12


def test_text_answers_are_trimmed_cleaned_and_limited(survey):
    short = _q(survey, "low_score")
    assert normalize_answer(short, "  too\r\nslow\x00  ") == "too slow"
    assert normalize_answer(_q(survey, "why_not"), "line 1\r\nline 2") == "line 1\nline 2"
    with pytest.raises(AnswerError) as caught:
        normalize_answer(short, "x" * 201)
    assert caught.value.params == {"max": 200, "length": 201}
    assert str(caught.value) == "The answer is too long: 201 characters, at most 200 allowed."


def test_likert_answers(survey):
    matrix = _q(survey, "matrix")
    assert normalize_answer(matrix, {"clear": "5", "useful": ""}) == {"clear": 5}
    with pytest.raises(AnswerError, match="Unknown row"):
        normalize_answer(matrix, {"clear": 1, "price": 2})
    with pytest.raises(AnswerError, match="from 1 to 5"):
        normalize_answer(matrix, {"clear": 6})
    required = validate_definition({**SURVEY[6], "required": True})
    with pytest.raises(AnswerError, match="every row"):
        normalize_answer(required, {"clear": 3})


def test_visible_questions_follow_conditions_in_order(survey):
    keys = [q["key"] for q in visible_questions(survey, {"uses": "yes", "score": 2})]
    assert keys == ["uses", "score", "low_score", "nps", "topics", "matrix", "staff"]
    # "score" is hidden when the configurator is not used, so its stale answer hides "low_score" too.
    keys = [q["key"] for q in visible_questions(survey, {"uses": "no", "score": 2})]
    assert keys == ["uses", "why_not", "nps", "topics", "matrix", "staff"]


def test_validate_response_requires_only_visible_questions_and_drops_hidden_answers(survey):
    clean, errors = validate_response(survey, {
        "uses": "no", "why_not": "No licence", "score": "5", "low_score": "sneaked in",
        "topics": ["Service"], "unknown": "ignored",
    })
    assert errors == {}
    assert clean == {"uses": "no", "why_not": "No licence", "topics": ["Service"]}


def test_validate_response_reports_errors_by_question(survey):
    clean, errors = validate_response(survey, {"uses": "yes", "score": "1", "nps": "11", "staff": "x"})
    assert set(errors) == {"low_score", "nps", "staff"}
    assert errors["low_score"].message == "This question requires an answer."
    assert errors["nps"].params == {"min": 0, "max": 10}
    assert clean == {"uses": "yes", "score": 1}


def test_conditions_on_multiple_choice_match_any_chosen_option():
    survey = validate_survey([
        {"key": "topics", "kind": "multiple_choice", "title": "T", "options": ["a", "b", "c"]},
        {"key": "about_b", "kind": "short_text", "title": "B?", "required": True,
         "show_if": {"question": "topics", "equals": "b"}},
    ])
    assert validate_response(survey, {"topics": ["a", "c"]}) == ({"topics": ["a", "c"]}, {})
    clean, errors = validate_response(survey, {"topics": ["a", "b"]})
    assert list(errors) == ["about_b"]
