"""The app's one Markdown renderer (extended by ``lms_markdown_setup``) and lesson HTML caching."""
from __future__ import annotations

import re
from collections.abc import Mapping

from flask import current_app
from flask_babel import force_locale, gettext
from markdown_it import MarkdownIt

from lms.courses.markdown import make_renderer, render_markdown


def N_(msgid: str) -> str:
    """Mark a text for translation; it is translated where it is shown."""
    return msgid


CALLOUT_TITLES = {"note": N_("Note"), "tip": N_("Tip"), "warning": N_("Warning"), "danger": N_("Danger")}
# Lesson pages live at /courses/<slug>/lessons/<lesson>, assets at /courses/<slug>/assets/<sha>:
# a relative URL keeps cached HTML right wherever the portal is mounted.
LESSON_ASSET_BASE = "../assets/"


def build_renderer(app) -> MarkdownIt:
    """Build the renderer once per app, letting every plugin's ``lms_markdown_setup`` extend it."""
    pm = app.extensions["lms"]
    return make_renderer([lambda md: pm.hook.lms_markdown_setup(md=md)])


def renderer() -> MarkdownIt:
    """The current app's renderer."""
    return current_app.extensions["lms_markdown"]


def render_course_markdown(text: str, assets: Mapping[str, str], *, language: str,
                           base: str = LESSON_ASSET_BASE) -> str:
    """Render Markdown of a course; images resolve to ``base + sha256`` of the named course asset.

    Callout titles are in the course's language, since the HTML is cached for every reader.
    """
    def resolve(name: str) -> str | None:
        sha = assets.get(name)
        return f"{base}{sha}" if sha else None

    languages = current_app.config["LANGUAGES"]
    with force_locale(language if language in languages else current_app.config["BABEL_DEFAULT_LOCALE"]):
        titles = {kind: gettext(title) for kind, title in CALLOUT_TITLES.items()}
    return render_markdown(text or "", renderer=renderer(), resolve_asset=resolve, callout_titles=titles)


_LEADING_H1 = re.compile(r"\A\s*<h1\b[^>]*>(.*?)</h1>\s*", re.S)
_TAG = re.compile(r"<[^>]+>")


def _heading_text(html: str) -> str:
    return " ".join(_TAG.sub("", html).split()).casefold()


def lesson_body_html(body_html: str, title: str) -> str:
    """The lesson's HTML for a page whose ``<h1>`` is already the lesson title.

    Lesson sources conventionally open with ``# <title>``; shown as is, the title would appear
    twice. That opening heading goes, and any other level-1 heading becomes a level-2 one so the
    page keeps a single ``<h1>`` (raw HTML is off in lessons, so every ``<h1`` is a heading).
    """
    match = _LEADING_H1.match(body_html or "")
    if match and _heading_text(match.group(1)) == _heading_text(title):
        body_html = body_html[match.end():]
    return (body_html or "").replace("<h1", "<h2").replace("</h1>", "</h2>")
