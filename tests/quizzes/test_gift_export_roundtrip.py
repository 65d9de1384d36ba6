"""GIFT export: Moodle-compatible output, and export → import gives the same questions back."""
import copy

import pytest

from lms.quizzes.gift import import_gift
from lms.quizzes.gift_export import escape_gift, export_gift, export_question


def question(qtype, definition, **extra):
    base = {"type": qtype, "name": f"{qtype} name", "text": f"Text of {qtype}?", "text_format": "moodle",
            "general_feedback": "", "general_feedback_format": "moodle", "definition": definition, "category": []}
    merged = {**base, **extra}
    # An empty general feedback takes the question's format on import, as in Moodle.
    if not merged["general_feedback"]:
        merged["general_feedback_format"] = merged["text_format"]
    return merged


TRICKY = "Braces {x}, colon: a=b ~c #d \\ back\nnew line"

QUESTIONS = [
    question("essay", {}, general_feedback="Any answer", category=["Sales"]),
    question("true_false", {"correct": True, "feedback_true": "Yes", "feedback_false": "[html]<b>No</b>",
                            "feedback_false_format": "html"}, category=["Sales"]),
    question("true_false", {"correct": False, "feedback_true": "", "feedback_false": "Right"}, category=["Sales"]),
    question("single_choice", {"options": [
        {"id": "x1", "text": "yellow", "fraction": 1, "feedback": "right; good!"},
        {"id": "x2", "text": "%50 off", "fraction": 0, "feedback": ""},
        {"id": "x3", "text": "orange", "fraction": 0.5, "feedback": "", "text_format": "plain"},
        {"id": "x4", "text": TRICKY, "fraction": -0.5, "feedback": TRICKY},
    ]}, text="[not a marker] question", general_feedback="<p>gf</p>", general_feedback_format="html",
        category=["Service", "Parts/Tools"]),
    question("multiple_choice", {"options": [
        {"id": "m1", "text": "a", "fraction": 1, "feedback": ""},
        {"id": "m2", "text": "b", "fraction": -0.3333333, "feedback": "no"},
        {"id": "m3", "text": "c", "fraction": 0, "feedback": ""},
    ]}, text_format="markdown", text="**Pick** all"),
    question("short_answer", {"answers": [
        {"text": "Frog", "fraction": 1, "feedback": "Good!"},
        {"text": "%Cat", "fraction": 0.5, "feedback": ""},
        {"text": "*", "fraction": 0, "feedback": "Completely wrong"},
    ]}),
    question("numerical", {"answers": [
        {"value": 3, "tolerance": 2, "fraction": 1, "feedback": ""},
        {"value": -1.25, "tolerance": 0, "fraction": 0.5, "feedback": "close"},
        {"value": 1000000, "tolerance": 0.001, "fraction": 0.25, "feedback": ""},
        {"value": "*", "tolerance": 0, "fraction": 0, "feedback": "Completely wrong"},
    ]}, text_format="html", text="<p>Number?</p>"),
    question("matching", {"pairs": [
        {"id": "p1", "premise": "Canada", "answer": "Ottawa"},
        {"id": "p2", "premise": "<i>Italy</i>", "premise_format": "html", "answer": "Rome: city"},
    ], "distractors": ["Paris"]}, name=TRICKY.replace("\n", " ")),
]


def without_ids(questions):
    stripped = copy.deepcopy(questions)
    for q in stripped:
        for key in ("options", "pairs"):
            for item in q["definition"].get(key, []):
                item.pop("id", None)
    return stripped


def test_export_then_import_gives_the_same_questions():
    text = export_gift(QUESTIONS)
    assert without_ids(import_gift(text)) == without_ids(QUESTIONS)


def test_reimport_is_stable_including_ids():
    first = import_gift(export_gift(QUESTIONS))
    assert import_gift(export_gift(first)) == first


def test_category_lines_only_when_the_path_changes():
    text = export_gift(QUESTIONS)
    assert text.count("$CATEGORY:") == 3
    assert "$CATEGORY: $course$/top/Service/Parts//Tools\n" in text
    assert text.rstrip().endswith("}")


def test_true_false_export_matches_moodle():
    q = question("true_false", {"correct": True, "feedback_true": "You gave the right answer.",
                                "feedback_false": "42 is the Ultimate Answer.", "feedback_false_format": "html"},
                 name="Q1", text="42 is the Absolute Answer to everything.")
    assert export_question(q).splitlines()[-1] == (
        "::Q1::42 is the Absolute Answer to everything."
        "{TRUE#[html]42 is the Ultimate Answer.#You gave the right answer.}")


def test_choice_export_matches_moodle_lines():
    single = question("single_choice", {"options": [
        {"id": "a", "text": "yellow", "fraction": 1, "feedback": "right; good!"},
        {"id": "b", "text": "red", "fraction": 0, "feedback": "wrong, it's yellow", "feedback_format": "html"},
        {"id": "c", "text": "blue", "fraction": 0, "text_format": "plain", "feedback": "wrong, it's yellow"},
    ]}, name="Q8", text="What's between orange and green in the spectrum?")
    assert export_question(single).split("\n", 1)[1] == (
        "::Q8::What's between orange and green in the spectrum?{\n\t=yellow#right; good!\n"
        "\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, it's yellow\n}")
    multi = question("multiple_choice", {"options": [
        {"id": "a", "text": "yellow", "fraction": 1}, {"id": "b", "text": "red", "fraction": -0.5},
        {"id": "c", "text": "blue", "fraction": -0.5}]})
    assert "\t~%100%yellow\n\t~%-50%red\n\t~%-50%blue\n" in export_question(multi)


def test_backslash_export_matches_moodle():
    q = question("essay", {}, name="backslash", text="A \\ B \\\\ C")
    assert export_question(q).endswith("::backslash::A \\\\ B \\\\\\\\ C{}")


def test_escape_gift_covers_every_control_character():
    assert escape_gift("~=#{}:\\\r\n") == "\\~\\=\\#\\{\\}\\:\\\\\\n"


def test_ordering_is_skipped_with_a_comment():
    ordering = question("ordering", {"items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]})
    text = export_gift([ordering, QUESTIONS[0]])
    assert "// skipped ordering question ordering name" in text
    assert [q["type"] for q in import_gift(text)] == ["essay"]
    with pytest.raises(ValueError, match="ordering"):
        export_question(ordering)
