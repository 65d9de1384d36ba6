"""Built-in question types: validate a JSON definition, normalise and grade a response, build the browser view.

Each type is a stateless object (see ``base.QuestionType``); plugins add their own through the
``lms_register_question_types`` hook.
"""
from .base import (
    MAX_ESSAY_RESPONSE, MAX_SHORT_RESPONSE, ORDERING_RULES, TEXT_FORMATS, DuplicateQuestionType, Problem,
    QuestionType, QuestionTypeRegistry, ResponseError, new_item_id, stable_item_id,
)
from .choice import MultipleChoiceType, SingleChoiceType, TrueFalseType
from .structured import EssayType, MatchingType, OrderingType, matching_choice_id
from .typed import NumericalType, ShortAnswerType, parse_number

__all__ = [
    "MAX_ESSAY_RESPONSE", "MAX_SHORT_RESPONSE", "ORDERING_RULES", "TEXT_FORMATS", "DuplicateQuestionType",
    "EssayType", "MatchingType", "MultipleChoiceType", "NumericalType", "OrderingType", "Problem",
    "QuestionType", "QuestionTypeRegistry", "ResponseError", "ShortAnswerType", "SingleChoiceType",
    "TrueFalseType", "builtin_question_types", "matching_choice_id", "new_item_id", "parse_number",
    "stable_item_id",
]


def builtin_question_types() -> list:
    """The eight built-in types, as the core's ``lms_register_question_types`` impl returns them."""
    return [SingleChoiceType(), MultipleChoiceType(), TrueFalseType(), ShortAnswerType(),
            NumericalType(), MatchingType(), OrderingType(), EssayType()]
