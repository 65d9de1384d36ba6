"""Every page, as every role, in English shows no Russian outside user content (issue 25).

The portal is crawled as each role the way the route fuzzer crawls it (route_fuzz_kit), with
every demo account's language set to English. What the people using the portal typed (course
titles, dealer names, lesson bodies, answers) is Russian in the demo data and may stay so; what
the portal itself says may not. So each page's visible text is read, and any Russian word on it
that appears nowhere in the database or the settings is interface text left untranslated.
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from route_fuzz_kit import ROLES, TOKEN_ROLE, Sessions, build_world, every_page, new_api_token

RUSSIAN_WORD = re.compile(r"[А-Яа-яЁё][А-Яа-яЁё\-]*")
# The language switch names each language in itself, as every multilingual site does.
AUTONYMS = {"русский"}


class VisibleText(HTMLParser):
    """The text a reader sees or hears: element text and the labels in alt/title/aria-label/placeholder."""

    SKIP = {"script", "style", "template"}
    SPOKEN = {"alt", "title", "aria-label", "placeholder", "value"}

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        attributes = dict(attrs)
        if not (tag == "input" and attributes.get("type") in ("submit", "button", "reset")):
            # Only a button-like input shows its value; a field's or an option's value is what
            # someone typed or a code the form sends back, never read by anyone.
            attributes.pop("value", None)
        self.parts += [value for name, value in attributes.items() if name in self.SPOKEN and value]

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def user_content_words(app) -> set[str]:
    """Every Russian word stored in any text column, or in a setting (names the operator chose)."""
    from lms.extensions import db

    words = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
            if not columns:
                continue
            for row in db.session.execute(sa.select(*columns)):
                for value in row:
                    if value is not None:
                        words.update(w.lower() for w in RUSSIAN_WORD.findall(str(value)))
    for value in app.config.values():
        words.update(w.lower() for w in RUSSIAN_WORD.findall(str(value)))
    return words


@pytest.fixture
def english_portal(app_factory, demo):
    from lms.auth.models import User
    from lms.extensions import db

    app = app_factory(PROPAGATE_EXCEPTIONS=False, VERIFY_RATE_LIMIT="1000000/minute")
    build_world(app)
    with app.app_context():
        db.session.execute(sa.update(User).values(locale="en"))
        db.session.commit()
    return app


def test_no_page_shows_russian_interface_text_in_english(english_portal):
    app = english_portal
    sessions = Sessions(app, lambda: new_api_token(app))
    for role in ROLES:  # the anonymous visitor chooses English as a browser does
        sessions.roles[role].headers["Accept-Language"] = "en"
    sessions.roles.pop(TOKEN_ROLE, None)
    pages = every_page(app, sessions)
    assert len(pages) >= 100, len(pages)
    stored = sorted(user_content_words(app) | AUTONYMS)

    def typed_by_someone(word: str) -> bool:
        """Stored somewhere, whole or cut short (a long title is shortened with "…" on some pages)."""
        at = bisect.bisect_left(stored, word)
        return at < len(stored) and (stored[at] == word or (len(word) >= 2 and stored[at].startswith(word)))

    untranslated = defaultdict(set)
    for role, url, html in pages:
        for word in RUSSIAN_WORD.findall(visible_text(html)):
            if not typed_by_someone(word.lower()):
                untranslated[word].add(f"{role} {url.split('?')[0]}")
    report = [f"{word}: {', '.join(sorted(where)[:3])}" for word, where in sorted(untranslated.items())]
    assert not report, f"{len(report)} Russian words in the English interface:\n" + "\n".join(report)




# Latin words a Russian interface rightly shows: names of formats, standards, products and the
# portal's own commands. Anything else in Latin is an untranslated label or a raw stored code.
LATIN_TERMS = {
    # file formats and protocols
    "pdf", "csv", "xlsx", "pptx", "json", "gif", "webp", "png", "txt", "jpeg", "jpg", "svg", "zip", "mp4", "webm",
    "html", "markdown", "gift", "https", "http", "e-mail", "email", "url", "utc", "sha", "hmac", "bearer", "post",
    # standards and their own terms (xAPI's LRS and statements resource, JWT's kid, X.509's CN and O)
    "api", "openapi", "sso", "jwt", "vc-jwt", "jwks", "kid", "cn", "o", "pades", "xapi", "lrs", "statements",
    "scorm", "cmi5", "open", "badge", "badges", "webhook", "webhooks", "nps", "id",
    "tin", "can",  # "Tin Can", the e-learning standard's own name (a package kind)
    # products people know by name
    "javascript", "moodle", "youtube", "vimeo", "rutube", "outlook", "google", "apple", "harfbuzz", "fonttools",
    # the portal's name, its CLI (`lms worker`), the language switch's autonym, and "OK"/"x" marks
    "lms", "worker", "english", "x", "ok",
}
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z\-]*\b(…)?")
# Dotted lower-case names (certificate.issued, course.completed) are webhook event names: API
# identifiers a subscriber types into code, the same in every language.
EVENT_NAME = re.compile(r"(?<![\w.-])[a-z_]+(?:\.[a-z_]+)+\b")  # not a file name's tail ("skhema.png")


class ProseText(VisibleText):
    """Visible text without code samples: <code>/<kbd>/<samp> hold identifiers (plugin, hook and
    event names, column names, certificate subjects) that are the same in every language."""

    SKIP = VisibleText.SKIP | {"code", "kbd", "samp"}


# Columns holding codes the portal chose (a dealer's tier, a question's type, an order's status):
# their values are what must be shown as translated labels, so they do not count as user content.
CODE_COLUMNS = {"tier", "qtype", "status", "from_status", "to_status", "kind", "role", "locale", "state"}


def stored_latin_words(app) -> list[str]:
    """Every Latin word people stored in a text or JSON column (course content, question options...)."""
    from lms.extensions import db

    words = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))
                       and c.name not in CODE_COLUMNS]
            for row in db.session.execute(sa.select(*columns)) if columns else ():
                for value in row:
                    if value is not None:
                        words.update(m.group(0).rstrip("…").lower() for m in LATIN_WORD.finditer(str(value)))
    return sorted(words)


def test_no_page_shows_english_interface_text_or_raw_values_in_russian(app_factory, demo):
    """The reverse: in Russian, no English interface words, raw enum values ("single_choice",
    "gold"), booleans ("True") or codes ("KB") outside what people typed."""
    app = app_factory(PROPAGATE_EXCEPTIONS=False, VERIFY_RATE_LIMIT="1000000/minute")
    build_world(app)
    sessions = Sessions(app, lambda: new_api_token(app))
    sessions.roles.pop(TOKEN_ROLE, None)
    pages = every_page(app, sessions)
    assert len(pages) >= 100, len(pages)
    stored = stored_latin_words(app)

    def typed_by_someone(word: str, cut_short: bool) -> bool:
        """Stored somewhere, whole or (when the page shortened it with "…") as a word's start."""
        at = bisect.bisect_left(stored, word)
        return at < len(stored) and (stored[at] == word or (cut_short and stored[at].startswith(word)))

    untranslated = defaultdict(set)
    for role, url, html in pages:
        parser = ProseText()
        parser.feed(html)
        text = EVENT_NAME.sub(" ", " ".join(parser.parts))
        for match in LATIN_WORD.finditer(text):
            word = match.group(0).rstrip("…").rstrip("-").lower()  # "API-токены": the Latin part is "API"
            if word not in LATIN_TERMS and not typed_by_someone(word, bool(match.group(1))):
                untranslated[word].add(f"{role} {url.split('?')[0]}")
    report = [f"{word}: {', '.join(sorted(where)[:3])}" for word, where in sorted(untranslated.items())]
    assert not report, f"{len(report)} English words in the Russian interface:\n" + "\n".join(report)
