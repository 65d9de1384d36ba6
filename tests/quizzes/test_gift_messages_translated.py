"""Every message the GIFT parser and the question types can show has a Russian translation.

They are plain English texts in pure modules (no gettext there), so the extraction-based check
does not see them: this test reads them from the source instead.
"""
import ast
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "lms" / "quizzes" / "gift.py", *sorted((ROOT / "lms" / "quizzes" / "qtypes").glob("*.py")),
           ROOT / "lms" / "quizzes" / "grading.py"]


def user_facing_texts(path: Path) -> set[str]:
    """String constants passed to GiftProblem/Problem/ResponseError/QuizInputError calls."""
    texts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
            "GiftProblem", "Problem", "ResponseError", "QuizInputError", "problem", "_problem", "fail", "_fail"}:
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and " " in arg.value:
                    texts.add(arg.value)
    return texts


def test_quiz_engine_messages_have_russian_translations():
    translated = set()
    for po in [ROOT / "lms/quizzes/translations/ru/LC_MESSAGES/messages.po",
               ROOT / "lms/translations/ru/LC_MESSAGES/messages.po"]:
        with po.open("rb") as po_file:
            translated |= {m.id for m in read_po(po_file, locale="ru") if m.id and m.string}
    texts = set().union(*(user_facing_texts(path) for path in SOURCES))
    assert len(texts) > 20, "the scan found too few messages to mean anything"
    assert sorted(texts - translated) == []
