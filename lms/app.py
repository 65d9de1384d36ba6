"""The app factory: config → extensions → plugin manager → blueprints → app-created hooks."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import config as config_module
from lms import input_guard, observability
from lms.config import ConfigurationError
from lms.database import configure_postgresql, configure_sqlite, database_uri, engine_options
from lms.extensions import csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(config: dict | None = None, plugins=()) -> Flask:
    """Build a portal app. ``config`` overrides env vars and defaults; ``plugins`` are extra
    plugin objects (modules or instances) to register, as tests do."""
    instance_path = os.environ.get("LMS_INSTANCE_PATH") or (config or {}).get("INSTANCE_PATH")
    app = Flask(
        "lms",
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(Path(__file__).resolve().parent / "static"),
    )
    load_config(app, config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    check_secret_key(app)
    from lms import storage

    storage.init_app(app)  # a bad STORAGE_URL stops start-up here, with a message
    observability.init_app(app)  # request ids, log format, latency: before every other request check
    input_guard.init_app(app)  # first of the request checks; bounds <int:…> before any route exists
    init_extensions(app)

    from lms.plugins import make_plugin_manager

    pm = make_plugin_manager(app, plugins)
    app.extensions["lms"] = pm

    from lms import web

    web.init_app(app)
    pm.hook.lms_register_blueprints(app=app)
    from lms import i18n

    i18n.init_app(app, pm)
    from lms.commands import register_app_commands

    register_app_commands(app)
    pm.hook.lms_app_created(app=app)
    if int(app.config.get("TRUSTED_PROXIES") or 0) > 0:
        # Behind N proxies the client address and scheme come from their X-Forwarded-* headers. Wrapped
        # last, so outermost: the WSGI fast paths domains install (signed downloads, the autosave) see them too.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def load_config(app: Flask, overrides: dict | None) -> None:
    """Defaults, then ``LMS_*`` environment variables, then explicit overrides."""
    app.config.from_object(config_module.DefaultConfig)
    app.config.from_prefixed_env("LMS")
    if overrides:
        app.config.update(overrides)
    uri = database_uri(app.config, app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri, int(app.config["DATABASE_POOL_SIZE"])))


def check_secret_key(app: Flask) -> None:
    """Refuse a missing or shipped secret key outside debug, testing and demo mode."""
    key = app.config.get("SECRET_KEY")
    if app.config.get("DEMO") and (not key or key == config_module.DEFAULT_SECRET_KEY):
        app.config["SECRET_KEY"] = demo_secret_key(Path(app.instance_path))
        return
    if app.debug or app.testing:
        return
    if not key or key == config_module.DEFAULT_SECRET_KEY or len(str(key)) < 16:
        raise ConfigurationError(
            "LMS_SECRET_KEY is not set (or is the shipped default, or shorter than 16 characters). "
            "Sessions and CSRF tokens would be forgeable. Set it to a long random value, e.g. "
            "export LMS_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )


def demo_secret_key(instance: Path) -> str:
    """A random key kept in the instance folder, so demo sessions survive restarts."""
    path = instance / "demo-secret-key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def set_version_locations(alembic_config):
    """Alembic reads revisions from every loaded plugin's folder (core domains included)."""
    from lms.plugins import plugin_manager

    folders = [folder for dirs in plugin_manager().hook.lms_migration_dirs() for folder in dirs or ()]
    # Alembic splits this option on the separator below, so paths with spaces still work.
    alembic_config.set_main_option("path_separator", "os")
    alembic_config.set_main_option("version_locations", os.pathsep.join(folders))
    return alembic_config


migrate.configure(set_version_locations)


def init_extensions(app: Flask) -> None:
    """Bind the extensions; SQLite engines get WAL and immediate write transactions, PostgreSQL ones a ping."""
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        elif db.engine.dialect.name == "postgresql":
            configure_postgresql(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    from lms.web import mark_cookies_secure

    app.after_request(mark_cookies_secure)  # before Flask-Login's, so it runs after it
    login_manager.init_app(app)
