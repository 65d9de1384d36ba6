"""Launching a unit for a learner: the cmi5 launch (session, one-time fetch URL, LMS.LaunchData,
"launched") and the classic Tin Can launch (endpoint, auth, actor, registration, activity_id).

Services: the caller commits.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app

from lms.auth.models import User
from lms.elearning import lms_statements, satisfaction
from lms.elearning.content import content_origin, content_url
from lms.elearning.models import ElearningLaunch, ElearningPackage, ElearningUnit
from lms.extensions import db
from lms.timeutil import utcnow
from lms.xapi import documents as docs
from lms.xapi.agents import agent_ifi
from lms.xapi.credentials import mint_launch_credential
from lms.xapi.learners import activity_iri, learner_agent, portal_base_url

LAUNCH_DATA = "LMS.LaunchData"
SESSION_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"


class LaunchError(ValueError):
    """The unit cannot be launched (no content origin configured)."""


def unit_activity_id(unit: ElearningUnit, package: ElearningPackage) -> str:
    """cmi5: the LMS's own IRI for the AU (the publisher's id goes in the grouping); Tin Can: the package's id."""
    if package.kind == "cmi5":
        return activity_iri("elearning", "unit", unit.id)
    return unit.identifier


def registration_for(user_id: int, package_id: int) -> str:
    """One registration per learner and package, kept across sessions."""
    found = db.session.scalar(
        sa.select(ElearningLaunch.registration).join(ElearningUnit, ElearningUnit.id == ElearningLaunch.unit_id)
        .where(ElearningLaunch.user_id == user_id, ElearningUnit.package_id == package_id)
        .order_by(ElearningLaunch.id).limit(1))
    return found or str(uuid.uuid4())


def hash_fetch_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _with_query(url: str, params: dict) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def _file_url(unit: ElearningUnit, package: ElearningPackage, user_id: int) -> str:
    if unit.launch.startswith(("http://", "https://")):
        return unit.launch
    if not content_origin():
        raise LaunchError("ELEARNING_CONTENT_ORIGIN is not set")
    return content_url(user_id, package.sha256, unit.launch)


def return_url(unit: ElearningUnit) -> str:
    return portal_base_url() + f"elearning/units/{unit.id}/return"


def launch(unit: ElearningUnit, user: User) -> tuple[ElearningLaunch, str]:
    """Start a session of ``unit`` for ``user``; returns it and the URL the player frame opens."""
    package = db.session.get(ElearningPackage, unit.package_id)
    file_url = _file_url(unit, package, user.id)
    registration = registration_for(user.id, package.id)
    activity_id = unit_activity_id(unit, package)
    row = ElearningLaunch(unit_id=unit.id, user_id=user.id, registration=registration,
                          session_id=str(uuid.uuid4()))
    actor = learner_agent(user)
    endpoint = portal_base_url() + "xapi/"
    if package.kind == "cmi5":
        abandon_open_sessions(unit, user, package)
        token = secrets.token_urlsafe(32)
        row.fetch_token_hash = hash_fetch_token(token)
        db.session.add(row)
        db.session.flush()
        write_launch_data(unit, package, user, row, activity_id)
        lms_statements.launched(user, unit, package, row, activity_id)
        # cmi5 9.6.1: moveOn is evaluated at registration; NotApplicable AUs are waived (once each).
        satisfaction.waive_not_applicable(user, package, registration)
        url = _with_query(file_url, {
            "endpoint": endpoint.rstrip("/"), "fetch": portal_base_url() + f"elearning/fetch/{token}",
            "actor": json.dumps(actor, separators=(",", ":")), "registration": registration,
            "activityId": activity_id})
        return row, url
    credential = mint_launch_credential(
        user_id=user.id, activity_id=activity_id, registration=registration,
        lifetime_seconds=int(current_app.config["XAPI_LAUNCH_CREDENTIAL_SECONDS"]))
    row.credential_key = credential.username
    db.session.add(row)
    db.session.flush()
    tincan_actor = {"name": [actor["name"]], "account": [{"accountServiceHomePage": actor["account"]["homePage"],
                                                          "accountName": actor["account"]["name"]}]}
    url = _with_query(file_url, {
        "endpoint": endpoint, "auth": credential.authorization,
        "actor": json.dumps(tincan_actor, separators=(",", ":")), "registration": registration,
        "activity_id": activity_id})
    return row, url


def context_template(unit: ElearningUnit, row: ElearningLaunch) -> dict:
    return {"contextActivities": {"grouping": [{"id": unit.identifier}]},
            "extensions": {SESSION_EXTENSION: row.session_id}}


def write_launch_data(unit, package, user, row, activity_id) -> None:
    data = {"contextTemplate": context_template(unit, row), "launchMode": "Normal",
            "moveOn": unit.move_on, "returnURL": return_url(unit)}
    if unit.mastery_score is not None:
        data["masteryScore"] = unit.mastery_score
    if unit.launch_parameters:
        data["launchParameters"] = unit.launch_parameters
    key = docs.DocumentKey(docs.STATE, activity_id=activity_id, agent_ifi=agent_ifi(learner_agent(user)),
                           registration=row.registration)
    docs.put_document(key, LAUNCH_DATA, json.dumps(data).encode(), docs.JSON_TYPE)


def abandon_open_sessions(unit, user, package) -> None:
    """A session launched and never terminated is abandoned when the learner launches the AU again."""
    open_rows = db.session.scalars(sa.select(ElearningLaunch).where(
        ElearningLaunch.unit_id == unit.id, ElearningLaunch.user_id == user.id,
        ElearningLaunch.terminated_at.is_(None), ElearningLaunch.abandoned_at.is_(None)))
    for old in open_rows:
        old.abandoned_at = utcnow()
        lms_statements.abandoned(user, unit, package, old, unit_activity_id(unit, package))


def fetch(token: str) -> dict:
    """The cmi5 fetch URL: the first call returns the session's credential, any later call an error."""
    row = db.session.scalar(sa.select(ElearningLaunch).where(
        ElearningLaunch.fetch_token_hash == hash_fetch_token(token)))
    if row is None or row.fetched_at is not None or row.abandoned_at is not None:
        return {"error-code": "1", "error-text": "This fetch URL was already used or is unknown."}
    unit = db.session.get(ElearningUnit, row.unit_id)
    package = db.session.get(ElearningPackage, unit.package_id)
    credential = mint_launch_credential(
        user_id=row.user_id, activity_id=unit_activity_id(unit, package), registration=row.registration,
        lifetime_seconds=int(current_app.config["XAPI_LAUNCH_CREDENTIAL_SECONDS"]))
    row.fetched_at = utcnow()
    row.credential_key = credential.username
    token_value = base64.b64encode(f"{credential.username}:{credential.password}".encode()).decode()
    return {"auth-token": token_value}
