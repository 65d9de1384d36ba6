"""Certificate rendering: sandboxed Jinja HTML from plain values, then a PDF by WeasyPrint with no outside fetches."""

import atexit
import base64
import datetime
import functools
import logging
import mimetypes
import re
import threading
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import babel
import babel.dates
import babel.numbers
import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from lms.certificates.qr import qr_svg_data_uri

log = logging.getLogger(__name__)

# Fonts, logos and other files a certificate template may use; nothing outside it is readable.
DEFAULT_ASSET_ROOT = Path(__file__).resolve().parent / "assets"
# Relative URLs in a template resolve against this base and are served from the asset root.
# ".invalid" is reserved (RFC 2606) and never resolves, so even a bug cannot reach the network.
ASSET_BASE_URL = "https://certificate-assets.lms.invalid/"
DEFAULT_TEMPLATE_PATH = (
    Path(__file__).resolve().parents[2] / "templates" / "certificates" / "pdf" / "default.html"
)

_PLAIN_SCALARS = (str, int, float, Decimal, datetime.date, datetime.datetime, type(None))


class CertificateTemplateError(ValueError):
    """A certificate template that cannot be rendered; ``message`` is an English msgid for the view to translate."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class RefusedAssetURL(ValueError):
    """WeasyPrint asked for a URL outside the certificate asset root (file:, remote, non-image data:)."""


# English source texts and their Russian versions for the default template; a caller with its own
# catalogue (Flask-Babel) may pass translated labels instead.
_LABELS = {
    "en": {
        "document_title": "Certificate",
        "heading": "Certificate",
        "subheading": "of course completion",
        "certifies": "This is to certify that",
        "dealer": "Dealer",
        "completed": "has successfully completed the course",
        "version": "Version",
        "issued": "Issued on",
        "expires": "Valid until",
        "no_expiry": "Does not expire",
        "score": "Score",
        "serial": "Serial number",
        "verify": "Scan to verify this certificate",
        "signed_note": "This document is digitally signed.",
        "quote_open": "\u201c",
        "quote_close": "\u201d",
    },
    "ru": {
        "document_title": "Сертификат",
        "heading": "Сертификат",
        "subheading": "о прохождении курса",
        "certifies": "Настоящий сертификат подтверждает, что",
        "dealer": "Дилер",
        "completed": "успешно прошёл(-ла) обучение по курсу",
        "version": "Версия",
        "issued": "Дата выдачи",
        "expires": "Действителен до",
        "no_expiry": "Бессрочный",
        "score": "Результат",
        "serial": "Серийный номер",
        "verify": "Отсканируйте, чтобы проверить подлинность",
        "signed_note": "Документ подписан электронной подписью.",
        "quote_open": "«",
        "quote_close": "»",
    },
}


def default_labels(locale: str) -> dict:
    """Return the default template's labels for ``locale`` ("ru" or "en"; other locales get English)."""
    language = (locale or "ru").replace("-", "_").split("_")[0].lower()
    return dict(_LABELS.get(language, _LABELS["en"]))


def _check_plain(value, path: str) -> None:
    """Raise TypeError unless ``value`` is built only from plain types, so no ORM object reaches a template."""
    if isinstance(value, _PLAIN_SCALARS):  # bool is an int, so it passes too
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_plain(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"certificate context key at {path} is not a string: {key!r}")
            _check_plain(item, f"{path}.{key}")
        return
    raise TypeError(f"certificate context value {path} is not a plain value: {type(value).__name__}")


def _babel_locale(ctx) -> str:
    """The context's locale if Babel knows it, else English: a bad locale must not block an issue."""
    try:
        return str(babel.Locale.parse(str(ctx.get("locale") or "ru").replace("-", "_")))
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return "en"


class Placeholder:
    """A placeholder date or score of a prepared page (``stamping``): the filters show ``shown``."""
    shown = ""


@jinja2.pass_context
def _format_date_filter(ctx, value) -> str:
    """Jinja filter: a date in the certificate's locale, e.g. "15 марта 2026 г." or "March 15, 2026"."""
    if value is None or value == "":
        return ""
    if isinstance(value, Placeholder):
        return value.shown
    if not isinstance(value, datetime.date):
        raise jinja2.TemplateRuntimeError(f"format_date expects a date, got {type(value).__name__}")
    if isinstance(value, datetime.datetime):
        value = value.date()
    return babel.dates.format_date(value, "long", locale=_babel_locale(ctx))


