"""What the route fuzzer knows about the portal, learnt the way a browser learns it: the pages each role can
reach from the dashboard, the links and ``<form>``s on them, and the ids those links carry.

Nothing here lists routes: the crawl starts at ``/`` and at every GET rule of ``app.url_map`` without
variables, follows whatever the pages link to, and submits each form it finds once, filled in as a person
would (a quiz start, an order, a token), then crawls on from where those led, to see what they created.
"""
from __future__ import annotations

import inspect
import re
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes, urlsplit

import sqlalchemy as sa
from werkzeug.exceptions import HTTPException
from werkzeug.routing.converters import NumberConverter

from lms.testing import DEMO_EMAILS, api_token, complete_course, csrf_token, sign_in
from route_fuzz_pages import Form, parse_page

ROLES = ("anonymous", "learner", "dealer_admin", "author", "manager", "admin")
TOKEN_ROLE = "api-token"  # no session: a bearer token with every scope
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CRAWL_URLS_PER_ENDPOINT = 2  # distinct URLs per endpoint and role: ids differ, templates do not
CRAWL_PAGES_PER_ROLE = 120
VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def fill_path(rule, value_for) -> str:
    """The rule's URL with each variable replaced by ``value_for(name, converter)`` (str or bytes), escaped."""
    def replace(match):
        name = match.group(2)
        value = value_for(name, rule._converters[name])
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
        return quote_from_bytes(raw, safe="/" if match.group(1) == "path" else "")
    return VARIABLE.sub(replace, rule.rule)


def is_numeric(converter) -> bool:
    return isinstance(converter, NumberConverter)


def names_read_by(view, pattern: str) -> set[str]:
    """Keys a view (and the rest of its module) reads through ``pattern`` (e.g. ``request.args``):
    the fuzzer's guess of which query parameters or JSON keys matter, without a hand-kept list."""
    function = inspect.unwrap(view)
    module = inspect.getmodule(function)
    try:
        source = inspect.getsource(module) if module else inspect.getsource(function)
    except (OSError, TypeError):
        return set()
    return set(re.findall(pattern + r"""(?:\.get(?:list)?\(\s*|\[\s*)["']([\w-]+)["']""", source))


@dataclass
class Role:
    """One role's signed session cookie (sent anew with every request, so what a request does to the
    cookie never carries over), its CSRF token, and extra headers (the API's bearer token)."""

    name: str
    cookie: str | None = None
    csrf: str = ""
    headers: dict = field(default_factory=dict)


class Sessions:
    """Speaks to the app as each role. A fuzzed request may end a role's session for good (sign-out,
    sign-out everywhere, an account switched off, a token revoked): ``revive`` notices and signs in again."""

    SIGN_IN_ADDRESS = "127.0.0.9"  # away from the fuzzed sign-ins' address, whose failures get throttled

    def __init__(self, app, token_factory):
        self.app, self.token_factory = app, token_factory
        self.client = app.test_client(use_cookies=False)
        self.roles = {name: self.sign_in(name) for name in (*ROLES, TOKEN_ROLE)}
        self.token_probe = next((rule.rule for rule in app.url_map.iter_rules()
                                 if rule.endpoint.startswith("api.") and not rule.arguments
                                 and rule.endpoint != "api.openapi" and "GET" in rule.methods), None)

    def sign_in(self, name: str) -> Role:
        if name == TOKEN_ROLE:
            return Role(name, headers={"Authorization": f"Bearer {self.token_factory()}"})
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = self.SIGN_IN_ADDRESS
        token = csrf_token(client)
        if name != "anonymous":
            sign_in(client, name)
            token = csrf_token(client, "/")
        domain = self.app.config.get("SERVER_NAME") or "localhost"
        cookie = client.get_cookie(self.app.config["SESSION_COOKIE_NAME"], domain=domain)
        return Role(name, f"{cookie.key}={cookie.value}", token)

    def request(self, name: str, method: str, url: str, headers=(), **kwargs):
        role = self.roles[name]
        sent = dict(role.headers, **dict(headers))
        if role.cookie:
            sent["Cookie"] = role.cookie
        return self.client.open(url, method=method, headers=sent, **kwargs)

    def revive(self, name: str) -> None:
        """Sign in again if the role's session (or token) stopped working."""
        if name == "anonymous" or (name == TOKEN_ROLE and self.token_probe is None):
            return
        response = self.request(name, "GET", self.token_probe if name == TOKEN_ROLE else "/")
        response.close()
        if response.status_code in (301, 302, 303, 401):
            restore_demo_accounts(self.app)
            self.roles[name] = self.sign_in(name)


