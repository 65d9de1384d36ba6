"""Lesson Markdown rendering: one safe renderer for previews and learners, with no raw HTML and vetted URLs.

Authors write CommonMark plus tables, ~~strikethrough~~, callouts and front matter:

    ::: warning Не храните рядом с топливом
    Text of the callout (any Markdown).
    :::

Callout kinds are ``note``, ``tip``, ``warning`` and ``danger``; the words after the kind are an optional
title, otherwise the title comes from ``callout_titles`` (English msgids by default, so the app can pass
translated ones). Headings level 1-3 get ``id`` anchors. A leading front matter block (``---`` lines,
TOML inside, see ``split_front_matter``) is never rendered.

Safety rules, enforced after every ``setup_hooks`` plugin has run:

* raw HTML is off (``<script>`` shows as text);
* links may only use ``http``, ``https``, ``mailto``, ``tel`` or no scheme (relative, ``#anchor``);
  anything else (``javascript:``, ``vbscript:``, ``data:``, ``file:`` …, in any case and with
  entities, percent-escapes or whitespace inside) loses its link and keeps its text;
* images come only from the course's own assets: the ``src`` is reduced to an asset name
  (``assets/plan.png`` and ``plan.png`` both give ``plan.png``) and passed to ``resolve_asset``;
  when that returns None, or the src is a URL, the image is replaced by its alt text;
* attributes named ``on*`` or ``style`` are dropped from every token, whatever plugin made them;
* external links get ``rel="noopener noreferrer"``.
"""
from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

CALLOUT_KINDS = ("note", "tip", "warning", "danger")

# English msgids; the view passes gettext'ed versions through ``callout_titles``.
DEFAULT_CALLOUT_TITLES: Mapping[str, str] = {
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
    "danger": "Danger",
}

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Browsers drop ASCII tab/newline anywhere in a URL and trim controls and spaces at its ends.
_IGNORED_URL_CHARS_RE = re.compile(r"[\x00-\x20\x7f]")
_ENV_RESOLVER = "lms_resolve_asset"
_ENV_TITLES = "lms_callout_titles"
_ENV_IMAGES = "lms_found_images"


class FrontMatterError(ValueError):
    """Front matter could not be read; ``message`` is an English msgid, ``line`` is 1-based in the file."""

    def __init__(self, line: int, message: str, **params: object) -> None:
        super().__init__(f"line {line}: {message % params if params else message}")
        self.line = line
        self.message = message
        self.params = params


