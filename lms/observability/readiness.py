"""Readiness: may a load balancer send this node traffic? The database answers, the storage
takes a write, and the schema is at every Alembic branch's head.

``/healthz`` stays the cheap liveness check (is the process up, does the database answer);
``/readyz`` is what a load balancer or a deployment waits for after ``lms init``. Each failure is
named in the response (without internals: those are logged).
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db

logger = logging.getLogger(__name__)
_SCRIPTS_KEY = "lms_migration_scripts"


def migration_scripts(app):
    """Every Alembic branch the loaded domains and plugins ship, read once per app (the migration
    files do not change while the portal runs)."""
    scripts = app.extensions.get(_SCRIPTS_KEY)
    if scripts is None:
        from alembic.script import ScriptDirectory

        config = app.extensions["migrate"].migrate.get_config()
        scripts = app.extensions[_SCRIPTS_KEY] = ScriptDirectory.from_config(config)
    return scripts


def pending_migrations(current: tuple[str, ...]) -> list[str]:
    """The revisions ``upgrade heads`` would still apply to a database at ``current``.

    Not a comparison of ``current`` with the heads: Alembic leaves out of its version table a
    branch's head that another branch depends on. A revision this code does not know (a newer
    release ran against the database) counts as pending too: this code is not the schema's.
    """
    from alembic.script.revision import RevisionError

    revision_map = migration_scripts(current_app._get_current_object()).revision_map
    try:
        return [script.revision for script in revision_map.iterate_revisions("heads", current, implicit_base=True)]
    except RevisionError as error:
        return [f"unknown: {error}"]


def check_database() -> str:
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        logger.warning("Readiness: the database does not answer", exc_info=True)
        return "unreachable"
    return "ok"


def check_storage() -> str:
    from lms import storage

    try:
        storage.ping()
    except Exception:  # any failure of a backend (OS, network, S3 error) means: not ready
        logger.warning("Readiness: the file storage failed its probe", exc_info=True)
        return "unavailable"
    return "ok"


def check_migrations() -> str:
    from alembic.runtime.migration import MigrationContext

    try:
        current = MigrationContext.configure(db.session.connection()).get_current_heads()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        logger.warning("Readiness: the migration state could not be read", exc_info=True)
        return "unknown"
    finally:
        db.session.rollback()
    pending = pending_migrations(tuple(current))
    if not pending:
        return "ok"
    logger.warning("Readiness: migrations not at head (%s to apply); run `lms init`", ", ".join(pending))
    return "not at head"


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check; ``(ready, {check: "ok" or what failed})``."""
    results = {"database": check_database()}
    results["storage"] = check_storage()
    results["migrations"] = check_migrations() if results["database"] == "ok" else "unknown"
    return all(value == "ok" for value in results.values()), results
