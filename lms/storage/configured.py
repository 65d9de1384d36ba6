"""The one storage setting, ``STORAGE_URL``, read into a backend; a bad value stops start-up with a clear message.

``file:///srv/lms-files`` (or a plain absolute path) is a local folder, possibly a shared mount;
``s3://bucket/prefix`` is S3-compatible object storage, reached with the ``STORAGE_S3_*`` settings.
Empty (the default) is the instance folder, where older versions kept their files.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from lms.config import ConfigurationError
from lms.storage.backends import Backend, LocalBackend

SERVE_MODES = ("app", "x-accel-redirect", "x-sendfile")


def backend_from_config(config, instance_path: str) -> Backend:
    """Build the backend ``config`` names; raise ``ConfigurationError`` saying what to change."""
    url = (config.get("STORAGE_URL") or "").strip()
    mode = (config.get("STORAGE_SERVE_MODE") or "app").strip().lower()
    if mode not in SERVE_MODES:
        raise ConfigurationError(f"LMS_STORAGE_SERVE_MODE must be one of {', '.join(SERVE_MODES)}, not {mode!r}.")
    if mode == "x-accel-redirect" and not (config.get("STORAGE_ACCEL_PREFIX") or "").startswith("/"):
        raise ConfigurationError("LMS_STORAGE_SERVE_MODE=x-accel-redirect needs LMS_STORAGE_ACCEL_PREFIX, the "
                                 "internal nginx location of the storage folder (e.g. /protected-files/).")
    if not url:
        return LocalBackend(Path(instance_path))
    if url.startswith("/"):
        return LocalBackend(Path(url))
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ConfigurationError(f"LMS_STORAGE_URL {url!r}: a local folder is written file:///absolute/path.")
        return LocalBackend(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if mode == "x-sendfile":
            raise ConfigurationError("LMS_STORAGE_SERVE_MODE=x-sendfile needs a local folder in LMS_STORAGE_URL, "
                                     "not object storage.")
        from lms.storage.s3 import backend_from_url

        return backend_from_url(url, config)
    raise ConfigurationError(f"LMS_STORAGE_URL {url!r} is neither file:///path nor s3://bucket/prefix.")
