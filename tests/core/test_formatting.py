"""Sizes and numbers are written the reader's way (issue 25): a 366-byte file is not "0 KB"."""
from flask_babel import force_locale

from lms.formatting import file_size, number


def test_file_sizes_in_russian_and_english(app):
    with app.test_request_context():
        with force_locale("ru"):
            assert file_size(366) == "366 байт"
            assert file_size(1) == "1 байт"
            assert file_size(2) == "2 байта"
            assert file_size(1536) == "1,5 КБ"
            assert file_size(5 * 1024 * 1024) == "5 МБ"
            assert file_size(3 * 1024 ** 4) == "3\xa0072 ГБ"
            assert number(12345.5) == "12\xa0345,5"
        with force_locale("en"):
            assert file_size(1) == "1 byte"
            assert file_size(366) == "366 bytes"
            assert file_size(1536) == "1.5 KB"
            assert number(12345.5) == "12,345.5"
        assert file_size(None) == ""


def test_true_false_answer_reads_as_a_word(app):
    from lms.quizzes.qtypes import builtin_question_types

    TYPES = {t.name: t for t in builtin_question_types()}
    definition = {"correct": True}
    with app.test_request_context(), force_locale("ru"):
        assert TYPES["true_false"].summarize_response(definition, {"value": True}) == ["Верно"]
        assert TYPES["true_false"].summarize_response(definition, {"value": False}) == ["Неверно"]
