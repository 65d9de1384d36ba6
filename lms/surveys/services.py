"""Survey services: create and edit surveys, find a user's open surveys, record responses.

Plain functions on ids and values: they never commit and never read the request.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from lms.auth.models import Dealer, User
from lms.events import emit
from lms.extensions import db
from lms.surveys.contracts import SurveySubmission
from lms.surveys.models import TARGET_KINDS, Survey, SurveyParticipation, SurveyResponse, SurveyTarget
from lms.surveys.questions import N_, SurveyError, validate_response, validate_survey
from lms.timeutil import utcnow

TITLE_MAX = 200


class SurveyRefused(SurveyError):
    """A refusal the respondent or the manager must read (closed survey, already answered …)."""


def create_survey(*, title: str, questions, description: str = "", anonymous: bool = False,
                  targeting: Mapping | None = None, opens_at: datetime | None = None,
                  closes_at: datetime | None = None, course_id: int | None = None,
                  owner: str | None = None, created_by: int | None = None, publish: bool = False) -> Survey:
    """Add a survey (a draft unless ``publish``); raises DefinitionError or SurveyRefused."""
    survey = Survey(status="draft", owner=owner, created_by=created_by, questions=[])
    db.session.add(survey)
    update_survey(survey, title=title, description=description, anonymous=anonymous, questions=questions,
                  targeting=targeting, opens_at=opens_at, closes_at=closes_at, course_id=course_id)
    if publish:
        publish_survey(survey)
    return survey


def update_survey(survey: Survey, *, title: str, questions, description: str = "", anonymous: bool = False,
                  targeting: Mapping | None = None, opens_at: datetime | None = None,
                  closes_at: datetime | None = None, course_id: int | None = None) -> Survey:
    """Change a survey; its questions and anonymity are frozen once someone has answered."""
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise SurveyRefused(N_("Enter a title of at most %(max)s characters."), max=TITLE_MAX)
    if opens_at and closes_at and closes_at <= opens_at:
        raise SurveyRefused(N_("The survey must close after it opens."))
    clean_questions = validate_survey(questions)
    # A draft may be saved before its questions are added one by one; a published survey may not lose them all.
    if not clean_questions and survey.status == "published":
        raise SurveyRefused(N_("Add at least one question."))
    if survey.id is not None and response_count(survey.id) and (
            clean_questions != survey.questions or bool(anonymous) != survey.anonymous):
        raise SurveyRefused(N_("People have already answered: the questions and anonymity can no longer change."))
    survey.title, survey.description = title, (description or "").strip()
    survey.anonymous, survey.questions = bool(anonymous), clean_questions
    survey.opens_at, survey.closes_at, survey.course_id = opens_at, closes_at, course_id
    db.session.flush()
    set_targeting(survey.id, targeting or {})
    return survey


def set_targeting(survey_id: int, targeting: Mapping) -> None:
    """Replace the audience: ``{"tier": [...], "region": [...], "dealer": [ids], "role": [...]}``."""
    unknown = set(targeting) - set(TARGET_KINDS)
    if unknown:
        raise ValueError(f"unknown targeting kinds: {sorted(unknown)}")
    db.session.execute(sa.delete(SurveyTarget).where(SurveyTarget.survey_id == survey_id))
    for kind, values in targeting.items():
        for value in sorted({str(v).strip() for v in values or () if str(v).strip()}):
            db.session.add(SurveyTarget(survey_id=survey_id, kind=kind, value=value))
    db.session.flush()


def targeting_of(survey_id: int) -> dict[str, list[str]]:
    """The audience as ``{kind: [values]}`` (dealer ids as text)."""
    result: dict[str, list[str]] = {kind: [] for kind in TARGET_KINDS}
    rows = db.session.execute(sa.select(SurveyTarget.kind, SurveyTarget.value)
                              .where(SurveyTarget.survey_id == survey_id).order_by(SurveyTarget.value))
    for kind, value in rows:
        result[kind].append(value)
    return result


def set_questions(survey: Survey, questions: list) -> list[dict]:
    """Replace the survey's questions (the question editor); raises DefinitionError or SurveyRefused."""
    clean_questions = validate_survey(questions)
    if not clean_questions and survey.status == "published":
        raise SurveyRefused(N_("Add at least one question."))
    if response_count(survey.id) and clean_questions != survey.questions:
        raise SurveyRefused(N_("People have already answered: the questions and anonymity can no longer change."))
    survey.questions = clean_questions
    db.session.flush()
    return clean_questions