_TOML_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")
_FENCE = "---"


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """Split ``text`` into (front matter, body, first line number of the body).

    Front matter is TOML (not YAML) between a first line of ``---`` and the next ``---`` line::

        ---
        title = "Хранение аммиачной селитры"
        minutes = 15
        ---
        Body Markdown…

    Without a leading ``---`` line the whole text is the body and the front matter is empty.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != _FENCE:
        return {}, text, 1
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n").rstrip() == _FENCE:
            break
    else:
        raise FrontMatterError(1, "The front matter is not closed by a line of three dashes (---).")
    source = "".join(lines[1:index])
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE_RE.search(str(error))
        line = int(match.group(1)) + 1 if match else 1
        detail = _TOML_LINE_RE.sub("", str(error)).strip()
        raise FrontMatterError(line, "The front matter is not valid TOML: %(detail)s", detail=detail) from error
    return data, "".join(lines[index + 1 :]), index + 2


def url_scheme(url: str) -> str | None:
    """Return the lower-case scheme a browser would see in ``url`` (after entities, escapes, spaces), or None."""
    probe = url
    # Undo every layer an attacker may stack: entities, then percent-escapes, twice over.
    for _ in range(2):
        probe = unquote(html.unescape(probe))
    probe = _IGNORED_URL_CHARS_RE.sub("", probe).replace("\\", "/").lower()
    match = _SCHEME_RE.match(probe)
    return match.group(1) if match else None


def is_safe_link(url: str) -> bool:
    """Tell whether ``url`` may be a link target: an allowed scheme, or relative."""
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_LINK_SCHEMES


def is_external_link(url: str) -> bool:
    """Tell whether ``url`` leaves the portal (absolute http(s) or protocol-relative)."""
    scheme = url_scheme(url)
    return scheme in {"http", "https"} or url.strip().startswith("//")


def asset_name_from_src(src: str) -> str | None:
    """Reduce an image ``src`` to a course asset name, or None when it points anywhere else.

    ``assets/a/b.png``, ``./assets/b.png`` and ``b.png`` are accepted; URLs with a scheme or host,
    absolute paths, ``..`` segments and backslashes are not.
    """
    name = unquote(src.strip())
    if not name or url_scheme(name) is not None or "\\" in name or "\x00" in name:
        return None
    if name.startswith("/") or "?" in name or "#" in name:
        return None
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if parts and parts[0] == "assets":
        parts = parts[1:]
    if not parts or any(part == ".." for part in parts):
        return None
    return "/".join(parts)


def _plain_text(tokens: Iterable[Token]) -> str:
    """Flatten inline tokens to the text a reader sees (used for an image's alt)."""
    chunks = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            chunks.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            chunks.append(" ")
        elif token.children:
            chunks.append(_plain_text(token.children))
    return "".join(chunks)


def _drop_risky_attrs(token: Token) -> None:
    for name in list(token.attrs):
        lowered = str(name).lower()
        if lowered.startswith("on") or lowered in {"style", "srcdoc", "formaction"}:
            del token.attrs[name]


def _secure_inline(
    children: list[Token], resolve_asset: Callable[[str], str | None], found_images: list | None, line: int
) -> list[Token]:
    """Return inline tokens with unsafe links unwrapped and images resolved to course assets."""
    result: list[Token] = []
    unwrapping = False
    for token in children:
        _drop_risky_attrs(token)
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not is_safe_link(href):
                unwrapping = True  # links cannot nest, so the next link_close is this one's
                continue
            if is_external_link(href):
                token.attrSet("rel", "noopener noreferrer")
        elif token.type == "link_close" and unwrapping:
            unwrapping = False
            continue
        elif token.type == "image":
            src = str(token.attrs.get("src", ""))
            name = asset_name_from_src(src)
            if found_images is not None:
                found_images.append((line, name, src))
            url = resolve_asset(name) if name is not None else None
            if url is None or not is_safe_link(url):
                alt = Token("text", "", 0)
                alt.content = _plain_text(token.children or [])
                result.append(alt)
                continue
            token.attrSet("src", url)
        elif token.attrs.get("href") is not None and not is_safe_link(str(token.attrs["href"])):
            del token.attrs["href"]
        result.append(token)
    return result


def _secure_tokens_rule(state) -> None:
    """Core rule, pushed last: vet every URL and attribute whichever plugin produced the token."""
    resolve_asset = state.env.get(_ENV_RESOLVER) or (lambda name: None)
    found_images = state.env.get(_ENV_IMAGES)
    for token in state.tokens:
        _drop_risky_attrs(token)
        if token.children:
            line = token.map[0] + 1 if token.map else 0
            token.children = _secure_inline(token.children, resolve_asset, found_images, line)


def _callout_validator(kind: str) -> Callable[..., bool]:
    def validate(params: str, *args) -> bool:
        words = params.strip().split(maxsplit=1)
        return bool(words) and words[0].lower() == kind

    return validate


def _callout_renderer(kind: str) -> Callable[..., str]:
    def render(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        if token.nesting != 1:
            return "</div>\n"
        words = token.info.strip().split(maxsplit=1)
        titles = env.get(_ENV_TITLES) or DEFAULT_CALLOUT_TITLES
        title = words[1] if len(words) > 1 else titles.get(kind, DEFAULT_CALLOUT_TITLES[kind])
        return (
            f'<div class="callout callout-{kind}" role="note">\n'
            f'<p class="callout-title"><strong>{escapeHtml(title)}</strong></p>\n'
        )

    return render


def make_renderer(setup_hooks: Iterable[Callable[[MarkdownIt], object]] = ()) -> MarkdownIt:
    """Build the one Markdown renderer of the portal; each hook gets the MarkdownIt to extend it.

    The app passes ``lambda md: pm.hook.lms_markdown_setup(md=md)``. Raw HTML stays off and the
    URL/attribute vetting runs after whatever the hooks added.
    """
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    front_matter_plugin(md)
    for kind in CALLOUT_KINDS:
        container_plugin(md, kind, validate=_callout_validator(kind), render=_callout_renderer(kind))
    anchors_plugin(md, min_level=1, max_level=3)
    for hook in setup_hooks:
        hook(md)
    md.options["html"] = False
    md.core.ruler.push("lms_secure_urls", _secure_tokens_rule)
    return md


def render_markdown(
    text: str,
    *,
    renderer: MarkdownIt,
    resolve_asset: Callable[[str], str | None],
    callout_titles: Mapping[str, str] | None = None,
) -> str:
    """Render lesson Markdown to safe HTML; images map through ``resolve_asset(name) -> URL | None``."""
    env = {_ENV_RESOLVER: resolve_asset, _ENV_TITLES: dict(callout_titles or DEFAULT_CALLOUT_TITLES)}
    return renderer.render(text, env)


def image_asset_names(text: str, *, renderer: MarkdownIt) -> list[tuple[int, str | None, str]]:
    """List ``(line number, asset name or None, raw src)`` for every image in ``text`` (1-based lines).

    Used to validate content before import: a None name is an image that is not a course asset.
    """
    found: list[tuple[int, str | None, str]] = []
    renderer.parse(text, {_ENV_IMAGES: found})
    return found
