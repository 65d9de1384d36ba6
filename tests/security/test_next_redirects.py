"""Every ``next`` goes through one helper (lms.redirects): paths on this site pass, ways off it are refused."""
import ast
import re
from pathlib import Path

import pytest

from lms.redirects import next_path_or, safe_next_path
from lms.testing import PROJECT_ROOT, csrf_token

OFF_SITE = ["//evil.example/x", "///evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example/",
            "javascript:alert(1)", "/%2F%2Fevil.example", "/%5Cevil.example", "/%252F%252Fevil.example",
            "/x\r\nLocation: https://evil.example", "/\x00/evil.example", "/\uff0f\uff0fevil.example"]
HELPERS = {"safe_next_path", "next_path_or"}


@pytest.mark.parametrize("value", OFF_SITE)
def test_the_helper_refuses_every_way_off_the_site(app, value):
    assert safe_next_path(value) is None
    with app.test_request_context("/", method="POST", data={"next": value}):
        assert next_path_or("/home") == "/home"


def test_the_helper_keeps_our_own_paths(app):
    for value in ("/", "/certificates/manage/?status=valid&q=%D0%98", "/courses/курс/lessons/a", "/polls/"):
        assert safe_next_path(value) == value
    with app.test_request_context("/surveys/1?next=/polls/"):
        assert next_path_or("/surveys/") == "/polls/"


def _reads_next(node: ast.AST) -> bool:
    """``request.args.get("next")``, ``request.form.get("next")``, ``request.values["next"]`` and the like."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getlist"):
        source, key = node.func.value, node.args[0] if node.args else None
    elif isinstance(node, ast.Subscript):
        source, key = node.value, node.slice
    else:
        return False
    return (isinstance(key, ast.Constant) and key.value == "next" and isinstance(source, ast.Attribute)
            and isinstance(source.value, ast.Name) and source.value.id == "request")


def _is_helper_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in HELPERS


def unchecked_next_reads(tree: ast.AST) -> list[int]:
    """Lines that read ``next`` from the request without handing it straight to the helper.

    Also allowed: ``name = request.….get("next")`` when ``name`` is then passed to the helper in
    the same function (the SSO view keeps the raw value to log a refusal).
    """
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if not _reads_next(node):
            continue
        parent = parents.get(node)
        if _is_helper_call(parent):
            continue
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            scope = parent
            while scope in parents and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
                scope = parents[scope]
            name = parent.targets[0].id
            if any(_is_helper_call(call) and any(isinstance(arg, ast.Name) and arg.id == name for arg in call.args)
                   for call in ast.walk(scope)):
                continue
        found.append(node.lineno)
    return found


def test_the_code_walker_finds_a_raw_next():
    raw = ast.parse('def view():\n    return redirect(request.form.get("next") or "/")\n')
    checked = ast.parse('def view():\n    wanted = request.values.get("next")\n    return safe_next_path(wanted)\n')
    assert unchecked_next_reads(raw) == [2] and unchecked_next_reads(checked) == []


def test_no_view_follows_a_next_without_the_helper():
    files = [*Path(PROJECT_ROOT, "lms").rglob("*.py"), *Path(PROJECT_ROOT, "plugins").rglob("*.py")]
    offenders = [f"{path.relative_to(PROJECT_ROOT)}:{line}"
                 for path in files if "/tests/" not in str(path)
                 for line in unchecked_next_reads(ast.parse(path.read_text(encoding="utf-8")))]
    assert offenders == []
    assert len(files) > 100


def short_text_survey(manager, token) -> int:
    """A gold survey of one short-text question, made through the editor's forms."""
    created = manager.post("/surveys/manage/new", data={"csrf_token": token, "title": "Опрос", "tiers": ["gold"]})
    survey_id = int(re.search(r"/surveys/manage/(\d+)/edit", created.headers["Location"]).group(1))
    manager.post(f"/surveys/manage/{survey_id}/questions/new/short_text", data={"csrf_token": token, "title": "Как дела?"})
    return survey_id


def test_survey_returns_to_a_local_next_only(app, login_as):
    manager = login_as("manager")
    token = csrf_token(manager, "/surveys/manage/new")
    survey_id = short_text_survey(manager, token)
    assert manager.post(f"/surveys/manage/{survey_id}/publish", data={"csrf_token": token}).status_code == 303
    learner = login_as("learner")
    page = learner.get(f"/surveys/{survey_id}?next=/%2F%2Fevil.example").get_data(as_text=True)
    assert 'name="next" value="/%2F%2Fevil.example"' not in page  # the old check let an encoded "//" through
    response = learner.post(f"/surveys/{survey_id}", data={
        "csrf_token": csrf_token(learner, f"/surveys/{survey_id}"), "action": "submit", "q-ok": "Хорошо",
        "next": "/%2F%2Fevil.example"})
    assert response.status_code == 302 and response.headers["Location"] == "/surveys/"


def test_lesson_completion_goes_to_the_next_lesson_or_stays_on_the_site(app, login_as):
    from tests.courses.course_helpers import make_course

    make_course(app, "redirects", lessons=3)
    client = login_as("learner")
    lesson = "/courses/redirects/lessons/l0"
    page = client.get(lesson).get_data(as_text=True)
    assert 'name="next" value="/courses/redirects/lessons/l1"' in page
    token = csrf_token(client, lesson)
    followed = client.post(lesson + "/complete", data={"csrf_token": token, "next": "/courses/redirects/lessons/l1"})
    assert followed.headers["Location"] == "/courses/redirects/lessons/l1"
    refused = client.post(lesson + "/complete", data={"csrf_token": token, "next": "//evil.example/x"})
    assert refused.status_code == 302 and refused.headers["Location"] == "/courses/redirects"
