"""Hooks of the courses domain (see docs/hooks.md)."""
from lms.hookspecs import hookspec


@hookspec
def lms_markdown_setup(md):
    """Extend the Markdown renderer: ``md`` is the markdown-it-py ``MarkdownIt`` instance.

    Called once per app when the renderer is built. Raw HTML stays off and the URL safety pass
    runs after every plugin's rules. Returns nothing.
    """


@hookspec
def lms_course_requirements(user_id, course_id):
    """Return a ``lms.courses.contracts.CourseRequirement`` (or None) for this learner and course.

    Called when completion is evaluated; a course is completed only when every returned
    requirement is met (the quiz domain returns "final quiz passed", with the score).
    """


@hookspec
def lms_course_access_grants(user_id):
    """Return a ``SELECT`` of course ids the user may open besides the courses targeted at them, or None.

    Called whenever the courses a learner sees are worked out (as a subquery: keep it one indexed
    SELECT). The assignments domain grants the courses assigned to the user, so an assignment never
    points at a course its holder cannot open.
    """


@hookspec
def lms_lesson_completed(user_id, lesson_id, course_id):
    """A learner completed a lesson; fires after commit. Returns nothing."""


@hookspec
def lms_course_completed(completion):
    """A learner completed a course; ``completion`` is a ``CourseCompletion``. Fires after commit."""


@hookspec
def lms_course_published(course_id, version, requires_recertification):
    """An author published ``course_id`` as ``version``; fires after commit.

    ``requires_recertification`` is True when the author marked this version as making older
    certificates expire (the certificates domain sets their expiry date).
    """
