"""SCORM run-time tracking (services: they never commit).

The player sends the CMI data model flattened (``{"cmi.core.lesson_status": "passed", …}``, the
``flattened`` commit format of scorm-again). Each commit replaces the attempt's stored CMI data and
its summary columns; then the lesson's progress is re-evaluated, so course completion and the
certificate follow the usual rules.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from lms.courses.progress import complete_lesson, start_lesson
from lms.elearning.models import ElearningPackage, ElearningUnit
from lms.elearning.scorm_import import DEFAULT_SETTINGS
from lms.elearning.scorm_models import ScormAttempt
from lms.extensions import db
from lms.timeutil import utcnow

MAX_CMI_KEYS = 20000
MAX_VALUE_CHARS = 64000  # SCORM 2004 4th edition allows 64000 characters of suspend data
COMPLETED_12 = ("completed", "passed", "failed")
DURATION_2004 = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
                           r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


class CmiRefused(ValueError):
    """The commit is not a flat mapping of CMI element names to short strings."""


def clean_cmi(data) -> dict[str, str]:
    """Keep ``cmi.*``/``adl.*`` elements as flat strings; nested collections are flattened, empty ones dropped."""
    if not isinstance(data, dict):
        raise CmiRefused("cmi must be an object")
    cleaned: dict[str, str] = {}
    flatten(data, "", cleaned)
    return cleaned


def flatten(value, key: str, into: dict[str, str]) -> None:
    if isinstance(value, (dict, list)):
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        for name, inner in pairs:
            flatten(inner, f"{key}.{name}" if key else str(name), into)
        return
    if not key.startswith(("cmi.", "adl.")) or len(key) > 255:
        raise CmiRefused(f"unknown element {key[:80]!r}")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) and value is not None:
        raise CmiRefused(f"{key}: value must be a string or a number")
    text = "" if value is None else str(value)
    if len(text) > MAX_VALUE_CHARS:
        raise CmiRefused(f"{key}: value longer than {MAX_VALUE_CHARS} characters")
    if len(into) >= MAX_CMI_KEYS:
        raise CmiRefused("cmi must have at most %d elements" % MAX_CMI_KEYS)
    into[key] = text


def seconds_of(duration: str) -> float:
    """SCORM 1.2 ``HHHH:MM:SS.SS`` or SCORM 2004 ISO 8601 ``PT1H2M3.5S``; 0 for anything else."""
    duration = (duration or "").strip()
    if ":" in duration:
        parts = duration.split(":")
        try:
            hours, minutes, seconds = (float(p) for p in parts) if len(parts) == 3 else (0.0, 0.0, 0.0)
        except ValueError:
            return 0.0
        return hours * 3600 + minutes * 60 + seconds
    match = DURATION_2004.match(duration)
    if not match or duration in ("P", "PT"):
        return 0.0
    years, months, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds


def to_float(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def summary(cmi: dict[str, str], version: str, mastery_score: float | None) -> dict:
    """Completion, success, score, location, exit and session time, whatever the SCORM version."""
    if version == "1.2" or "cmi.core.lesson_status" in cmi:
        status = cmi.get("cmi.core.lesson_status", "not attempted")
        raw = to_float(cmi.get("cmi.core.score.raw"))
        maximum = to_float(cmi.get("cmi.core.score.max")) or 100.0
        success = {"passed": "passed", "failed": "failed"}.get(status, "unknown")
        if mastery_score is not None and raw is not None and status in COMPLETED_12:
            # SCORM 1.2 RTE 3.4.2: the LMS decides passed/failed from the mastery score.
            success = "passed" if raw >= mastery_score else "failed"
        completion = "completed" if status in COMPLETED_12 else (
            "incomplete" if status in ("incomplete", "browsed") else "not attempted")
        return {"completion_status": completion, "success_status": success, "score_raw": raw,
                "score_scaled": None if raw is None else max(-1.0, min(1.0, raw / maximum)),
                "location": cmi.get("cmi.core.lesson_location", ""), "exit": cmi.get("cmi.core.exit", ""),
                "session_seconds": seconds_of(cmi.get("cmi.core.session_time", ""))}
    raw = to_float(cmi.get("cmi.score.raw"))
    scaled = to_float(cmi.get("cmi.score.scaled"))
    if scaled is None and raw is not None:
        maximum = to_float(cmi.get("cmi.score.max")) or 100.0
        scaled = max(-1.0, min(1.0, raw / maximum))
    return {"completion_status": cmi.get("cmi.completion_status", "not attempted") or "unknown",
            "success_status": cmi.get("cmi.success_status", "unknown") or "unknown",
            "score_raw": raw, "score_scaled": scaled, "location": cmi.get("cmi.location", ""),
            "exit": cmi.get("cmi.exit", ""), "session_seconds": seconds_of(cmi.get("cmi.session_time", ""))}


def settings_of(package: ElearningPackage) -> dict:
    return {**DEFAULT_SETTINGS, **((package.manifest or {}).get("settings") or {})}


def current_attempt(user_id: int, unit_id: int) -> ScormAttempt | None:
    return db.session.scalar(sa.select(ScormAttempt).where(ScormAttempt.user_id == user_id,
                                                           ScormAttempt.unit_id == unit_id)
                             .order_by(ScormAttempt.number.desc()).limit(1))


def unit_done(attempt: ScormAttempt | None, settings: dict, scorm_type: str) -> bool:
    """Whether one SCO (or asset) meets what the author chose to complete the lesson."""
    if attempt is None:
        return False
    if scorm_type == "asset":
        return True  # an asset counts as completed once launched (SCORM CAM)
    rule = settings.get("complete_on", "completed")
    if rule == "passed":
        return attempt.success_status == "passed"
    if rule == "score":
        minimum = float(settings.get("min_score") or 0)
        return attempt.score_scaled is not None and attempt.score_scaled * 100 >= minimum
    return attempt.completion_status == "completed" or attempt.success_status == "passed"


def launch(user_id: int, unit: ElearningUnit, version: str, fresh: bool = False
           ) -> tuple[ScormAttempt, dict[str, str], str]:
    """Open (or create) the attempt the learner plays now: (attempt, CMI data to load, mode).

    A suspended attempt resumes with its data (on any device); a finished attempt is either
    reviewed or replaced by a new attempt, as the author chose; ``fresh`` (sequencing retried the
    activity) always starts a new one.
    """
    package = db.session.get(ElearningPackage, unit.package_id)
    settings = settings_of(package)
    attempt = current_attempt(user_id, unit.id)
    if unit.lesson_id:
        start_lesson(user_id, unit.lesson_id)
    mode = "normal"
    if attempt is not None and fresh:
        attempt.finished_at = attempt.finished_at or utcnow()
        attempt = None
    if attempt is not None and attempt.finished_at is not None:
        if unit_done(attempt, settings, "sco") and settings.get("attempts") == "review":
            mode = "review"
        else:
            attempt = None
    if attempt is None:
        previous = current_attempt(user_id, unit.id)
        attempt = ScormAttempt(user_id=user_id, unit_id=unit.id, number=(previous.number + 1) if previous else 1,
                               cmi={}, commits=0, total_seconds=0.0, session_seconds=0.0, location="",
                               completion_status="not attempted", success_status="unknown")
        db.session.add(attempt)
        db.session.flush()
    attempt.session_seconds = 0.0  # a new session: its time starts from zero
    # Write-only and per-session elements are not handed back to the SCO.
    resume = {key: value for key, value in (attempt.cmi or {}).items()
              if not key.endswith((".session_time", ".exit", ".entry", "._children", "._count"))
              and not key.startswith(("adl.data.", "adl.nav."))}  # stores are read afresh; requests are per session
    if mode == "normal" and attempt.finished_at is None and resume:
        resume["cmi.core.entry" if version == "1.2" else "cmi.entry"] = "resume"
    resume.update(lms_values(user_id, unit, version, mode))
    if (unit.details or {}).get("scorm_type") == "asset":
        record_asset(user_id, unit)
    return attempt, resume, mode


def lms_values(user_id: int, unit: ElearningUnit, version: str, mode: str) -> dict[str, str]:
    """The read-only elements the LMS supplies: the learner, credit, mastery score, launch data."""
    from lms.auth.models import User

    user = db.session.get(User, user_id)
    details = unit.details or {}
    name = (user.name or user.email) if user else ""
    credit = "no-credit" if mode == "review" else "credit"
    if version == "1.2":
        values = {"cmi.core.student_id": str(user_id), "cmi.core.student_name": name, "cmi.core.credit": credit,
                  "cmi.launch_data": details.get("data_from_lms") or ""}
        if unit.mastery_score is not None:
            values["cmi.student_data.mastery_score"] = f"{unit.mastery_score:g}"
        return values
    values = {"cmi.learner_id": str(user_id), "cmi.learner_name": name, "cmi.credit": credit,
              "cmi.mode": mode, "cmi.launch_data": details.get("data_from_lms") or ""}
    if details.get("completion_threshold") is not None:
        values["cmi.completion_threshold"] = f"{details['completion_threshold']:g}"
    return values


def record_asset(user_id: int, unit: ElearningUnit) -> None:
    attempt = current_attempt(user_id, unit.id)
    attempt.completion_status = "completed"
    attempt.finished_at = attempt.finished_at or utcnow()
    evaluate_lesson(user_id, unit.package_id, unit.lesson_id)


def record_commit(user_id: int, unit: ElearningUnit, cmi: dict[str, str], version: str, finished: bool
                  ) -> ScormAttempt:
    """Store one commit of the learner's current attempt and re-evaluate the lesson."""
    attempt = current_attempt(user_id, unit.id)
    if attempt is None:
        attempt, _resume, _mode = launch(user_id, unit, version)
    # Session time is per session and a later commit of the same session repeats it (grown), so
    # only the growth since this session's last commit counts; launch() resets it between sessions.
    previous_session = attempt.session_seconds or 0.0
    merged = {**(attempt.cmi or {}), **cmi}
    values = summary(merged, version, unit.mastery_score)
    before = (attempt.completion_status, attempt.success_status, attempt.score_scaled)
    attempt.cmi = merged
    attempt.completion_status = values["completion_status"][:20]
    attempt.success_status = values["success_status"][:20]
    attempt.score_raw, attempt.score_scaled = values["score_raw"], values["score_scaled"]
    attempt.location = values["location"][:1000]
    attempt.total_seconds = (attempt.total_seconds or 0.0) + max(0.0, values["session_seconds"] - previous_session)
    attempt.session_seconds = values["session_seconds"]
    attempt.commits = (attempt.commits or 0) + 1
    attempt.updated_at = utcnow()
    if finished and values["exit"] != "suspend":
        attempt.finished_at = utcnow()
    db.session.flush()
    # Most commits carry only a bookmark and suspend data: the lesson is re-evaluated only when a
    # status or the score moved, or the session ended.
    if finished or before != (attempt.completion_status, attempt.success_status, attempt.score_scaled):
        evaluate_lesson(user_id, unit.package_id, unit.lesson_id)
    return attempt


