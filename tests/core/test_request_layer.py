"""Only the request layer reads ``flask.request`` (issue 18): views and blueprint modules, the
request-wide machinery and a few named view helpers. Services take plain values, so a service
that starts reading the request (as certificates/runtime.py and reports/scope.py once did) fails
here and must be given the value by its view instead."""
import ast
from pathlib import Path

from lms.testing import PROJECT_ROOT

# Request-wide machinery that runs around every view, and helpers only views call.
REQUEST_LAYER = {
    "lms/web.py": "error pages, security headers, the session cookie",
    "lms/input_guard.py": "refuses what the database cannot store, before any view",
    "lms/csrf.py": "CSRF checks",
    "lms/auth/session_user.py": "the signed-in user of this request",
    "lms/i18n.py": "the request's language",
    "lms/sso/embed.py": "framing rules of embedded mode",
    "lms/database.py": "read-only requests use the read-only transaction path",
    "lms/forms.py": "PortalForm reads the submitted form",
    "lms/redirects.py": "next_path_or, for views",
    "lms/api/auth.py": "the API's bearer token",
    "lms/api/params.py": "the API's query-string parameters",
    "lms/observability/logs.py": "the request id and the request's line in the logs",
    "lms/observability/metrics.py": "the request's endpoint, method and latency",
    "lms/storage/serving.py": "a stored file's response answers the request's Range and If-None-Match",
    "lms/elearning/scorm_views.py": "SCORM's blueprint, a route module beside the domain's views.py",
}


def is_view_module(path: str) -> bool:
    """Blueprint route modules: views.py, views/*.py, admin.py (the admin pages of a domain) and the
    API's resources_*.py."""
    name = Path(path).name
    return ("/views/" in path or name in ("views.py", "admin.py") or name.startswith("resources_"))


def modules_reading_request() -> list[str]:
    found = []
    for base in ("lms", "plugins"):
        for path in sorted((PROJECT_ROOT / base).rglob("*.py")):
            relative = path.relative_to(PROJECT_ROOT).as_posix()
            if "/migrations/" in relative or "/tests/" in relative:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.ImportFrom) and node.module == "flask"
                        and any(alias.name == "request" for alias in node.names)):
                    found.append(relative)
                    break
    return found


def test_only_views_and_the_request_layer_read_the_request():
    readers = modules_reading_request()
    assert len(readers) > 10  # the scan sees the views
    assert [m for m in readers if not is_view_module(m) and m not in REQUEST_LAYER] == []


def test_the_request_layer_list_names_only_modules_that_read_the_request():
    assert sorted(set(REQUEST_LAYER) - set(modules_reading_request())) == []
