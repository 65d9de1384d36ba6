"""Configuration defaults; every key can be overridden by an ``LMS_<KEY>`` environment variable."""

# The shipped key is public; create_app refuses it outside debug, testing and demo mode.
DEFAULT_SECRET_KEY = "insecure-development-key-change-me"


class ConfigurationError(RuntimeError):
    """The portal cannot start with this configuration; the message says what to change."""


class DefaultConfig:
    """The one default of every core setting; each is documented in ``docs/configuration.md``
    (a test fails while one is missing there). Plugins keep theirs in their own ``settings.py``."""

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
    # Sign-in throttling (lms.auth.throttle): failures allowed within the window per account from
    # one address and per address; past the account's soft limit (failures from every address) each
    # address gets one try at that account. No limit ever locks an account for everyone.
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 100
    # Certificate PDFs (50-500 ms of CPU each) rendered by ``lms worker`` instead of the request
    # that completed the course: recommended with more than a few concurrent learners. Needs
    # PUBLIC_BASE_URL (the worker has no request to take the QR code's host from).
    CERTIFICATE_PDF_IN_WORKER = False
    # A worker's claim on a certificate's PDF render; a killed worker's renders are taken over after it.
    CERTIFICATE_PDF_LEASE_SECONDS = 120
    # Lifetime of the signed download links that certificate pages emit (served without loading the
    # account); a link lives one to two lifetimes and a browser may cache the file that long.
    CERTIFICATE_LINK_SECONDS = 3600
    # Number of reverse proxies in front of the portal whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = 0
    # The portal's absolute address in QR codes and badges; None derives it from SERVER_NAME.
    PUBLIC_BASE_URL = None
    # Public /verify requests allowed per client address, counted across all processes and nodes
    # ("N/second|minute|hour|day").
    VERIFY_RATE_LIMIT = "60/minute"
    # Older-version certificates stay valid this long after a recertifying version is published.
    CERT_RECERTIFICATION_GRACE_DAYS = 90
    # The organisation's signing key and certificate (PEM, or PKCS#12 in the key); None: a dev pair.
    CERT_SIGNING_KEY = None
    CERT_SIGNING_CERT = None
    CERT_SIGNING_PASSPHRASE = None
    # Intermediate certificate files, comma-separated or a list.
    CERT_SIGNING_CHAIN = None
    # SMTP for every e-mail (sent by `lms worker` from the outbox); without a host the outbox waits.
    MAIL_SMTP_HOST = None
    MAIL_SMTP_PORT = 587
    MAIL_SMTP_STARTTLS = True
    MAIL_SMTP_USER = None
    MAIL_SMTP_PASSWORD = None
    # None: noreply@SERVER_NAME (or noreply@localhost).
    MAIL_FROM = None
    # Implicit TLS (SMTPS, usually port 465) instead of STARTTLS.
    MAIL_SMTP_SSL = False
    MAIL_SMTP_TIMEOUT = 30
    # A worker's claim on an e-mail: after this a killed worker's e-mails are sent by another.
    MAIL_LEASE_SECONDS = 300
    # Tries before an e-mail is marked failed (retries back off from 1 minute up to 6 hours).
    MAIL_MAX_ATTEMPTS = 8
    # Hour (UTC) after which the previous day's digest notifications are e-mailed.
    NOTIFY_DIGEST_HOUR = 5
    # Password reset by e-mail: the link's lifetime, and requests allowed per window (per address, per account).
    PASSWORD_RESET_LINK_MINUTES = 60
    PASSWORD_RESET_WINDOW_MINUTES = 60
    PASSWORD_RESET_MAX_PER_ADDRESS = 10
    PASSWORD_RESET_MAX_PER_ACCOUNT = 3
    # A dealer admin's staff invitation link stays valid this many days (single use).
    INVITATION_LINK_DAYS = 7
    # Bulk import of dealers and users: rows and megabytes a file may hold.
    USER_IMPORT_MAX_ROWS = 50000
    USER_IMPORT_MAX_MB = 20
    # Assignments: the "due soon" notice goes out this many days before the due date.
    ASSIGNMENT_DUE_SOON_DAYS = 3
    # How often (seconds) each worker re-checks audiences, completions and renewals of assignments.
    ASSIGNMENT_SWEEP_SECONDS = 60
    # The learner's home lists certificates that expire within this many days.
    HOME_EXPIRING_CERTIFICATE_DAYS = 60
    # Path of the TOML file of trusted SSO issuers; None turns single sign-on off.
    SSO_ISSUERS = None
    # Where every stored file lives (docs/storage.md): None or "" is the instance folder,
    # "file:///path" a local folder (may be a shared mount), "s3://bucket/prefix" object storage.
    STORAGE_URL = None
    # S3-compatible storage: endpoint (None: AWS), region and credentials (None: boto3's usual chain).
    STORAGE_S3_ENDPOINT_URL = None
    STORAGE_S3_REGION = None
    STORAGE_S3_ACCESS_KEY_ID = None
    STORAGE_S3_SECRET_ACCESS_KEY = None
    # How stored files are sent: "app" streams them, "x-accel-redirect" (nginx) and "x-sendfile"
    # (Apache, lighttpd) leave the bytes to the reverse proxy after the portal checked access.
    STORAGE_SERVE_MODE = "app"
    # The internal nginx location that maps to the storage root, for x-accel-redirect.
    STORAGE_ACCEL_PREFIX = None
    # Per-kind upload limits in MB; kinds named in an override keep the others' limits below.
    UPLOAD_LIMITS_MB = {
        "pdf": 50, "pptx": 100, "docx": 50, "xlsx": 50, "zip": 100, "txt": 5,
        "png": 10, "jpeg": 10, "gif": 10, "webp": 10, "mp4": 190, "webm": 190,
    }
    # Hosts (and their subdomains) whose video players lessons may embed; a list or comma-separated.
    VIDEO_EMBED_HOSTS = ("youtube-nocookie.com", "player.vimeo.com", "rutube.ru")
    # An answer saved this long after a quiz's deadline is still accepted (network latency).
    QUIZ_GRACE_SECONDS = 30
    # How long the worker's all-dealer report snapshots are served; 0 computes them live.
    REPORT_SNAPSHOT_MINUTES = 10
    # A worker's claim on a webhook delivery lasts this long before another worker may retry it.
    WEBHOOK_LEASE_SECONDS = 300
    # A worker whose heartbeat is older than this counts as gone: web requests then render missing
    # certificate PDFs themselves (never while a worker is alive).
    WORKER_ALIVE_SECONDS = 30
    # Optional Redis (redis://[:password@]host:port/db) for the shared rate-limit counters; unset or
    # unreachable: they are counted in the database.
    REDIS_URL = None
    # HTTP timeout of one webhook delivery.
    WEBHOOK_TIMEOUT_SECONDS = 10
    # The LRS (/xapi/): most statements per GET page (a smaller ``limit`` is honoured; ``more`` pages on).
    XAPI_STATEMENTS_PAGE_LIMIT = 100
    # Lifetime of a launched package's credential when its minter does not say (at most a day).
    XAPI_LAUNCH_CREDENTIAL_SECONDS = 3600
    # E-learning packages (docs/elearning.md): the separate origin package files are served from
    # ("http://content.example:443"); None serves them only where "lms demo" sets one up itself.
    ELEARNING_CONTENT_ORIGIN = None
    # Lifetime of a learner's signed URL to one package's files.
    ELEARNING_CONTENT_TOKEN_SECONDS = 4 * 3600
    # Upload checks: the zip's size, its number of entries, the unpacked total and the largest
    # compression ratio of one entry (text compresses ~10:1; a zip bomb 1000:1 and more).
    ELEARNING_MAX_PACKAGE_MB = 500
    ELEARNING_MAX_ENTRIES = 10000
    ELEARNING_MAX_UNPACKED_MB = 2000
    ELEARNING_MAX_COMPRESSION_RATIO = 200
    # Write the portal's own events (lessons, courses, quizzes, certificates) into the LRS as statements.
    XAPI_PORTAL_STATEMENTS = True
    # Log lines as "text" or "json" (one object per line, with the request id); the "lms" logger's level.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # One log line per request (method, path, endpoint, status, duration): for a portal not behind a
    # proxy that logs them already.
    LOG_REQUESTS = False
    # Bearer token that /metrics requires; None: nobody may scrape.
    METRICS_TOKEN = None
    # Directory of prometheus-client's multiprocess mode (gunicorn with several workers); None: per process.
    METRICS_MULTIPROC_DIR = None
