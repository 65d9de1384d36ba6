"""Trusted URLs: ``next`` paths on our site pass unchanged, ways off the site are refused; framing origins are exact."""
from __future__ import annotations

import pytest

from lms.redirects import safe_next_path
from lms.sso.redirects import normalise_origin

OUR_PATHS = [
    "/",
    "/courses/safety-basics",
    "/courses/safety-basics?lesson=3#quiz",
    "/courses/%D0%BA%D1%83%D1%80%D1%81",
    "/courses/курс-продаж",
    "/embed/courses/a?next=/x",
    "/search?q=http://example.com",
    "/100%",
]

ESCAPES = [
    "//evil.example",
    "//evil.example/courses",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/courses\\..\\..\\evil",
    "http://evil.example",
    "https://evil.example/courses",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "courses/relative",
    "",
    " /courses",
    "/courses\r\nSet-Cookie: x=1",
    "/courses\t",
    "/\x00evil",
    "/\u202eevil",  # right-to-left override
    "/\u200bcourses",  # zero-width space
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%255Cevil.example",  # double-encoded backslash
    "/%252F%252Fevil.example",
    "/%0d%0aLocation:%20http://evil.example",
    "/%E2%80%AEevil",  # encoded RTL override
    "/%FF%FE",  # not UTF-8
    "/\uff0f\uff0fevil.example",  # fullwidth solidus
    "/\uff3cevil.example",  # fullwidth reverse solidus
    "/./evil",
    "/.//evil.example",
    "/courses/../..//evil.example",
    "/courses//x",
    "/" + "a" * 3000,
    None,
    42,
    b"/courses",
]


@pytest.mark.parametrize("path", OUR_PATHS)
def test_our_own_paths_pass_unchanged(path):
    assert safe_next_path(path) == path


@pytest.mark.parametrize("value", ESCAPES)
def test_ways_off_the_site_are_refused(value):
    assert safe_next_path(value) is None


@pytest.mark.parametrize("value, origin", [
    ("https://partner.example.com", "https://partner.example.com"),
    ("https://Partner.Example.COM:443/", "https://partner.example.com"),
    ("https://partner.example.com:8443", "https://partner.example.com:8443"),
    ("https://xn--80ak6aa92e.xn--p1ai", "https://xn--80ak6aa92e.xn--p1ai"),
    ("http://localhost:5000", "http://localhost:5000"),
    ("https://[::1]:8443", "https://[::1]:8443"),
])
def test_framing_origins_are_normalised(value, origin):
    assert normalise_origin(value) == origin


@pytest.mark.parametrize("value", [
    "*", "https://*", "https://*.example.com", "'self'", "'none'", "partner.example.com", "http://partner.example.com",
    "https://partner.example.com/portal", "https://partner.example.com?x", "https://partner.example.com#x",
    "https://user@partner.example.com", "https://partner.example.com:99999", "https://a.example; script-src *",
    "https://a.example https://b.example", "https://exa\nmple.com", " https://a.example", "https://a_b.example",
    "javascript://a.example", "https://[::1", "", None, 7,
])
def test_anything_but_an_exact_origin_is_refused(value):
    assert normalise_origin(value) is None
