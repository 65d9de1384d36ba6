"""Moodle's own GIFT fixtures import as Moodle expects.

Expected values are the facts asserted by question/format/gift/tests/giftformat_test.php in
moodle/moodle (name, question text and format, qtype, answers, fractions, feedback and formats),
mapped to our shapes: multichoice with single=1 → single_choice, single=0 → multiple_choice,
match → matching (a subquestion with empty text is a distractor), truefalse feedbacktrue /
feedbackfalse → feedback_true / feedback_false. A format equal to the question's is not stored.
"""
import pytest

from lms.quizzes.gift import import_gift
from lms.quizzes.gift_export import export_gift
from lms.quizzes.qtypes import builtin_question_types
from lms.testing import shared_fixture

TYPES = {t.name: t for t in builtin_question_types()}


def effective(item, key, question_format):
    """The format Moodle reports for a text: its own marker, else the question's."""
    return item.get(f"{key}_format") or question_format


@pytest.fixture(scope="module")
def questions():
    return import_gift(shared_fixture("moodle-gift", "questions.gift.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_name(questions):
    return {q["name"]: q for q in questions}


def test_moodle_imports_nine_questions(questions):
    # Moodle's behat import_export.feature: "Importing 9 questions from file".
    assert len(questions) == 9
    assert [q["name"] for q in questions] == [
        "Q8", "Moodle activities", "Q2", "colours", "Q5", "Shortanswer", "Q1", "2-08 TSL", "2-08 TSL"]
    for q in questions:
        assert TYPES[q["type"]].validate(q["definition"]) == []
        assert q["category"] == []


def test_essay(by_name):
    q = by_name["Q8"]
    assert (q["type"], q["text"], q["text_format"]) == ("essay", "How are you?", "moodle")
    assert (q["general_feedback"], q["general_feedback_format"]) == ("", "moodle")


def test_match(by_name):
    q = by_name["Moodle activities"]
    assert q["type"] == "matching"
    assert q["text"] == "Match the <b>activity</b> to the description."
    assert q["text_format"] == q["general_feedback_format"] == "html"
    pairs = q["definition"]["pairs"]
    assert [(p["premise"], effective(p, "premise", "html"), p["answer"]) for p in pairs] == [
        ("An activity supporting asynchronous discussions.", "html", "Forum"),
        ("A teacher asks a question and specifies a choice of multiple responses.", "moodle", "Choice"),
        ("A bank of record entries which participants can add to.", "plain", "Database"),
        ("A collection of web pages that anyone can add to or edit.", "markdown", "Wiki"),
    ]
    assert q["definition"]["distractors"] == ["Chat"]


def test_multichoice_single(by_name):
    q = by_name["Q2"]
    assert q["type"] == "single_choice"
    assert q["text"] == "What's between orange and green in the spectrum?" and q["text_format"] == "moodle"
    options = q["definition"]["options"]
    assert [(o["text"], effective(o, "text", "moodle")) for o in options] == [
        ("yellow", "moodle"), ("red", "moodle"), ("blue", "plain")]
    assert [o["fraction"] for o in options] == [1, 0, 0]
    assert [(o["feedback"], effective(o, "feedback", "moodle")) for o in options] == [
        ("right; good!", "moodle"), ("wrong, it's yellow", "html"), ("wrong, it's yellow", "moodle")]


def test_multichoice_multi(by_name):
    q = by_name["colours"]
    assert q["type"] == "multiple_choice"
    options = q["definition"]["options"]
    assert [(o["text"], effective(o, "text", "moodle")) for o in options] == [
        ("yellow", "moodle"), ("red", "moodle"), ("off-beige", "moodle"), ("blue", "plain")]
    assert [o["fraction"] for o in options] == [0.5, -1, 0.5, -1]
    assert [(o["feedback"], effective(o, "feedback", "moodle")) for o in options] == [
        ("right; good!", "moodle"), ("wrong", "html"), ("right; good!", "moodle"), ("wrong", "moodle")]


def test_numerical_with_stray_quote_semicolon(by_name):
    q = by_name["Q5"]
    assert q["type"] == "numerical"
    assert q["text"] == "What is a number from 1 to 5?"
    answers = q["definition"]["answers"]
    assert [a["value"] for a in answers] == [3, "*"]
    assert [a["fraction"] for a in answers] == [1, 0]
    assert [a["tolerance"] for a in answers] == [2, 0]   # Moodle: [2, ''] (no tolerance for *)
    assert [a["feedback"] for a in answers] == ["", "Completely wrong"]


def test_shortanswer(by_name):
    q = by_name["Shortanswer"]
    assert q["type"] == "short_answer" and q["text"] == "Which is the best animal?"
    answers = q["definition"]["answers"]
    assert [a["text"] for a in answers] == ["Frog", "Cat", "*"]
    assert [a["fraction"] for a in answers] == [1, 0.5, 0]
    assert [a["feedback"] for a in answers] == ["Good!", "What is it with Moodlers and cats?", "Completely wrong"]


def test_truefalse_with_general_feedback(by_name):
    q = by_name["Q1"]
    assert q["type"] == "true_false" and q["text"] == "42 is the Absolute Answer to everything."
    assert q["definition"] == {"correct": False, "feedback_true": "42 is the Ultimate Answer.",
                               "feedback_false": "You gave the right answer."}
    assert q["general_feedback"] == "This is, of course, a Hitchiker's Guide to the Galaxy reference."


def test_truefalse_t_and_true(questions):
    for q in questions[-2:]:
        assert (q["name"], q["text"], q["text_format"]) == ("2-08 TSL", "TSL is blablabla.", "moodle")
        assert q["definition"] == {"correct": True, "feedback_true": "", "feedback_false": ""}


def test_questions_in_category():
    questions = import_gift(shared_fixture("moodle-gift", "questions_in_category.gift.txt").read_text(encoding="utf-8"))
    assert [(q["name"], q["type"]) for q in questions] == [
        ("Moodle activities", "matching"), ("Greeting", "single_choice"),
        ("Moodle user", "short_answer"), ("Moodle acronym", "true_false")]
    assert all(q["category"] == ["Default for New Features"] for q in questions)
    assert all(q["text_format"] == "html" for q in questions)
    greeting = questions[1]
    assert greeting["text"] == ('<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this '
                                'greeting:</a><br /><br />What language is being spoken?')
    assert [(o["text"], o["fraction"], o["feedback"]) for o in greeting["definition"]["options"]] == [
        ("English", 0, "Sorry, listen again."), ("French", 1, "Yes, well done!"),
        ("German", 0, "Sorry, listen again."), ("Spanish", 0, "Sorry, listen again.")]
    assert questions[2]["definition"]["answers"] == [{"text": "Moodler", "fraction": 1, "feedback": ""}]
    assert questions[3]["text"].endswith('<span style="font-style: italic;">Modular Object-Oriented '
                                         'Dynamic Learning Environment</span>.')
    assert questions[3]["definition"]["correct"] is True


@pytest.mark.parametrize("name", ["questions.gift.txt", "questions_in_category.gift.txt"])
def test_fixtures_survive_export_and_reimport(name):
    questions = import_gift(shared_fixture("moodle-gift", name).read_text(encoding="utf-8"))
    assert import_gift(export_gift(questions)) == questions
