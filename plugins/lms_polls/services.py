"""Poll services on top of the core survey engine's public API; they never commit.

The plugin reaches the survey engine (``lms.surveys.api``) only from this module.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from lms.events import emit
from lms.extensions import db
from lms.surveys import api as surveys
from lms_polls.contracts import PollReminder
from lms_polls.models import Poll, Reminder
from lms_polls.notices import invite

SurveyError = surveys.SurveyError  # a refused survey definition: ``message`` and ``params`` to translate

PLUGIN = "lms_polls"
DEALER_ROLES = ("learner", "dealer_admin")
QUICK_KINDS = ("single_choice", "multiple_choice", "rating", "nps", "short_text")


def quick_question(kind: str, text: str, options: list[str]) -> dict:
    """The one question of a quick poll as a core survey definition."""
    question = {"key": "answer", "kind": kind, "title": text, "required": True}
    if kind in ("single_choice", "multiple_choice"):
        question["options"] = options
    return question


def create_poll(*, title: str, questions: list, created_by: int | None, targeting: dict, anonymous: bool = False,
                closes_at: datetime | None = None, description: str = "", publish: bool = True) -> Poll:
    """Add a poll for dealer staff of the chosen segments, opened at once unless ``publish`` is False
    (a draft whose questions are added one by one); raises ``surveys.SurveyError``."""
    survey_id = surveys.create_survey(
        title=title, questions=questions, description=description, anonymous=anonymous, closes_at=closes_at,
        targeting={**targeting, "role": list(DEALER_ROLES)}, owner=PLUGIN, created_by=created_by, publish=False)
    poll = Poll(survey_id=survey_id, created_by=created_by)
    db.session.add(poll)
    db.session.flush()
    if publish:
        open_poll(poll)
    return poll


def open_poll(poll: Poll) -> None:
    """Open a draft poll to its audience and invite them; raises ``surveys.SurveyError`` with no question."""
    surveys.publish_survey(poll.survey_id)
    invite(surveys.non_respondents(poll.survey_id), poll_id=poll.id, survey_id=poll.survey_id,
           title=(surveys.survey_summary(poll.survey_id) or {}).get("title", ""), occasion="published")


def poll_summary(poll: Poll) -> dict:
    """Title, ``status`` (draft or published), ``open`` and the ``responses`` count of the poll."""
    return surveys.survey_summary(poll.survey_id) or {}


def poll_questions(poll: Poll) -> list[dict]:
    return surveys.survey_questions(poll.survey_id)


def set_poll_questions(poll: Poll, questions: list[dict]) -> list[dict]:
    """Replace the poll's questions; raises ``surveys.SurveyError`` (a bad definition, or answers exist)."""
    return surveys.set_survey_questions(poll.survey_id, questions)


def free_key(questions: list[dict]) -> str:
    """A key for a new question: ``q<n>``, the first free number (keys name answers in exports).

    The first question of a quick poll is ``answer``, so a poll grown from one keeps its answers' key.
    """
    taken = {question["key"] for question in questions}
    return next(f"q{n}" for n in range(1, len(taken) + 2) if f"q{n}" not in taken)


def polls_query(term: str = "") -> sa.Select:
    """Polls newest first, those whose title contains ``term`` when one is given."""
    query = sa.select(Poll).order_by(Poll.created_at.desc(), Poll.id.desc())
    return query.where(Poll.survey_id.in_(surveys.survey_ids_titled(term))) if term else query


def with_summaries(polls) -> list[tuple[Poll, dict]]:
    """Each poll with its survey summary (two queries whatever the count)."""
    summaries = surveys.survey_summaries([poll.survey_id for poll in polls])
    return [(poll, summaries[poll.survey_id]) for poll in polls if poll.survey_id in summaries]


def poll_titles() -> set[str]:
    """The titles of every poll."""
    survey_ids = list(db.session.scalars(sa.select(Poll.survey_id)))
    return {summary["title"] for summary in surveys.survey_summaries(survey_ids).values()}


def poll_results(poll: Poll) -> tuple[dict | None, list[dict], dict]:
    """The poll's survey summary, its response rate per dealer and its results per question."""
    return (surveys.survey_summary(poll.survey_id), surveys.response_rate_per_dealer(poll.survey_id),
            surveys.survey_results(poll.survey_id))


def targeting_choices() -> dict[str, list]:
    """The tiers, regions and dealers a poll can be sent to."""
    return surveys.targeting_choices()


def open_polls_for(user_id: int) -> list[dict]:
    """Open polls targeted at the user, with ``answered``; unanswered first."""
    polls = surveys.open_surveys_for_user(user_id, owner=PLUGIN)
    return sorted(polls, key=lambda poll: poll["answered"])


def send_reminder(poll: Poll, *, sent_by: int, dealer_id: int | None = None) -> Reminder | None:
    """Record a reminder to those who have not answered and announce it; None when nobody is left."""
    user_ids = surveys.non_respondents(poll.survey_id, dealer_id)
    if not user_ids:
        return None
    reminder = Reminder(poll_id=poll.id, dealer_id=dealer_id, sent_by=sent_by, recipients=len(user_ids))
    db.session.add(reminder)
    db.session.flush()
    invite(user_ids, poll_id=poll.id, survey_id=poll.survey_id, occasion=f"reminder-{reminder.id}",
           title=(surveys.survey_summary(poll.survey_id) or {}).get("title", ""))
    emit("lms_polls_reminder_sent", reminder=PollReminder(
        reminder_id=reminder.id, poll_id=poll.id, survey_id=poll.survey_id, dealer_id=dealer_id,
        user_ids=tuple(user_ids), sent_by=sent_by))
    return reminder


def reminders_of(poll_id: int) -> list[Reminder]:
    return list(db.session.scalars(sa.select(Reminder).where(Reminder.poll_id == poll_id)
                                   .order_by(Reminder.sent_at.desc(), Reminder.id.desc())))
