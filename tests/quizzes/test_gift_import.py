"""GIFT import, one syntax feature at a time, and malformed files refused whole with line numbers."""
import pytest

from lms.quizzes.gift import GiftError, decode_gift, import_gift, parse_category_path


def one(text):
    questions = import_gift(text)
    assert len(questions) == 1, questions
    return questions[0]


def problems_of(text):
    with pytest.raises(GiftError) as info:
        import_gift(text)
    return info.value.problems


def test_title_comment_and_default_format():
    q = one("// a comment line\n::Capital:: What is the capital of France? {=Paris}")
    assert q["name"] == "Capital"
    assert q["text"] == "What is the capital of France?"
    assert q["text_format"] == "moodle" and q["general_feedback_format"] == "moodle"
    assert q["type"] == "short_answer"
    assert q["definition"] == {"answers": [{"text": "Paris", "fraction": 1, "feedback": ""}]}


def test_name_defaults_to_text_without_tags():
    q = one("[html]<p>Is <b>water</b> wet?</p>{T}")
    assert q["name"] == "Is water wet?" and q["text_format"] == "html"


@pytest.mark.parametrize("marker", ["html", "markdown", "plain", "moodle"])
def test_format_markers(marker):
    q = one(f"::n::[{marker}]Text **x**{{TRUE}}")
    assert q["text_format"] == marker and q["text"] == "Text **x**"


def test_unknown_format_marker_stays_in_text():
    assert one("::n::[rtf]Text{TRUE}")["text"] == "[rtf]Text"


def test_answers_and_feedback_inherit_then_override_format():
    q = one("::n::[markdown]Pick{=[html]<b>a</b>#[plain]good ~b#bad}")
    a, b = q["definition"]["options"]
    assert a["text"] == "<b>a</b>" and a["text_format"] == "html" and a["feedback_format"] == "plain"
    assert "text_format" not in b and "feedback_format" not in b and b["feedback"] == "bad"


def test_single_choice_with_feedback_and_ids():
    q = one("Colour?{=yellow#right ~red#wrong ~blue}")
    assert q["type"] == "single_choice"
    options = q["definition"]["options"]
    assert [(o["text"], o["fraction"], o["feedback"]) for o in options] == [
        ("yellow", 1, "right"), ("red", 0, "wrong"), ("blue", 0, "")]
    assert len({o["id"] for o in options}) == 3
    assert one("Colour?{=yellow ~red ~blue}")["definition"]["options"][0]["id"] == options[0]["id"]


def test_multiple_choice_weights_including_negative_and_decimal():
    q = one("Pick{~%50%a ~%-25%b ~%50%c ~%-33.33333%d}")
    assert q["type"] == "multiple_choice"
    assert [o["fraction"] for o in q["definition"]["options"]] == [0.5, -0.25, 0.5, -0.3333333]


def test_single_choice_with_partial_credit_option():
    q = one("Pick{=a ~%50%b ~c}")
    assert q["type"] == "single_choice"
    assert [o["fraction"] for o in q["definition"]["options"]] == [1, 0.5, 0]


def test_general_feedback():
    q = one("Pick{=a ~b ####[html]<i>Because</i>}")
    assert q["general_feedback"] == "<i>Because</i>" and q["general_feedback_format"] == "html"
    assert len(q["definition"]["options"]) == 2