def publish_survey(survey: Survey) -> None:
    """Make a draft visible to its audience (within its open window); a survey needs a question first."""
    if not survey.questions:
        raise SurveyRefused(N_("Add at least one question."))
    if survey.status != "published":
        survey.status, survey.published_at = "published", utcnow()
        if survey.owner is None and survey.course_id is None:  # plugins' and feedback surveys invite their own way
            from lms.coordination.wakeup import notify_on_commit

            # One job for the worker (lms.surveys.invitations), not ~4 queries per person in this request.
            survey.invitations_pending = True
            notify_on_commit(db.session, "survey_invitations")


def audience_condition(survey_id_column, user: User):
    """SQL condition: the survey in ``survey_id_column`` targets ``user`` (kinds AND, values OR)."""
    dealer = user.dealer
    facts = {"role": user.role, "tier": dealer.tier if dealer else None,
             "region": dealer.region if dealer else None, "dealer": str(dealer.id) if dealer else None}
    conditions = []
    for kind, value in facts.items():
        any_of_kind = sa.select(SurveyTarget.survey_id).where(
            SurveyTarget.survey_id == survey_id_column, SurveyTarget.kind == kind)
        if value is None:
            conditions.append(~any_of_kind.exists())
        else:
            conditions.append(sa.or_(~any_of_kind.exists(), any_of_kind.where(SurveyTarget.value == value).exists()))
    return sa.and_(*conditions)


def open_condition(now: datetime):
    return sa.and_(Survey.status == "published",
                   sa.or_(Survey.opens_at.is_(None), Survey.opens_at <= now),
                   sa.or_(Survey.closes_at.is_(None), Survey.closes_at > now))


def surveys_for_user(user: User, *, owner=..., only_open: bool = True):
    """``(Survey, answered)`` rows for the surveys that target ``user``, soonest closing first, one query.

    ``owner``: leave out for all surveys, None for the survey UI's own, or a plugin name.
    """
    answered = sa.select(SurveyParticipation.survey_id).where(
        SurveyParticipation.survey_id == Survey.id, SurveyParticipation.user_id == user.id).exists()
    query = sa.select(Survey, answered.label("answered")).where(audience_condition(Survey.id, user))
    query = query.where(open_condition(utcnow())) if only_open else query.where(Survey.status == "published")
    if owner is not ...:
        query = query.where(Survey.owner.is_(None) if owner is None else Survey.owner == owner)
    return db.session.execute(query.order_by(Survey.closes_at.is_(None), Survey.closes_at, Survey.id.desc())).all()


def user_is_targeted(survey_id: int, user: User) -> bool:
    """Whether the survey's audience includes ``user`` (whatever its window)."""
    return db.session.scalar(sa.select(Survey.id).where(
        Survey.id == survey_id, audience_condition(Survey.id, user))) is not None


def has_responded(survey_id: int, user_id: int) -> bool:
    return db.session.scalar(sa.select(SurveyParticipation.user_id).where(
        SurveyParticipation.survey_id == survey_id, SurveyParticipation.user_id == user_id)) is not None


def own_response(survey: Survey, user_id: int) -> SurveyResponse | None:
    """The user's editable response: only non-anonymous surveys have one."""
    if survey.anonymous:
        return None
    return db.session.scalar(sa.select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.user_id == user_id))


def submit_response(survey: Survey, user: User, raw_answers: Mapping):
    """Record or edit ``user``'s response. Returns ``(response_id, errors)``; no id when errors.

    Raises SurveyRefused when the survey is closed, not for this user, or an anonymous survey
    was already answered (its response cannot be found again, so it cannot be edited).
    """
    if not survey.is_open():
        raise SurveyRefused(N_("This survey is closed."))
    if not user_is_targeted(survey.id, user):
        raise SurveyRefused(N_("This survey is not meant for you."))
    clean, errors = validate_response(survey.questions, raw_answers)
    if errors:
        return None, errors
    existing = own_response(survey, user.id)
    if existing is not None:
        existing.answers, existing.updated_at = clean, utcnow()
        db.session.flush()
        response_id = existing.id
    else:
        try:
            with db.session.begin_nested():  # the primary key refuses a second response, even a concurrent one
                db.session.add(SurveyParticipation(survey_id=survey.id, user_id=user.id))
        except sa.exc.IntegrityError:
            raise SurveyRefused(N_("You have already answered this survey.")) from None
        now = utcnow()
        dealer = user.dealer
        response = SurveyResponse(
            survey_id=survey.id, user_id=None if survey.anonymous else user.id, answers=clean,
            dealer_name=dealer.name if dealer else None, region=dealer.region if dealer else None,
            tier=dealer.tier if dealer else None,
            # Only the day for anonymous answers: an exact time could be matched with a login log.
            submitted_at=now.replace(hour=0, minute=0, second=0, microsecond=0) if survey.anonymous else now)
        db.session.add(response)
        db.session.flush()
        response_id = response.id
    emit("lms_survey_submitted", response=SurveySubmission(
        survey_id=survey.id, response_id=response_id, user_id=None if survey.anonymous else user.id))
    return response_id, {}


