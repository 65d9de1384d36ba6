"""Hooks of the quiz domain (see docs/hooks.md)."""
from lms.hookspecs import hookspec


@hookspec
def lms_register_question_types():
    """Return a list of question type objects (see lms.quizzes.qtypes); built-ins come this way too.

    Called once per app. Two types with the same name stop start-up with an error.
    """


@hookspec
def lms_attempt_finished(attempt):
    """A quiz attempt was finished and graded; ``attempt`` is a frozen ``AttemptResult``.

    Fires after commit, once per attempt, whatever the number of finish requests.
    """


@hookspec
def lms_attempt_graded(attempt):
    """A grader marked a question of a finished attempt; ``attempt`` is the rescored frozen ``AttemptResult``.

    Fires after commit, once per saved mark; ``passed`` is still None while another question
    waits for a grader. Returns nothing.
    """
