"""Hostile input on every route never gets a 500 (security issue 17), whoever sends it.

Each rule of ``app.url_map`` (the core and every loaded plugin) and each of its methods is requested as
every role that may reach it and as the roles that may not (``ACCESS`` in test_authorization_matrix.py),
with a seeded, bounded sample of hostile input: path values, query strings, the route's real forms
(read from the pages like a browser, then mutated field by field), JSON bodies and uploads. Real ids come
from a crawl of the demo portal (route_fuzz_kit), so a new route is fuzzed without being listed anywhere.
Every 500 of the run is collected and reported together, with the exception behind it.
"""
from __future__ import annotations

import inspect
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from flask import got_request_exception

from route_fuzz_kit import (
    ROLES, TOKEN_ROLE, WRITE_METHODS, Sessions, build_world, describe, discover, fill_path, is_numeric,
    names_read_by, new_api_token, restore_demo_accounts, urlencode,
)
from route_fuzz_pages import missing_described_by
from test_authorization_matrix import ACCESS, PUBLIC, SIGNED_IN, TOKEN

SEED = 17
REQUESTS_PER_ROUTE = 30        # per rule and method, shared by the roles
CASES_PER_REFUSED_ROLE = 2     # for each role that may not reach the route (refused before input is read)
MIN_CASES_PER_REACHING_ROLE = 4
CASES_PER_DOWNLOAD_ROLE = 3    # routes that answer with a rendered file (PDF, ZIP, XLSX) cost 100x a page
PAGE_TYPES = ("text/html", "application/json")
# Endpoints not fuzzed, each with why. None today: even the static files are (a NUL or "../" in a file
# name is worth a request), and everything else in url_map is, as soon as it appears.
SKIP: dict[str, str] = {}
GENERIC_QUERY_KEYS = ("dealer_id", "page", "next", "course_id", "q", "status", "sort", "limit", "cursor", "format")

LONE_SURROGATE = b"\xed\xa0\x80"  # U+D800 as UTF-8 would write it: no valid UTF-8 decoder accepts it
INVALID_UTF8 = b"\xff\xfe\xc0\xaf"
LONG = "x" * 10_000
NUMBERS = {"0": "0", "-1": "-1", "2**31": str(2**31), "2**63": str(2**63), "10**30": str(10**30),
           "-2**63-1": str(-2**63 - 1), "1e309": "1e309", "NaN": "NaN", "1.5": "1.5"}
TEXTS = {"NUL": "\x00", "NUL inside": "a\x00b", "lone surrogate": LONE_SURROGATE, "invalid UTF-8": INVALID_UTF8,
         "10,000 chars": LONG, "unicode": "Ёжик 🦔 \u202etxt.exe\u0301", "empty": "", "blank": " \t ",
         "markup": "<script>alert(1)</script>", "format string": "%s%n{0}%(x)s", "external URL": "//evil.example/x"}
PATH_NUMBERS = {**{k: NUMBERS[k] for k in ("0", "-1", "2**31", "2**63", "10**30")}, "non-digits": "abc",
                "Arabic-Indic digits": "١٢", "NUL": "1\x00"}
PATH_TEXTS = {"NUL": "\x00", "NUL inside": "a\x00b", "unicode": "ёжик🦔", "5,000 chars": "x" * 5000, "dots": "..",
              "invalid UTF-8": INVALID_UTF8, "lone surrogate": LONE_SURROGATE, "2**63": str(2**63), "-1": "-1"}
JSON_VALUES = {"0": 0, "-1": -1, "2**31": 2**31, "2**63": 2**63, "10**30": 10**30, "1.5": 1.5, "1e308": 1e308,
               "true": True, "null": None, '""': "", "NUL": "\x00", "lone surrogate": "\ud800", "10,000 chars": LONG,
               "[]": [], "{}": {}, "[NUL]": ["\x00"], "[2**63]": [2**63], "[[]]": [[]]}
