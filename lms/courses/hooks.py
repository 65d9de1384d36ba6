"""Courses domain hooks: the "Обучение" tab, its schema, translations, renderer, CLI, demo content and
completion after a passed quiz."""
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.plugins import domain_setup_hooks
from lms.courses import models  # noqa: F401  (the tables belong to the metadata from start-up)
from lms.courses.access import EDITOR_ROLES
from lms.plugins import NavItem

HERE = Path(__file__).resolve().parent
DEMO_CONTENT = HERE.parent.parent / "content"


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.courses.views:bp")


@hookimpl
def lms_app_created(app):
    from lms.courses.cli import export_command, export_paths_command, import_command
    from lms.courses.rendering import build_renderer

    app.extensions["lms_markdown"] = build_renderer(app)
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)
    app.cli.add_command(export_paths_command)


@hookimpl
def lms_tpl_nav_items(user):
    if not user.is_authenticated:
        return None
    items = [NavItem(key="courses", label=_("Training"), url=url_for("courses.catalogue"), order=10)]
    if user.role in EDITOR_ROLES:
        items.append(NavItem(key="course-editor", label=_("Course editor"), url=url_for("courses.manage"), order=20))
        if "quizzes.bank_page" in current_app.view_functions:  # the quiz domain may be switched off
            items.append(NavItem(key="question-bank", label=_("Question bank"), url=url_for("quizzes.bank_page"),
                                 order=31))
    return items


@hookimpl
def lms_load_demo_data():
    from lms.courses.content_sync import import_content

    import_content(DEMO_CONTENT)


@hookimpl
def lms_worker_run_once(batch_size):
    """``lms worker`` records the completions a node killed after a passed attempt never recorded."""
    from lms.courses.late_completion import complete_missed

    return {"courses completed late": complete_missed(batch_size)}


@hookimpl
def lms_attempt_finished(attempt):
    """A passed quiz may have been the course's last requirement."""
    complete_course_after_a_pass(attempt)


@hookimpl
def lms_attempt_graded(attempt):
    """A grader's mark may have made the attempt (and so the course's quiz) passed."""
    complete_course_after_a_pass(attempt)


def complete_course_after_a_pass(attempt) -> None:
    # The attempt is committed: the completion (and its lms_course_completed) gets a transaction of its own.
    from lms.courses.progress import evaluate_course_completion
    from lms.events import commit

    if attempt.passed and attempt.course_id:
        evaluate_course_completion(attempt.user_id, attempt.course_id)
        commit()
