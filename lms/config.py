"""Configuration defaults; every key can be overridden by an ``LMS_<KEY>`` environment variable."""

# The shipped key is public; create_app refuses it outside debug, testing and demo mode.
DEFAULT_SECRET_KEY = "insecure-development-key-change-me"


class ConfigurationError(RuntimeError):
    """The portal cannot start with this configuration; the message says what to change."""


class DefaultConfig:
    """Defaults for every setting the portal reads. Documented one by one in the README."""

    SECRET_KEY = DEFAULT_SECRET_KEY
    # None means: a SQLite file ``lms.sqlite3`` in the instance folder.
    DATABASE_URL = None
    # Connections each server process keeps open. At least gunicorn's --threads: a smaller pool
    # opens and closes a connection for every request beyond it (on PostgreSQL a new server
    # process each time, measured as the largest cost of an answer save under load).
    DATABASE_POOL_SIZE = 10
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # Comma-separated plugin names (entry-point names) that must not be loaded.
    DISABLED_PLUGINS = ""
    # Used by ``lms init`` to create the first admin without prompting.
    ADMIN_EMAIL = None
    ADMIN_PASSWORD = None
    # A demo instance generates and keeps its own secret key in the instance folder.
    DEMO = False

    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Europe/Moscow"
    LANGUAGES = ("ru", "en")
    PORTAL_NAME = "Обучение дилеров"

    # Upper bound for any request body; per-kind upload limits are checked separately.
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session: long lectures, long exams
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # Minimum password length for local accounts.
    PASSWORD_MIN_LENGTH = 8
    # Sign-in throttling: failures allowed per account and per client address within the window.
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    # Certificate PDFs (50-500 ms of CPU each) rendered by ``lms worker`` instead of the request
    # that completed the course: recommended with more than a few concurrent learners. Needs
    # PUBLIC_BASE_URL (the worker has no request to take the QR code's host from).
    CERTIFICATE_PDF_IN_WORKER = False
    # A certificate still without its PDF this long after issue is rendered by its first download
    # (the worker is down or behind); until then the download page asks to retry shortly.
    CERTIFICATE_PDF_WAIT_SECONDS = 60
    # Number of reverse proxies in front of the portal whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = 0
