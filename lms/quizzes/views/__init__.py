"""The quiz blueprint: learner pages (take, autosave, results) and author pages (bank, quizzes, grading)."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")

from lms.quizzes.views import author, learner, questions, quiz_draws, quiz_editor  # noqa: E402,F401  (routes register on bp)


@bp.context_processor
def _template_helpers():
    from lms.quizzes.present import render_text

    return {"render_text": render_text}
