"""axe-core on every page each role reaches, in real Chromium: no serious or critical violation,
and every id an ``aria-describedby`` (``-labelledby``, ``-controls``, ``<label for>``) names is on
the page exactly once.

The pages are the ones the route fuzzer's crawl finds (``route_fuzz_kit.every_page``): from ``/``
and every GET rule without variables, following links, as each role, on the full demo data. One
Chromium, one signed-in context per role, pages visited one after the other; one URL per endpoint
(the same template with other ids adds time, not findings).
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from route_fuzz_kit import ROLES, TOKEN_ROLE, Sessions, build_world, every_page, new_api_token

from lms.testing import (DEMO_EMAILS, broken_references, browser_login, load_core_demo,
                         serious_accessibility_violations)

pytestmark = pytest.mark.browser


def pages_per_role(app) -> dict[str, list[str]]:
    """Each role's crawled HTML pages, one path (with its query) per endpoint."""
    sessions = Sessions(app, lambda: new_api_token(app))
    sessions.roles.pop(TOKEN_ROLE, None)
    adapter = app.url_map.bind("localhost")
    chosen, endpoints = defaultdict(list), defaultdict(set)
    for role, url, _html in every_page(app, sessions):
        parts = urlsplit(url)
        endpoint = adapter.match(parts.path)[0]
        if endpoint not in endpoints[role]:
            endpoints[role].add(endpoint)
            chosen[role].append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return chosen


@pytest.fixture
def demo_portal(live_server):
    server = live_server.start(PROPAGATE_EXCEPTIONS=False, VERIFY_RATE_LIMIT="1000000/minute")
    load_core_demo(server.app)
    found = {}

    def prepare():
        # The certificate's PDF signer calls asyncio.run, which cannot run in Playwright's thread.
        build_world(server.app)
        found.update(pages_per_role(server.app))

    worker = threading.Thread(target=prepare)
    worker.start()
    worker.join()
    assert set(found) == set(ROLES), sorted(found)
    server.pages = found
    return server


def test_every_page_for_every_role_has_no_serious_accessibility_violation(demo_portal, chromium):
    base, started = demo_portal.url, time.monotonic()
    problems, checked = [], 0
    for role in ROLES:
        context = chromium.new_context(locale="ru-RU")
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            if role != "anonymous":
                browser_login(page, base, DEMO_EMAILS[role])
            for path in demo_portal.pages[role]:
                page.goto(base + path, wait_until="load")
                checked += 1
                if role != "anonymous" and urlsplit(page.url).path == "/login":
                    problems.append(f"{role} {path}: signed out, the page was not checked")
                findings = serious_accessibility_violations(page) + broken_references(page)
                problems += [f"{role} {path}: {finding}" for finding in findings]
        finally:
            context.close()
    print(f"axe: {checked} pages for {len(ROLES)} roles in {time.monotonic() - started:.0f} s")
    assert checked >= 100, checked
    assert not problems, f"{len(problems)} problems (page: rule, help, targets):\n" + "\n".join(problems)
