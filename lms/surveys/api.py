"""Public functions of the surveys domain for plugins and other domains (they never commit)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from flask import url_for

from lms.auth.models import User
from lms.extensions import db
from lms.listing import matches
from lms.surveys import reporting, services
from lms.surveys.models import Survey, SurveyResponse
from lms.surveys.questions import DefinitionError, SurveyError  # noqa: F401  (re-exported for callers)


def create_survey(*, title: str, questions, description: str = "", anonymous: bool = False,
                  targeting: Mapping | None = None, opens_at: datetime | None = None,
                  closes_at: datetime | None = None, course_id: int | None = None,
                  owner: str | None = None, created_by: int | None = None, publish: bool = True) -> int:
    """Create a survey and return its id; raises ``SurveyError`` (with ``.message``/``.params``).

    ``questions`` are definitions as ``lms.surveys.questions`` describes them; ``targeting`` maps
    ``tier``/``region``/``role`` to names and ``dealer`` to dealer ids; ``owner`` names the plugin.
    """
    survey = services.create_survey(title=title, questions=questions, description=description,
                                     anonymous=anonymous, targeting=targeting, opens_at=opens_at,
                                     closes_at=closes_at, course_id=course_id, owner=owner,
                                     created_by=created_by, publish=publish)
    return survey.id


def open_surveys_for_user(user_id: int, *, owner=...) -> list[dict]:
    """Open surveys that target the user: dicts of id, title, closes_at, anonymous, answered, url."""
    user = db.session.get(User, user_id)
    if user is None:
        return []
    return [{"id": survey.id, "title": survey.title, "closes_at": survey.closes_at, "anonymous": survey.anonymous,
             "owner": survey.owner, "answered": bool(answered), "url": url_for("surveys.respond", survey_id=survey.id)}
            for survey, answered in services.surveys_for_user(user, owner=owner)]


def survey_summary(survey_id: int) -> dict | None:
    """Title, status, window, question count and response count of one survey."""
    return survey_summaries([survey_id]).get(survey_id)


def survey_summaries(survey_ids) -> dict[int, dict]:
    """``survey_summary`` for many surveys in two queries (for lists)."""
    ids = list(survey_ids)
    if not ids:
        return {}
    counts = dict(db.session.execute(
        sa.select(SurveyResponse.survey_id, sa.func.count())
        .where(SurveyResponse.survey_id.in_(ids)).group_by(SurveyResponse.survey_id)).all())
    return {survey.id: {"id": survey.id, "title": survey.title, "status": survey.status,
                        "anonymous": survey.anonymous, "opens_at": survey.opens_at, "closes_at": survey.closes_at,
                        "open": survey.is_open(), "questions": len(survey.questions),
                        "responses": counts.get(survey.id, 0), "owner": survey.owner}
            for survey in db.session.scalars(sa.select(Survey).where(Survey.id.in_(ids)))}


def survey_ids_titled(term: str) -> sa.Select:
    """The ids of the surveys whose title contains ``term`` (case-insensitive), as a subquery for ``in_``."""
    return sa.select(Survey.id).where(matches(term, Survey.title))


def targeting_choices() -> dict[str, list]:
    """Existing tiers and regions, and ``(id, name)`` dealers, for a plugin's targeting form."""
    return services.target_choices()


def response_rate_per_dealer(survey_id: int) -> list[dict]:
    """Per targeted dealer: dealer_id, dealer_name, region, tier, targeted, responded, percent."""
    return services.response_rate_per_dealer(survey_id)


def non_respondents(survey_id: int, dealer_id: int | None = None) -> list[int]:
    """Ids of targeted active users who have not answered yet (optionally of one dealer)."""
    return services.non_respondents(survey_id, dealer_id)


def has_responded(survey_id: int, user_id: int) -> bool:
    return services.has_responded(survey_id, user_id)


def feedback_survey_for_course(course_id: int) -> int | None:
    """The id of the published feedback survey of a course (the course page can offer it), or None."""
    return services.feedback_survey_for_course(course_id)


def _survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise LookupError(f"no survey {survey_id}")
    return survey


def survey_questions(survey_id: int) -> list[dict]:
    """The survey's question definitions, in the order people see them (copies: change them freely)."""
    return [dict(question) for question in _survey(survey_id).questions]


def set_survey_questions(survey_id: int, questions) -> list[dict]:
    """Replace the survey's questions and return the clean definitions; raises ``SurveyError``.

    Refused when a definition is wrong, when a published survey would have none, and once anyone
    has answered (answers must keep meaning the question they were given to).
    """
    return services.set_questions(_survey(survey_id), list(questions))


def publish_survey(survey_id: int) -> None:
    """Open a draft survey to its audience; raises ``SurveyError`` while it has no question.

    The survey engine invites people only to its own surveys: a plugin invites its audience itself.
    """
    services.publish_survey(_survey(survey_id))


def survey_results(survey_id: int) -> dict:
    """Overall results per question: ``respondents`` (None when hidden), ``suppressed``, and
    ``questions``: each question's definition with its ``summary`` (counts and percentages per
    option, ``mean``, ``nps``, text ``answers``…; small groups hidden in an anonymous survey)."""
    survey = _survey(survey_id)
    overall = reporting.survey_results(survey)["overall"]
    return {"respondents": overall["respondents"], "suppressed": overall["suppressed"],
            "questions": [{**question, "summary": overall["questions"].get(question["key"])}
                          for question in survey.questions]}