@jinja2.pass_context
def _format_score_filter(ctx, value) -> str:
    """Jinja filter: a 0–100 score as a percentage in the certificate's locale ("92,5%" in Russian)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Placeholder):
        return value.shown
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise jinja2.TemplateRuntimeError(f"format_score expects a number, got {type(value).__name__}")
    fraction = Decimal(str(value)) / 100
    return babel.numbers.format_percent(fraction, "#,##0.#%", locale=_babel_locale(ctx))


@functools.cache
def _sandbox() -> ImmutableSandboxedEnvironment:
    """The one sandbox for certificate templates: autoescaped, immutable, unable to load other templates."""
    # An empty loader: {% include %} and {% import %} fail cleanly instead of reading files.
    env = ImmutableSandboxedEnvironment(autoescape=True, loader=jinja2.DictLoader({}))
    env.filters["format_date"] = _format_date_filter
    env.filters["format_score"] = _format_score_filter
    return env


@functools.lru_cache(maxsize=64)
def _compile(template_source: str) -> jinja2.Template:
    """Compile once per distinct template text; courses share a handful of templates."""
    return _sandbox().from_string(template_source)


def render_certificate_html(template_source: str, context: dict) -> str:
    """Render an author's certificate template with plain values only, HTML-escaping every value."""
    _check_plain(context, "context")
    try:
        return _compile(template_source).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise CertificateTemplateError(
            "Certificate template error on line %(line)s: %(error)s",
            line=error.lineno,
            error=error.message or "",
        ) from error
    except SecurityError as error:
        raise CertificateTemplateError(
            "Certificate template uses a forbidden operation: %(error)s", error=str(error)
        ) from error
    except jinja2.TemplateError as error:
        raise CertificateTemplateError(
            "Certificate template error: %(error)s", error=str(error)
        ) from error


def default_template_source() -> str:
    """The shipped default certificate template (A4 landscape, ru/en labels from the context)."""
    return DEFAULT_TEMPLATE_PATH.read_text(encoding="utf-8")


def named_template_source(name: str | None) -> str | None:
    """A template the course builder chose: ``templates/certificates/pdf/<name>.html``, or None."""
    if not name or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
        return None
    path = DEFAULT_TEMPLATE_PATH.parent / f"{name}.html"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def certificate_context(
    *,
    learner_name: str,
    dealer_name: str,
    course_title: str,
    course_version: str,
    issued_at: datetime.date,
    expires_at: datetime.date | None,
    score: float | Decimal | None,
    serial: str,
    verify_url: str,
    issuer_name: str,
    locale: str = "ru",
    labels: dict | None = None,
    qr: bool = True,
) -> dict:
    """Build the documented template context, QR code included, from the values frozen at issue.

    ``qr=False`` leaves ``qr_data_uri`` empty, for a prepared page (``stamping``) that draws the QR code itself."""
    return {
        "learner_name": learner_name,
        "dealer_name": dealer_name,
        "course_title": course_title,
        "course_version": course_version,
        "issued_at": issued_at,
        "expires_at": expires_at,
        "score": score,
        "serial": serial,
        "verify_url": verify_url,
        "qr_data_uri": qr_svg_data_uri(verify_url) if qr else "",
        "issuer_name": issuer_name,
        "locale": locale,
        "labels": labels if labels is not None else default_labels(locale),
    }


# --- PDF ---------------------------------------------------------------------------------------

# WeasyPrint documents reusing one FontConfiguration; with system fonts (no @font-face) it is only
# read during rendering. Templates that add @font-face register fonts into it, so prefer system fonts.
_font_config = None
_font_config_lock = threading.Lock()


def _shared_font_config():
    """The process-wide FontConfiguration: building one scans fontconfig, far too slow per certificate."""
    global _font_config
    if _font_config is None:
        with _font_config_lock:
            if _font_config is None:
                from weasyprint.text.fonts import FontConfiguration

                font_subsetting_backend()  # logs the fallback once, at first use
                _font_config = FontConfiguration()
                # Released while the interpreter is whole: left to module teardown, its __del__
                # (which removes its temporary font folder) runs after shutil is gone and raises.
                atexit.register(_release_font_config)
    return _font_config


def _release_font_config() -> None:
    global _font_config
    _font_config = None