@pytest.mark.parametrize("flag,correct", [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_true_false_flags(flag, correct):
    q = one(f"Sky is blue.{{{flag}}}")
    assert q["type"] == "true_false" and q["definition"]["correct"] is correct


def test_true_false_feedback_is_wrong_then_right():
    q = one("Sky is blue.{TRUE#No, look up.#Yes.####Rayleigh}")
    assert q["definition"] == {"correct": True, "feedback_true": "Yes.", "feedback_false": "No, look up."}
    assert q["general_feedback"] == "Rayleigh"
    q = one("Sky is green.{F#No, look up.#Yes.}")
    assert q["definition"] == {"correct": False, "feedback_true": "No, look up.", "feedback_false": "Yes."}


def test_short_answer_several_answers_weights_and_wildcard():
    q = one("Best animal?{=Frog#Good! =%50%Cat#Hm =%0%*#No}")
    assert q["definition"]["answers"] == [
        {"text": "Frog", "fraction": 1, "feedback": "Good!"},
        {"text": "Cat", "fraction": 0.5, "feedback": "Hm"},
        {"text": "*", "fraction": 0, "feedback": "No"},
    ]


def test_short_answer_without_equals_like_moodle():
    assert one("Say hi{hi}")["definition"]["answers"] == [{"text": "hi", "fraction": 1, "feedback": ""}]


@pytest.mark.parametrize("body,answers", [
    ("#3:2", [{"value": 3, "tolerance": 2, "fraction": 1, "feedback": ""}]),
    ("#1..5", [{"value": 3, "tolerance": 2, "fraction": 1, "feedback": ""}]),
    ("#1.1..1.3", [{"value": 1.2, "tolerance": 0.1, "fraction": 1, "feedback": ""}]),
    ("#-5..-1#neg", [{"value": -3, "tolerance": 2, "fraction": 1, "feedback": "neg"}]),
    ("#42", [{"value": 42, "tolerance": 0, "fraction": 1, "feedback": ""}]),
    ("#=1822:0#Exact =%50%1822:2#Close", [
        {"value": 1822, "tolerance": 0, "fraction": 1, "feedback": "Exact"},
        {"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close"}]),
    ("#3:2~#Completely wrong", [
        {"value": 3, "tolerance": 2, "fraction": 1, "feedback": ""},
        {"value": "*", "tolerance": 0, "fraction": 0, "feedback": "Completely wrong"}]),
    ("#\n\t=%100%2.5e1:0.5#\n", [{"value": 25, "tolerance": 0.5, "fraction": 1, "feedback": ""}]),
])
def test_numerical_forms(body, answers):
    q = one(f"Number?{{{body}}}")
    assert q["type"] == "numerical" and q["definition"]["answers"] == answers


def test_matching_with_distractor():
    q = one("Match{=Canada -> Ottawa =Italy -> Rome =Japan->Tokyo = -> Paris ####Capitals}")
    assert q["type"] == "matching"
    assert [(p["premise"], p["answer"]) for p in q["definition"]["pairs"]] == [
        ("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo")]
    assert q["definition"]["distractors"] == ["Paris"]
    assert q["general_feedback"] == "Capitals"


def test_essay_with_and_without_general_feedback():
    assert one("::Q8:: How are you? {}")["type"] == "essay"
    q = one("Tell us.{####Anything goes}")
    assert q["type"] == "essay" and q["definition"] == {} and q["general_feedback"] == "Anything goes"


def test_escapes():
    q = one(r"::a\:b::Is 1\=1 \{really\} \~ \# ok\: yes\nnext \\ end?{=yes\#1#fine\=ok ~no}")
    assert q["name"] == "a:b"
    assert q["text"] == "Is 1=1 {really} ~ # ok: yes\nnext \\ end?"
    assert q["definition"]["options"][0]["text"] == "yes#1"
    assert q["definition"]["options"][0]["feedback"] == "fine=ok"


def test_double_backslash_like_moodle():
    assert one("::bs:: A \\\\ B \\\\\\\\ C{}")["text"] == "A \\ B \\\\ C"


def test_multiline_text_and_answers():
    q = one("::Q001::[html]<p>What prints?</p>\n<pre>\n  f() \\{\n  \\}\n</pre>\n{}")
    assert q["text"] == "<p>What prints?</p>\n<pre>\n  f() {\n  }\n</pre>"


def test_missing_word_and_stray_quote_semicolon():
    q = one("Moscow is the {=capital ~village} of Russia.")
    assert q["text"] == "Moscow is the _____ of Russia."
    assert one('Stray.{TRUE}";')["text"] == "Stray."
    assert one("Stray.{TRUE} ;")["text"] == "Stray."


def test_categories_apply_to_following_questions():
    questions = import_gift(
        "A?{T}\n\n$CATEGORY: $course$/top/Sales/Cars\n\nB?{T}\n\n$CATEGORY: Service//Parts\nC?{F}\n")
    assert [q["category"] for q in questions] == [[], ["Sales", "Cars"], ["Service/Parts"]]
    assert parse_category_path("$system$/Default") == ["Default"]


def test_empty_and_comment_only_files():
    assert import_gift("") == []
    assert import_gift("// only\n// comments\n\n\n") == []
    assert import_gift("\ufeff// bom\n\nA?{T}\r\n\r\nB?{F}\r\n")[1]["name"] == "B?"


def test_decode_gift_rejects_non_utf8_with_line():
    assert decode_gift("\ufeffA?{T}".encode()) == "A?{T}"
    with pytest.raises(GiftError) as info:
        decode_gift(b"A?{T}\n\nB\xff?{T}")
    assert info.value.problems[0].line == 3


MALFORMED = """// line 1
::Good:: Fine?{T}

::Unclosed name Fine?{T}

::Open::Never closed {=a ~b

::Close::Stray } here{T}

::Two::One{T} two{F}

::Nested::A{=a {~b}

::Num::Number?{#abc}

::Range::Number?{#5..1}

::Tol::Number?{#3:-1}

::Match::Match{=a -> b =c d}

::Weight::Pick{~%150%a ~b}

::Single::Pick{~%100%only}

::Neg::Sa{=%-50%x =y}

Just a description without braces.

::Empty::{T}
"""


def test_malformed_file_lists_every_problem_with_lines():
    problems = problems_of(MALFORMED)
    by_line = {p.line: str(p) for p in problems}
    expected = {4: "not closed with ::", 6: "never closed", 8: "no opening brace", 10: "Only one answer block",
                12: "cannot contain {", 14: "abc is not a number", 16: "minimum is larger", 18: "is negative",
                20: "=premise -> answer", 22: "150% is not between", 24: "At least 2 answers",
                26: "between 0% and 100%", 28: "descriptions are not supported", 30: "question text is empty"}
    for line, fragment in expected.items():
        assert fragment in by_line.get(line, ""), (line, by_line)
    assert 2 not in by_line
    assert all(p.message for p in problems)


def test_gift_error_message_names_lines_and_nothing_is_returned():
    with pytest.raises(GiftError) as info:
        import_gift("A?{T}\n\nB?{=a ~b\n\nC?{T}")
    assert str(info.value) == "line 3: The answer block opened here is never closed with }."


def test_problem_line_points_into_multiline_answers():
    problems = problems_of("::N::\nNumber?{\n#=1:0\n=x:1\n}")
    assert [p.line for p in problems] == [4]


def test_numerical_wrong_feedback_syntax():
    assert "Only #feedback" in str(problems_of("N?{#3~oops#x}")[0])
    assert "only one ~#feedback" in str(problems_of("N?{#3~#a~#b}")[0])
    assert "at least one number" in str(problems_of("N?{#~#x}")[0])


def test_reserved_characters_are_refused():
    assert "reserved" in str(problems_of("A\ue001?{T}")[0])
