"""Alembic environment: the app's engine and metadata; every loaded plugin's revisions."""
from alembic import context
from flask import current_app

config = context.config
migrate_ext = current_app.extensions["migrate"]
target_metadata = migrate_ext.db.metadata


def process_revision_directives(context_, revision, directives):
    """An autogenerate that finds no change writes no empty revision file."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []


def run_migrations_online() -> None:
    configure_args = dict(migrate_ext.configure_args)
    configure_args.setdefault("process_revision_directives", process_revision_directives)
    with migrate_ext.db.engine.connect() as connection:
        # SQLite alters a table by copying it and dropping the old one (Alembic's batch mode), and
        # with foreign keys on, that drop deletes every row referring to it through ON DELETE
        # CASCADE: recreating ``quiz`` would erase all attempts. The pragma only takes effect outside
        # a transaction and the app's connections emit BEGIN themselves (lms.database), so it goes
        # straight to the driver's connection before anything begins; it is restored after, as the
        # pooled connection serves the app next.
        raw = connection.connection.dbapi_connection if connection.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(connection=connection, target_metadata=target_metadata, **configure_args)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if raw is not None:
                connection.rollback()  # nothing is left open after a failure; the pragma needs that
                raw.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    context.configure(url=str(migrate_ext.db.engine.url), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
