"""Design tokens in real Chromium (issue 25): the dark theme follows the system setting, with AA
contrast in both themes, and the header's links and buttons are big enough to tap on a phone."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.testing import DEMO_EMAILS, browser_login

pytestmark = pytest.mark.browser

# Foreground/background pairs read from computed styles; a transparent background is the body's.
COLOURS = """() => {
  const style = (selector, prop) => { const e = document.querySelector(selector); return e && getComputedStyle(e)[prop]; };
  return {
    text: style('body', 'color'), background: style('body', 'backgroundColor'),
    link: style('main a', 'color'), surface: style('.course-card', 'backgroundColor'),
    header_text: style('.site-header .brand', 'color'), header: style('.site-header', 'backgroundColor'),
    scheme: document.querySelector('meta[name=color-scheme]').content,
  };
}"""


def rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(part) for part in re.findall(r"\d+", css)[:3])


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two computed ``rgb(…)`` colours."""
    def luminance(colour):
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb(colour))]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def portal(live_server, demo):
    from lms.courses.content_sync import import_content
    from lms.events import commit

    server = live_server.start()
    with server.app.app_context():
        import_content(Path(__file__).resolve().parents[2] / "content")
        commit()
    return server


def colours_in(chromium, portal, scheme: str) -> dict:
    context = chromium.new_context(locale="ru-RU", color_scheme=scheme)
    try:
        page = context.new_page()
        browser_login(page, portal.url, DEMO_EMAILS["learner"])
        page.goto(portal.url + "/courses/")  # course cards: links on the surface colour
        return page.evaluate(COLOURS)
    finally:
        context.close()


def test_dark_system_setting_switches_the_theme_with_aa_contrast(chromium, portal):
    light, dark = colours_in(chromium, portal, "light"), colours_in(chromium, portal, "dark")
    assert light["scheme"] == "light dark"
    assert dark["background"] != light["background"] and dark["text"] != light["text"]
    assert sum(rgb(dark["background"])) < sum(rgb(light["background"]))  # dark really is darker
    for theme in (light, dark):
        assert contrast(theme["text"], theme["background"]) >= 4.5
        assert contrast(theme["text"], theme["surface"]) >= 4.5
        assert contrast(theme["link"], theme["surface"]) >= 4.5
        assert contrast(theme["header_text"], theme["header"]) >= 4.5


def test_header_links_and_buttons_are_44_px_tall_on_a_phone(portal, page):
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, portal.url, DEMO_EMAILS["learner"])
    small = page.evaluate("""() => [...document.querySelectorAll('.site-header .tabs a, .site-header button')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.outerHTML)""")
    assert small == []