def response_count(survey_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey_id)) or 0


def response_rows(survey_id: int) -> list[dict]:
    """Responses as ``results`` expects them: group keys plus ``answers``, in one query."""
    rows = db.session.execute(sa.select(SurveyResponse.dealer_name, SurveyResponse.region, SurveyResponse.tier,
                                        SurveyResponse.answers)
                              .where(SurveyResponse.survey_id == survey_id).order_by(SurveyResponse.id))
    return [{"dealer": d, "region": r, "tier": t, "answers": a or {}} for d, r, t, a in rows]


def named_responses(survey_id: int) -> list[tuple]:
    """Non-anonymous responses with the person: (name, email, dealer, region, submitted_at, answers)."""
    query = (sa.select(User.name, User.email, SurveyResponse.dealer_name, SurveyResponse.region,
                       sa.func.coalesce(SurveyResponse.updated_at, SurveyResponse.submitted_at), SurveyResponse.answers)
             .join(User, User.id == SurveyResponse.user_id)
             .where(SurveyResponse.survey_id == survey_id).order_by(SurveyResponse.id))
    return [tuple(row) for row in db.session.execute(query)]


def audience_users(survey_id: int):
    """Active dealer staff and other users the survey targets, as a select of User."""
    dealer_users = sa.select(User).outerjoin(Dealer, User.dealer_id == Dealer.id).where(User.active.is_(True))
    conditions = []
    for kind, column in (("role", User.role), ("tier", Dealer.tier), ("region", Dealer.region),
                         ("dealer", sa.cast(User.dealer_id, sa.String))):
        any_of_kind = sa.select(SurveyTarget.value).where(SurveyTarget.survey_id == survey_id,
                                                          SurveyTarget.kind == kind)
        conditions.append(sa.or_(~any_of_kind.exists(), column.in_(any_of_kind)))
    return dealer_users.where(*conditions, sa.or_(Dealer.id.is_(None), Dealer.active.is_(True)))


def response_rate_per_dealer(survey_id: int) -> list[dict]:
    """Per dealer: people targeted, people who answered, and the rate in %; one query."""
    audience = audience_users(survey_id).subquery()
    answered = sa.select(SurveyParticipation.user_id).where(SurveyParticipation.survey_id == survey_id)
    query = (sa.select(Dealer.id, Dealer.name, Dealer.region, Dealer.tier, sa.func.count(audience.c.id),
                       sa.func.count(sa.case((audience.c.id.in_(answered), 1))))
             .join(audience, audience.c.dealer_id == Dealer.id)
             .group_by(Dealer.id, Dealer.name, Dealer.region, Dealer.tier).order_by(Dealer.name))
    return [{"dealer_id": dealer_id, "dealer_name": name, "region": region, "tier": tier, "targeted": targeted,
             "responded": responded, "percent": round(100 * responded / targeted, 1) if targeted else None}
            for dealer_id, name, region, tier, targeted, responded in db.session.execute(query)]


def non_respondents(survey_id: int, dealer_id: int | None = None) -> list[int]:
    """Ids of targeted active users who have not answered (optionally of one dealer)."""
    audience = audience_users(survey_id).subquery()
    answered = sa.select(SurveyParticipation.user_id).where(SurveyParticipation.survey_id == survey_id)
    query = sa.select(audience.c.id).where(audience.c.id.not_in(answered))
    if dealer_id is not None:
        query = query.where(audience.c.dealer_id == dealer_id)
    return list(db.session.scalars(query.order_by(audience.c.id)))


def feedback_survey_for_course(course_id: int) -> int | None:
    """The newest published feedback survey linked to a course."""
    return db.session.scalar(sa.select(Survey.id).where(Survey.course_id == course_id, Survey.status == "published")
                             .order_by(Survey.id.desc()).limit(1))


def target_choices() -> dict[str, list]:
    """Distinct tiers and regions, and (id, name) dealers, for the targeting form."""
    tiers = db.session.scalars(sa.select(Dealer.tier).distinct().order_by(Dealer.tier)).all()
    regions = db.session.scalars(sa.select(Dealer.region).distinct().order_by(Dealer.region)).all()
    dealers = db.session.execute(sa.select(Dealer.id, Dealer.name).order_by(Dealer.name)).all()
    return {"tier": list(tiers), "region": list(regions), "dealer": [tuple(row) for row in dealers]}
