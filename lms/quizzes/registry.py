"""The app's question type registry, filled once at start-up from ``lms_register_question_types``."""
from __future__ import annotations

from flask import current_app

from lms.quizzes.qtypes import QuestionTypeRegistry

EXTENSION_KEY = "lms_question_types"


def build_registry(app) -> QuestionTypeRegistry:
    """Collect every plugin's types; a duplicate name raises DuplicateQuestionType (start-up fails)."""
    registry = QuestionTypeRegistry()
    registry.register_hook_results(app.extensions["lms"].hook.lms_register_question_types())
    app.extensions[EXTENSION_KEY] = registry
    return registry


def question_types(app=None) -> QuestionTypeRegistry:
    """The registry of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION_KEY]