UPLOADS = {"empty file": ("empty.txt", b"", "text/plain"),
           "wrong type": ("picture.gift", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png"),
           "text with NUL": ("notes.txt", b"line\x00one\n\x00" * 50, "text/plain"),
           "NUL in name": ("a\x00.png", b"x", "image/png"),
           "traversal name": ("../../etc/passwd", b"root:x:0:0", "text/plain"),
           "unicode name": ("отчёт 🦔.pdf", b"%PDF-1.4 not really", "application/pdf"),
           "no name": ("", b"data", "application/octet-stream"),
           "invalid UTF-8": ("bad.gift", INVALID_UTF8 * 100, "text/plain")}


@dataclass
class Case:
    """One request to send: path values, query, body (form pairs, JSON text or multipart parts)."""

    label: str
    path: dict = field(default_factory=dict)
    query: list = field(default_factory=list)
    pairs: list | None = None        # form fields; a csrf field's value is the role's token at send time
    json_text: str | bytes | None = None
    files: list = field(default_factory=list)
    multipart: bool = False


# --- the hostile inputs for one rule and method ----------------------------------------------------------

def path_cases(rule, real: dict) -> list[Case]:
    cases = []
    for name in sorted(rule._converters):
        values = PATH_NUMBERS if is_numeric(rule._converters[name]) else PATH_TEXTS
        cases += [Case(f"path {name}={label}", {**real, name: value}) for label, value in values.items()]
    return cases


def query_cases(keys: list[str], real: dict) -> list[Case]:
    values = {**NUMBERS, **TEXTS}
    cases = [Case(f"query {k}={label}", real, [(k, v)]) for k in keys for label, v in values.items()]
    cases += [Case(f"query {k} twice", real, [(k, "1"), (k, "\x00")]) for k in keys]
    cases += [Case(f"query every key={label}", real, [(k, v) for k in keys]) for label, v in values.items()]
    return cases


def wrong_type(f) -> str:
    if f.kind == "select":
        return "not-one-of-the-options"
    if f.kind in ("checkbox", "radio"):
        return "maybe"
    return "abc" if f.kind in ("number", "range", "date", "datetime-local", "hidden") else '{"a": [1]}'


def form_cases(form, real: dict) -> list[Case]:
    baseline = form.submission()
    names = list(dict.fromkeys(k for k, _v in baseline if not k.endswith("csrf_token")))
    fields = {f.name: f for f in form.fields}
    mutations = {**{label: (lambda f, v=v: [v]) for label, v in {**TEXTS, **NUMBERS}.items()},
                 "missing": lambda f: [], "wrong type": lambda f: [wrong_type(f)],
                 "duplicated": lambda f: [f.value or "1", "2"]}
    cases = [Case("the form as a browser sends it", real, pairs=baseline)]
    for name in names:
        for label, values in mutations.items():
            pairs = [(k, v) for k, v in baseline if k != name] + [(name, v) for v in values(fields[name])]
            cases.append(Case(f"field {name}: {label}", real, pairs=pairs))
    for label, values in mutations.items():
        pairs = [(k, v) for k, v in baseline if k.endswith("csrf_token")]
        pairs += [(name, v) for name in names for v in values(fields[name])]
        cases.append(Case(f"every field: {label}", real, pairs=pairs))
    if form.has_files:
        for f in (f for f in form.fields if f.kind == "file"):
            cases += [Case(f"upload {f.name}: {label}", real, pairs=baseline, files=[(f.name, *upload)])
                      for label, upload in UPLOADS.items()]
    return cases


def json_nesting_cases(real: dict) -> list[Case]:
    deep = 5000
    return [Case("JSON: 5,000 nested [", real, json_text="[" * deep + "]" * deep),
            Case("JSON: 5,000 nested objects", real, json_text='{"a":' * deep + "1" + "}" * deep),
            Case("JSON: a 5,000-digit number", real, json_text="9" * 5000)]


def json_body_cases(real: dict) -> list[Case]:
    cases = [Case("JSON: invalid UTF-8", real, json_text=b'{"a": "' + INVALID_UTF8 + b'"}'),
             Case("JSON: not JSON", real, json_text="{'a': 1,")]
    return cases + [Case(f"JSON: top level {label}", real, json_text=json.dumps(v)) for label, v in JSON_VALUES.items()]


def json_field_cases(vocabulary: list[str], real: dict, rng: random.Random) -> list[Case]:
    """Objects with the keys the route may read, one of them hostile (the others plain)."""
    cases = []
    for key in vocabulary:
        for label, value in JSON_VALUES.items():
            body = {k: 1 for k in rng.sample(vocabulary, min(3, len(vocabulary)))}
            body[key] = value
            cases.append(Case(f"JSON: {key}={label} in {sorted(body)}", real, json_text=json.dumps(body)))
        body = {k: 1 for k in vocabulary}
        body[key] = {rng.choice(vocabulary): ["\x00", "\ud800", LONG], rng.choice(vocabulary): [2**63]}
        cases.append(Case(f"JSON: {key}={{…: [NUL, surrogate, long]}} with every key", real,
                          json_text=json.dumps(body)))
        body[key] = json.loads("[" * 50 + "]" * 50)
        cases.append(Case(f"JSON: {key} nested 50 deep", real, json_text=json.dumps(body)))
        del body[key]
        cases.append(Case(f"JSON: {key} nested 5,000 deep", real,
                          json_text=json.dumps(body)[:-1] + ("," if body else "") + f' "{key}": '
                          + "[" * 5000 + "]" * 5000 + "}"))
    return cases


def cases_by_kind(rule, method: str, site, view, rng: random.Random) -> dict[str, list[Case]]:
    """Every hostile request worth sending to this rule and method, by kind; the route's own real ids
    (from the crawl) fill every path value that is not the one being fuzzed."""
    real = site.sample_args(rule)
    kinds = {"path": path_cases(rule, real)}
    if method == "GET":
        keys = site.query_keys.get(rule.endpoint, set()) | names_read_by(view, r"request\.args") | set(GENERIC_QUERY_KEYS)
        kinds["query"] = query_cases(sorted(keys), real)
        return {"baseline": [Case("as the pages link it", real)], **kinds}
    forms = [form for _role, form in site.forms.get((rule.endpoint, method), [])]
    form = forms[0] if forms else None
    if form is not None:
        built = form_cases(form, real)
        for case in built:
            case.multipart = form.enctype == "multipart/form-data" or bool(case.files)
        kinds["baseline"], kinds["form"] = built[:1], [c for c in built[1:] if not c.files]
        kinds["upload"] = [c for c in built[1:] if c.files]
    else:
        kinds["baseline"] = [Case("a form with only its CSRF token", real, pairs=[("csrf_token", "")])]
    # JSON keys: the form's field names and the lower-case keys the view's module reads (not config or headers).
    read = {key for key in names_read_by(view, r"\b\w+") if re.fullmatch(r"[a-z][a-z0-9_]*", key)}
    vocabulary = {f.name for form in forms for f in form.fields} | read | {"id", "name"}
    kinds["json nesting"], kinds["json body"] = json_nesting_cases(real), json_body_cases(real)
    kinds["json fields"] = json_field_cases(sorted(k for k in vocabulary if not k.endswith("csrf_token")), real, rng)
    if reads_json(view):  # the route's own input is JSON: give it twice the share
        kinds["json fields, again"] = kinds["json fields"]
    return kinds


def reads_json(view) -> bool:
    source = inspect.getsource(inspect.unwrap(view))
    return "get_json" in source or "request.json" in source or "is_json" in source


def pick(kinds: dict[str, list[Case]], budget: int, rng: random.Random, turn: int) -> list[Case]:
    """The baseline, then one case of each kind in turn (a seeded draw), starting at kind number ``turn``:
    the roles of a route take turns, so that together they cover every kind even on a small budget."""
    pools = {kind: rng.sample(cases, len(cases)) for kind, cases in kinds.items() if kind != "baseline" and cases}
    order = sorted(pools)
    chosen, labels = list(kinds["baseline"]), set()
    while len(chosen) < budget and any(pools.values()):
        kind = order[turn % len(order)]
        turn += 1
        if pools[kind]:
            case = pools[kind].pop()
            if case.label not in labels:
                labels.add(case.label)
                chosen.append(case)
    return chosen


# --- who sends it ------------------------------------------------------------------------------------------

def reaching_roles(endpoint: str) -> tuple[str, ...]:
    access = ACCESS.get(endpoint)
    if access is None or access == PUBLIC:  # PUBLIC, or a route the access table does not know yet: everyone
        return ROLES
    if access == SIGNED_IN:
        return ROLES[1:]
    if access == TOKEN:
        return (TOKEN_ROLE,)
    return tuple(access)


def multipart(pairs, files) -> tuple[bytes, str]:
    """A multipart body written by hand: names, values and file names may be bytes that are not UTF-8."""
    boundary = b"fuzz-boundary-17"

    def raw(text):
        return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")

    lines = []
    for name, value in pairs:
        lines += [b"--" + boundary, b'Content-Disposition: form-data; name="' + raw(name) + b'"', b"", raw(value)]
    for name, filename, data, content_type in files:
        lines += [b"--" + boundary,
                  b'Content-Disposition: form-data; name="' + raw(name) + b'"; filename="' + raw(filename) + b'"',
                  b"Content-Type: " + content_type.encode(), b"", data]
    lines += [b"--" + boundary + b"--", b""]
    return b"\r\n".join(lines), "multipart/form-data; boundary=" + boundary.decode()


def send(sessions, role: str, method: str, rule, case: Case):
    url = fill_path(rule, lambda name, _converter: case.path[name])
    if case.query:
        url += "?" + urlencode(case.query).decode()
    csrf = sessions.roles[role].csrf
    kwargs = {}
    if case.json_text is not None:
        body = case.json_text if isinstance(case.json_text, bytes) else case.json_text.encode()
        kwargs = {"data": body, "content_type": "application/json",
                  "headers": {"X-CSRFToken": csrf, "Accept": "application/json"}}
    elif case.pairs is not None:
        pairs = [(k, csrf if k.endswith("csrf_token") else v) for k, v in case.pairs]
        if case.multipart:
            body, content_type = multipart(pairs, case.files)
        else:
            body, content_type = urlencode(pairs), "application/x-www-form-urlencoded"
        kwargs = {"data": body, "content_type": content_type}
    return sessions.request(role, method, url, **kwargs)


# --- the run ----------------------------------------------------------------------------------------------

@dataclass
class Failure:
    rule: str
    method: str
    role: str
    case: str
    cause: str  # the exception's type and the deepest frame it came from: one cause, many routes
    where: str  # the deepest frame in the portal's own code (views, templates, plugins)
    message: str


def report(failures: list[Failure]) -> str:
    groups = defaultdict(list)
    for failure in failures:
        groups[failure.cause].append(failure)
    lines = [f"{len(failures)} requests answered 500, from {len(groups)} distinct exceptions:"]
    for cause, found in sorted(groups.items(), key=lambda item: -len(item[1])):
        lines.append(f"\n{cause} ({len(found)} requests): {found[0].message}")
        for method, rule in sorted({(f.method, f.rule) for f in found}):  # one example per route
            example = next(f for f in found if (f.method, f.rule) == (method, rule))
            lines.append(f"    {method} {rule} as {example.role}: {example.case}  [{example.where}]")
    return "\n".join(lines)


@pytest.fixture
def fuzz_app(app_factory, demo):
    # Exceptions become 500 responses, as in production, and are caught through got_request_exception.
    # Rate limits high: a 429 would hide what the request's input does.
    app = app_factory(PROPAGATE_EXCEPTIONS=False, VERIFY_RATE_LIMIT="1000000/minute")
    app.config.update({key: 10**6 for key in app.config if key.startswith("LOGIN_MAX_FAILURES")})
    build_world(app)
    # Each 500's exception is in the test's report; Flask's log of it would only repeat it, a thousand
    # lines long. The logger is the process's, so it is switched back on afterwards.
    app.logger.disabled = True
    yield app
    app.logger.disabled = False


def budgets(reach: tuple[str, ...]) -> dict[str, int]:
    """Requests per role for one rule and method: a few for each role that may not reach it, the rest of
    the route's cap shared by the roles that may."""
    shares = {role: CASES_PER_REFUSED_ROLE for role in ROLES if role not in reach}
    each = max(MIN_CASES_PER_REACHING_ROLE, (REQUESTS_PER_ROUTE - sum(shares.values())) // len(reach))
    return {**{role: each for role in reach}, **shares}


class FuzzRun:
    """Sends the chosen cases and keeps every 500 with the exception behind it."""

    def __init__(self, app, sessions, site):
        self.app, self.sessions, self.site = app, sessions, site
        self.failures: list[Failure] = []
        self.sent = 0
        self.caught: list[BaseException] = []
        self.aria_problems: list[str] = []

    def remember(self, _sender, exception, **_extra):
        self.caught.append(exception)

    def fuzz(self, rule, method: str) -> None:
        kinds = cases_by_kind(rule, method, self.site, self.app.view_functions[rule.endpoint],
                              random.Random(f"{SEED}|{rule.rule}|{method}"))
        reach = reaching_roles(rule.endpoint)
        download, turn = False, 0
        for role, budget in budgets(reach).items():
            chosen = pick(kinds, budget, random.Random(f"{SEED}|{rule.rule}|{method}|{role}"), turn)
            turn += budget - 1
            for case in chosen[:CASES_PER_DOWNLOAD_ROLE] if download and role in reach else chosen:
                status, mimetype = self.send(rule, method, role, case)
                # A route that answers with a rendered file (PDF, ZIP, XLSX) costs a hundred pages.
                download = download or (status == 200 and mimetype not in PAGE_TYPES)
        if method in WRITE_METHODS:  # a fuzzed write may have signed a role out or switched an account off
            restore_demo_accounts(self.app)
            for role in (*ROLES, TOKEN_ROLE):
                self.sessions.revive(role)

    def send(self, rule, method: str, role: str, case: Case) -> tuple[int, str]:
        """Send one case; returns its status and mimetype. An exception that escapes the app (from the
        error page itself, or from a streamed body) counts as a 500."""
        self.caught.clear()
        self.sent += 1
        status, mimetype, escaped = 500, "", None
        try:
            response = send(self.sessions, role, method, rule, case)
            try:
                body = response.get_data()
                status, mimetype = response.status_code, response.mimetype
                if mimetype == "text/html" and status < 500:
                    self.check_described_by(rule.rule, method, body.decode("utf-8", "replace"))
            finally:
                response.close()
        except Exception as error:
            escaped = error
        if status >= 500:
            cause, where, message = describe(self.caught[0] if self.caught else escaped)
            if escaped is not None and self.caught:
                message += f" (then the error page itself raised {type(escaped).__name__})"
            self.failures.append(Failure(rule.rule, method, role, case.label, cause, where, message))
        return status, mimetype


    def check_described_by(self, route: str, method: str, html: str) -> None:
        """Every ``aria-describedby`` names elements on the page (issue 25: fields said "None")."""
        for missing in missing_described_by(html):
            if len(self.aria_problems) < 20:
                self.aria_problems.append(f"{method} {route}: aria-describedby names {missing} (not on the page)")


def test_no_route_answers_hostile_input_with_a_500(fuzz_app):
    app = fuzz_app
    sessions = Sessions(app, lambda: new_api_token(app))
    site = discover(app, sessions)
    rules = list(app.url_map.iter_rules())
    plan = sorted(((rule, method) for rule in rules if rule.endpoint not in SKIP
                   for method in rule.methods - {"HEAD", "OPTIONS"}),
                  key=lambda item: (item[1] != "GET", item[0].rule, item[1]))  # pages first, then writes
    # The plan covers the url_map, and the crawl found real ids for most routes that take them.
    planned = {id(rule) for rule, _method in plan}
    assert len(planned) == len(rules) - sum(1 for r in rules if r.endpoint in SKIP) >= 0.95 * len(rules)
    # Secret-addressed routes (reset and invitation links, feeds, signed files) never appear on a page.
    with_variables = [r for r in rules if r._converters and r.endpoint not in SKIP
                      and not set(r._converters) & {"secret", "token", "sig", "signature", "code", "expires"}]
    assert sum(1 for r in with_variables if site.samples.get(r.endpoint)) >= 0.7 * len(with_variables)
    run = FuzzRun(app, sessions, site)
    with got_request_exception.connected_to(run.remember, app):
        for rule, method in plan:
            run.fuzz(rule, method)
    assert run.sent >= 10 * len(plan)
    if run.failures:
        pytest.fail(report(run.failures), pytrace=False)
    assert not run.aria_problems, "\n".join(run.aria_problems)
