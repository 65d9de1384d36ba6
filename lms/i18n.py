"""Translations: Russian first, English too; catalogues compile themselves at start-up.

The ``.po`` files are the source of truth. Compiling them into the instance folder when they
are newer than the cached ``.mo`` means a fresh ``pip install -e .`` needs no extra step.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, has_request_context, request, session
from flask_login import current_user

from flask_babel import Babel
from lms import formatting
from lms.auth.timezones import select_timezone

CORE_TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def init_app(app, pm) -> None:
    """Compile every catalogue (core and plugins) and bind Flask-Babel with our locale choice."""
    source_dirs = [CORE_TRANSLATIONS]
    for dirs in pm.hook.lms_translation_dirs():
        source_dirs.extend(Path(d) for d in dirs or ())
    cache_root = Path(app.instance_path) / "i18n-cache"
    # One cache folder per source folder, so apps with other plugin sets never share a file.
    compiled = [
        compile_catalogues(src, cache_root / hashlib.sha256(str(src.resolve()).encode()).hexdigest()[:16])
        for src in source_dirs
    ]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(path) for path in compiled)
    # One Babel object per app: Flask-Babel caches translations on it, and apps built with
    # different plugins (tests, LMS_DISABLED_PLUGINS) must not share a catalogue.
    Babel().init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["current_locale"] = current_locale
    formatting.init_app(app)


def compile_catalogues(source: Path, target: Path) -> Path:
    """Compile ``source/<lang>/LC_MESSAGES/*.po`` into ``target``, skipping unchanged files.

    A sidecar file keeps the hash of the ``.po`` each ``.mo`` was built from: mtimes lie after
    checkouts and copies, contents do not.
    """
    for po_path in source.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        source_hash = hashlib.sha256(po_path.read_bytes()).hexdigest()
        stamp = mo_path.with_suffix(".sha256")
        if mo_path.exists() and stamp.exists() and stamp.read_text() == source_hash:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp_path = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp_path.replace(mo_path)  # atomic: concurrent workers never read half a file
        stamp.write_text(source_hash)
    return target


def select_locale() -> str:
    """The user's own choice, then the session's, then Accept-Language, then Russian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The locale of this request as a plain string, for templates (``<html lang>``)."""
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]