def package_states(user_id: int, package_id: int) -> dict[str, ScormAttempt]:
    """The latest attempt of every unit of the package, by unit identifier."""
    rows = db.session.execute(
        sa.select(ElearningUnit.identifier, ScormAttempt).join(ScormAttempt, ScormAttempt.unit_id == ElearningUnit.id)
        .where(ElearningUnit.package_id == package_id, ScormAttempt.user_id == user_id)
        .order_by(ScormAttempt.number)).all()
    return {identifier: attempt for identifier, attempt in rows}


def evaluate_lesson(user_id: int, package_id: int, lesson_id: int | None) -> bool:
    """Complete the lesson when every SCO/asset meets the author's rule (SCORM 2004: the rolled-up course)."""
    if lesson_id is None:
        return False
    from lms.elearning.scorm_sequencing import Sequencer

    package = db.session.get(ElearningPackage, package_id)
    settings = settings_of(package)
    states = package_states(user_id, package_id)
    units = db.session.scalars(sa.select(ElearningUnit).where(ElearningUnit.package_id == package_id)).all()
    if package.kind == "scorm2004":
        root = Sequencer.from_manifest(package.manifest, states).root_status()
        if settings.get("complete_on") == "passed":
            done = root["satisfied"] is True
        elif settings.get("complete_on") == "score":
            done = all(unit_done(states.get(u.identifier), settings, (u.details or {}).get("scorm_type", "sco"))
                       for u in units)
        else:
            done = root["completed"] is True
    else:
        done = all(unit_done(states.get(u.identifier), settings, (u.details or {}).get("scorm_type", "sco"))
                   for u in units)
    if done:
        complete_lesson(user_id, lesson_id)
    return done
