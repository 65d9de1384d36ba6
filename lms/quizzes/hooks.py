"""Quizzes domain hooks: question types, blueprints, schema, texts, CLI and the course requirement."""

from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.plugins import domain_setup_hooks
from lms.auth.models import Role
from lms.plugins import NavItem
from lms.quizzes import models  # noqa: F401  (the tables belong to the metadata from start-up)


@hookimpl
def lms_register_question_types():
    from lms.quizzes.qtypes import builtin_question_types

    return builtin_question_types()


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.quizzes.views:bp")


@hookimpl
def lms_app_created(app):
    from lms.quizzes.cli import questions_cli, quizzes_cli
    from lms.quizzes.registry import build_registry

    build_registry(app)
    from lms.quizzes import fast_autosave

    fast_autosave.install(app)  # the common autosave answered before Flask builds a request
    app.cli.add_command(quizzes_cli)
    app.cli.add_command(questions_cli)


@hookimpl
def lms_tpl_nav_items(user):
    if user.is_authenticated and user.role in (Role.AUTHOR, Role.MANAGER, Role.ADMIN):
        return NavItem(key="quizzes", label=_("Quizzes"), url=url_for("quizzes.manage"), order=30)
    return None


@hookimpl
def lms_course_requirements(user_id, course_id):
    from lms.quizzes.content import course_requirement

    return course_requirement(user_id, course_id)
