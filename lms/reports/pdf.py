"""The printable dealer summary: WeasyPrint with a URL fetcher that refuses everything but data: images."""
from __future__ import annotations

import functools


class RefusedURL(ValueError):
    """The summary loads nothing from the network or the disk."""


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()  # scanning fontconfig is slow: once per process


def _fetcher():
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url[:11].lower() == "data:image/":
                return super().fetch(url, headers)
            raise RefusedURL(f"refused {url[:100]}")

    return DataOnlyFetcher(allowed_protocols=["data"], fail_on_errors=False)


def render_pdf(html: str) -> bytes:
    """HTML (charts inline as SVG) to PDF bytes; no remote or file fetches happen."""
    from weasyprint import HTML

    return HTML(string=html, base_url="about:blank", url_fetcher=_fetcher()).write_pdf(font_config=_font_config())