@functools.cache
def font_subsetting_backend() -> str:
    """Return "harfbuzz" when WeasyPrint subsets fonts with libharfbuzz-subset, else "fonttools" (~15x slower)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    # The same test WeasyPrint makes before subsetting (pdf/fonts.py): library present and >= 4.1.0.
    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        log.info("Certificate PDFs: fonts subset with HarfBuzz (libharfbuzz-subset0)")
        return "harfbuzz"
    log.warning(
        "Certificate PDFs: libharfbuzz-subset0 is missing, fonts are subset with the slow fontTools "
        "fallback; install libharfbuzz-subset0 (Debian/Ubuntu) for about 15x faster rendering"
    )
    return "fonttools"


def _decode_data_url(url: str) -> tuple[str, bytes]:
    """Split a ``data:`` URL into its media type and decoded bytes (RFC 2397)."""
    header, comma, payload = url[len("data:"):].partition(",")
    if not comma:
        raise RefusedAssetURL("malformed data: URL")
    params = [part.strip() for part in header.split(";")]
    media_type = (params[0] or "text/plain").lower()
    body = unquote_to_bytes(payload)
    if "base64" in (p.lower() for p in params[1:]):
        body = base64.b64decode(body, validate=False)
    return media_type, body


def _make_fetcher(base_url: str, asset_root: Path):
    """Build a WeasyPrint URL fetcher that serves only ``data:image/*`` and files under ``asset_root``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(asset_root).resolve()
    base = urlsplit(base_url)
    if base.scheme not in ("http", "https") or not base.netloc:
        raise ValueError(f"certificate asset base URL must be absolute http(s): {base_url!r}")
    base_path = base.path if base.path.endswith("/") else base.path + "/"

    class CertificateAssetFetcher(URLFetcher):
        """Never opens a socket or a file outside the asset root; WeasyPrint logs and skips refusals."""

        def fetch(self, url, headers=None):
            if url[:5].lower() == "data:":
                media_type, body = _decode_data_url(url)
                if not media_type.startswith("image/"):
                    raise RefusedAssetURL(f"only image data: URLs are allowed, got {media_type}")
                return URLFetcherResponse(url, body, {"Content-Type": media_type})
            parts = urlsplit(url)
            same_origin = (parts.scheme, parts.netloc.lower()) == (base.scheme, base.netloc.lower())
            if not same_origin or not parts.path.startswith(base_path):
                log.warning("Certificate rendering refused URL %s", url[:200])
                raise RefusedAssetURL(f"URL outside the certificate assets: {url[:200]}")
            relative = unquote(parts.path[len(base_path):])
            path = (root / relative).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                log.warning("Certificate rendering refused asset path %s", relative[:200])
                raise RefusedAssetURL(f"no such certificate asset: {relative[:200]}")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})

    return CertificateAssetFetcher(fail_on_errors=False)


# A template's one plain <style> block; its text is the same for every learner of a course.
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S | re.I)
_OTHER_STYLESHEETS = re.compile(r"<style[\s>]|<link[^>]*stylesheet|@import", re.I)


@functools.lru_cache(maxsize=16)
def _cached_fetcher(base_url: str, asset_root: str):
    return _make_fetcher(base_url, Path(asset_root))


@functools.lru_cache(maxsize=32)
def _parsed_stylesheet(css_text: str, base_url: str, asset_root: str):
    """Parse a template's CSS once per process (issue 21: about a third of the layout time)."""
    from weasyprint import CSS

    return CSS(string=css_text, base_url=base_url, url_fetcher=_cached_fetcher(base_url, asset_root),
               font_config=_shared_font_config())


def _split_stylesheet(html: str) -> tuple[str, str | None]:
    """The HTML without its single plain <style> block, and that block's CSS; (html, None) when the
    template has any other kind of stylesheet, whose order in the cascade must not change."""
    blocks = _STYLE_BLOCK.findall(html)
    if len(blocks) != 1:
        return html, None
    stripped = _STYLE_BLOCK.sub("", html, count=1)
    if _OTHER_STYLESHEETS.search(stripped) or "@import" in blocks[0]:
        return html, None
    return stripped, blocks[0]


def render_certificate_pdf(
    html: str,
    *,
    base_url: str = ASSET_BASE_URL,
    allowed_asset_root: Path | str = DEFAULT_ASSET_ROOT,
) -> bytes:
    """Lay out certificate HTML as PDF bytes; only assets under ``allowed_asset_root`` and image data: URLs load."""
    from weasyprint import HTML

    root = str(Path(allowed_asset_root).resolve())
    fetcher = _cached_fetcher(base_url, root)
    font_config = _shared_font_config()
    # The only author stylesheet, parsed once and passed back: the cascade is the same as inline.
    html, css_text = _split_stylesheet(html)
    stylesheets = [_parsed_stylesheet(css_text, base_url, root)] if css_text is not None else None
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=stylesheets)
    # A certificate never carries files: drop <link rel=attachment> and <a rel=attachment> even when
    # they point at an allowed asset, so nothing can ride along inside a signed document.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf()


def render_certificate(
    template_source: str,
    context: dict,
    *,
    base_url: str = ASSET_BASE_URL,
    allowed_asset_root: Path | str = DEFAULT_ASSET_ROOT,
) -> bytes:
    """Template + plain context -> unsigned PDF bytes; sign them with ``signing.sign_pdf``."""
    html = render_certificate_html(template_source, context)
    return render_certificate_pdf(html, base_url=base_url, allowed_asset_root=allowed_asset_root)
