"""The exam campaign's load accounting (bench/exam_campaign.py): one phase's statistics per step, its
acknowledged answers, and requests with bounded retries, each failed try counted where it happens."""
from __future__ import annotations

import asyncio
import random
import re
import time

import campaign_support as cs

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


class UserFailed(Exception):
    """A dealer's flow stopped: a request failed after its retries."""


class Load:
    """Shared state of one load phase: statistics per step, acknowledged answers, retry policy."""

    def __init__(self, port: int, think: float, retries: int = 6, keep_alive: float | None = None):
        self.port, self.think, self.retries, self.keep_alive = port, think, retries, keep_alive
        self.stats: dict[str, cs.StepStats] = {}
        self.acks: dict[int, dict] = {}  # user n -> {"attempt": id, "answers": {position: choice}}
        self.samples_of_errors: list[str] = []
        self.retry_reasons: dict[str, int] = {}
        self.saved = 0
        self.finished: set[int] = set()  # dealers whose finish was acknowledged

    async def pause(self) -> None:
        if self.think > 0:
            await asyncio.sleep(self.think * random.uniform(0.5, 1.5))  # nosec B311 - load shape, not security

    async def op(self, step: str, client: cs.Client, build, ok) -> cs.Response:
        """One logical request with bounded retries on lost connections, 409 SSO races and 5xx.

        Every failed try is counted where it happens (timeout, 5xx, dropped connection), and the
        latency of a request that needed retries runs from its first try."""
        stats = self.stats.setdefault(step, cs.StepStats())
        problem = None
        first_started = None
        for attempt in range(self.retries):
            if attempt:
                stats.retries += 1
                reason = re.sub(r"\d+", "N", (problem or "")[:80])
                self.retry_reasons[reason] = self.retry_reasons.get(reason, 0) + 1
                await asyncio.sleep(min(2.0, 0.1 * 2 ** attempt))
            method, path, body, headers = build()
            started = time.perf_counter()
            first_started = started if first_started is None else first_started
            try:
                response = await client.request(method, path, body, headers)
            except TimeoutError as error:  # before TRANSIENT: TimeoutError is an OSError
                stats.timeouts += 1
                problem = f"{step}: timed out after {client.timeout:g} s {error}"
                continue
            except cs.TRANSIENT as error:
                stats.dropped += 1
                problem = f"{step}: {type(error).__name__} {error}"
                continue
            ended = time.perf_counter()
            if ok(response):
                stats.add(first_started, ended)
                return response
            if response.status >= 500:
                stats.server_errors += 1
            title = re.search(r"<title>(.*?)</title>", response.text)
            problem = f"{step}: HTTP {response.status} {title[1] if title else response.text[:200]!r}"
            if response.status not in (409, 500, 502, 503, 504) or (response.status == 409 and step != "sso"):
                break
        stats.errors += 1
        if len(self.samples_of_errors) < 20:
            self.samples_of_errors.append(problem)
        raise UserFailed(problem)


def form(fields: dict) -> tuple[bytes, dict]:
    from urllib.parse import urlencode

    return urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def csrf_of(response: cs.Response) -> str:
    match = CSRF.search(response.text)
    if not match:
        raise UserFailed("no CSRF token on the page")
    return match.group(1) or match.group(2)