@dataclass
class SiteMap:
    """What the crawl learnt: real path arguments per endpoint and per variable name, the forms that post
    to each endpoint, and the query parameters its links use."""

    samples: dict = field(default_factory=lambda: defaultdict(list))        # endpoint -> [args]
    values: dict = field(default_factory=lambda: defaultdict(list))         # variable -> [values]
    forms: dict = field(default_factory=lambda: defaultdict(list))          # (endpoint, method) -> [(role, Form)]
    query_keys: dict = field(default_factory=lambda: defaultdict(set))      # endpoint -> {key}
    submitted: set = field(default_factory=set)                             # (method, action URL) seeded
    landed: list = field(default_factory=list)  # where seeded forms redirected to (a new attempt, an order)

    def note(self, endpoint: str, args: dict) -> None:
        if args not in self.samples[endpoint]:
            self.samples[endpoint].append(args)
        for name, value in args.items():
            if value not in self.values[name]:
                self.values[name].append(value)

    def sample_args(self, rule) -> dict:
        """Arguments that exist: seen on a page for this endpoint, else seen for a variable of that name."""
        names = set(rule._converters)
        for args in self.samples.get(rule.endpoint, []):
            if names <= set(args):
                return {name: args[name] for name in names}
        return {name: (self.values.get(name) or [1 if is_numeric(converter) else "x"])[0]
                for name, converter in rule._converters.items()}


class Crawler:
    """Walks the portal as each role, as a browser would, recording what it sees in a SiteMap."""

    def __init__(self, app, sessions: Sessions, site: SiteMap):
        self.app, self.sessions, self.site = app, sessions, site
        self.adapter = app.url_map.bind(app.config.get("SERVER_NAME") or "localhost")
        self.fetched = defaultdict(set)  # role -> URLs fetched
        self.files = defaultdict(set)  # role -> endpoints that answered with a file (PDF, ZIP, CSS)

    def match(self, url: str, methods=("GET",)):
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != self.adapter.server_name:
            return None
        for method in methods:
            try:
                rule, args = self.adapter.match(parts.path, method=method, return_rule=True)
            except HTTPException:
                continue
            return rule, args, method
        return None

    def crawl(self, role: str, starts: list[str]) -> None:
        """Fetch ``starts`` and what they link to (each URL once per role, a few per endpoint; a file
        download once per endpoint), noting every URL, form and query parameter seen."""
        queue, fetched, per_endpoint = list(starts), 0, defaultdict(int)
        seen, files = self.fetched[role], self.files[role]
        while queue and fetched < CRAWL_PAGES_PER_ROLE:
            url = queue.pop(0)
            found = self.match(url, methods=("GET", *WRITE_METHODS))
            if found is None:
                continue
            rule, args, method = found
            self.site.note(rule.endpoint, args)
            self.site.query_keys[rule.endpoint].update(re.findall(r"[?&]([^=&#]+)=", url))
            if (url in seen and url not in starts) or method != "GET" or rule.endpoint in files \
                    or per_endpoint[rule.endpoint] >= CRAWL_URLS_PER_ENDPOINT:
                continue
            seen.add(url)
            fetched += 1
            per_endpoint[rule.endpoint] += 1
            response = self.fetch(role, "GET", url)
            if response is None:
                continue
            html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            if response.location:
                queue.append(response.location)
            if response.status_code == 200 and not html:
                files.add(rule.endpoint)
            elif response.status_code == 200:
                page = parse_page(html)
                queue.extend(page.urls)
                for form in page.forms:
                    self.note_form(role, url, form)

    def fetch(self, role: str, method: str, url: str, **kwargs):
        """The response, read and closed; None when the app itself raised (the fuzz run reports those)."""
        try:
            response = self.sessions.request(role, method, url, **kwargs)
            response.get_data()
        except Exception:
            return None
        response.close()
        return response

    def note_form(self, role: str, page_url: str, form: Form) -> None:
        form.action = form.action or page_url
        if form.method == "GET":
            found = self.match(form.action)
            if found:
                self.site.query_keys[found[0].endpoint].update(f.name for f in form.fields)
            return
        found = self.match(form.action, methods=(form.method,))
        if found is None:
            return
        rule, args, method = found
        self.site.note(rule.endpoint, args)
        known = self.site.forms[(rule.endpoint, method)]
        mine = [f.action for seen_by, f in known if seen_by == role]
        if form.action not in mine and len(mine) < CRAWL_URLS_PER_ENDPOINT:
            known.append((role, form))

    def seed(self, role: str) -> None:
        """Submit each form this role saw (once per action URL), filled in as a person would. Where a
        form has several submit buttons, each copy of it gets the next one: one quiz attempt is saved
        and stays open, the next is submitted and finished."""
        for (_endpoint, method), seen in sorted(self.site.forms.items()):
            for copy, form in enumerate(f for seen_by, f in seen if seen_by == role):
                if (method, form.action) not in self.site.submitted:
                    self.site.submitted.add((method, form.action))
                    self.submit(role, method, form, press=copy)

    def submit(self, role: str, method: str, form: Form, press: int) -> None:
        csrf = self.sessions.roles[role].csrf
        pairs = [(k, csrf if k.endswith("csrf_token") else v) for k, v in form.submission(tick=True, press=press)]
        response = self.fetch(role, method, form.action, data=urlencode(pairs),
                              content_type="application/x-www-form-urlencoded")
        if response is not None and response.location:
            self.site.landed.append(response.location)
        self.sessions.revive(role)


class RecordingCrawler(Crawler):
    """The crawler, keeping each HTML page it fetched as (role, url, html)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.pages = []

    def fetch(self, role, method, url, **kwargs):
        response = super().fetch(role, method, url, **kwargs)
        if response is not None and response.status_code == 200 and response.mimetype == "text/html":
            self.pages.append((role, url, response.get_data(as_text=True)))
        return response


def every_page(app, sessions: Sessions, roles=ROLES) -> list[tuple[str, str, str]]:
    """Every HTML page each of ``roles`` reaches from ``/`` and every GET rule without variables
    (a few URLs per endpoint), as (role, url, html): what the whole-site checks (English text,
    accessibility) walk."""
    crawler = RecordingCrawler(app, sessions, SiteMap())
    starts = ["/", *sorted(r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and not r._converters)]
    for role in roles:
        crawler.crawl(role, starts)
    return crawler.pages


def discover(app, sessions: Sessions, rounds: int = 3) -> SiteMap:
    """Crawl as every role from ``/`` and every GET rule without variables; submit the forms found; then
    crawl from where those submissions led (a new attempt, an order, a token) and submit the new forms."""
    site = SiteMap()
    crawler = Crawler(app, sessions, site)
    starts = ["/", *sorted(r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and not r._converters)]
    for round_number in range(rounds):
        for role in ROLES:
            crawler.crawl(role, starts)
        if round_number == rounds - 1:
            break
        landed = len(site.landed)
        for role in ROLES:
            crawler.seed(role)
        restore_demo_accounts(app)
        starts = list(dict.fromkeys(site.landed[landed:]))
    return site


def urlencode(pairs) -> bytes:
    """A form body from (name, value) pairs; values may be bytes that are not UTF-8 (as a hostile client sends)."""
    def encode(text):
        return quote_from_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in pairs).encode("ascii")


def restore_demo_accounts(app) -> None:
    """Undo what a fuzzed toggle may have done to the accounts the fuzzer signs in with."""
    from lms.auth.models import Dealer, User
    from lms.extensions import db

    with app.app_context():
        db.session.execute(sa.update(User).where(User.email.in_(DEMO_EMAILS.values())).values(active=True))
        db.session.execute(sa.update(Dealer).values(active=True))
        db.session.commit()


def build_world(app) -> None:
    """Everything ``lms init --demo`` loads (each domain's and plugin's demo hook) and a certificate issued
    to the demo learner. Needs the demo accounts (the ``demo`` fixture)."""
    from lms.auth.models import User
    from lms.courses.models import Course
    from lms.events import commit
    from lms.extensions import db
    from lms.plugins import plugin_manager

    with app.app_context():
        plugin_manager().hook.lms_load_demo_data()
        commit()
        learner = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))
        course_id = db.session.scalar(sa.select(Course.id).where(Course.published.is_(True)).order_by(Course.id))
    # As the course's last lesson would: the completion, then the event that issues the certificate.
    complete_course(app, learner, course_id, score_percent=90.0)


def new_api_token(app) -> str:
    """A bearer token with every scope (a fuzzed revoke may end the previous one)."""
    from lms.api.models import SCOPES

    return api_token(app, *SCOPES, integration="fuzz", name="route fuzzer")


def describe(error: BaseException | None) -> tuple[str, str, str]:
    """(cause, where, message) of the exception behind a 500."""
    if error is None:
        return "a 500 response without an exception", "", ""
    from lms.testing import PROJECT_ROOT

    def place(frame):
        return f"{frame.filename.removeprefix(str(PROJECT_ROOT) + '/')}:{frame.lineno} in {frame.name}"

    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(PROJECT_ROOT)) and "/site-packages/" not in f.filename]
    cause = f"{type(error).__module__}.{type(error).__qualname__}" + (f" at {place(frames[-1])}" if frames else "")
    message = str(error).splitlines()[0][:160] if str(error) else ""
    return cause, place(ours[-1]) if ours else "", message
