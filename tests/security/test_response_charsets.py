"""Text responses name their charset once (issue 17, item 8): Flask adds it to a bare text MIME type itself."""
import ast
import io
import re

from lms.testing import PROJECT_ROOT, csrf_token

from tests.courses.course_helpers import course_id, make_course

CHARSET_MIME = re.compile(r"^[\w.+-]+/[\w.+-]+\s*;\s*charset=", re.IGNORECASE)


def header_values(tree: ast.AST) -> set[int]:
    """Ids of constants that are the value of a literal ``{"Content-Type": …}``: a header set as is."""
    return {id(value) for node in ast.walk(tree) if isinstance(node, ast.Dict)
            for key, value in zip(node.keys, node.values)
            if isinstance(key, ast.Constant) and str(key.value).lower() == "content-type"}


def test_no_code_hands_flask_a_mime_type_with_a_charset():
    """``mimetype="text/csv; charset=utf-8"`` became ``text/csv; charset=utf-8; charset=utf-8``."""
    offenders = []
    for folder in ("lms", "plugins"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            if "/tests/" in path.as_posix():
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            headers = header_values(tree)
            offenders += [f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}" for node in ast.walk(tree)
                          if isinstance(node, ast.Constant) and isinstance(node.value, str)
                          and CHARSET_MIME.match(node.value) and id(node) not in headers]
    assert offenders == []


def test_csv_and_text_downloads_have_one_charset(app, login_as):
    from lms.events import commit
    from lms.quizzes.bank import create_question, ensure_category

    make_course(app, "charsets")
    with app.app_context():
        category_id = ensure_category(["Bank"]).id
        create_question(category_id, "true_false",
                        {"name": "Q", "text": "Небо зелёное.", "definition": {"correct": False}})
        commit()
    manager = login_as("manager")
    token = csrf_token(manager, "/surveys/manage/new")
    created = manager.post("/surveys/manage/new", data={"csrf_token": token, "title": "Опрос", "tiers": ["gold"]})
    survey_id = re.search(r"/surveys/manage/(\d+)/edit", created.headers["Location"])[1]
    for url in ("/reports/coverage.csv", "/reports/courses.csv", f"/surveys/manage/{survey_id}/results.csv"):
        response = manager.get(url)
        assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8", url
    author = login_as("author")
    gift = author.get(f"/quizzes/bank/{category_id}/export.gift")
    assert gift.status_code == 200 and gift.headers["Content-Type"] == "text/plain; charset=utf-8"
    target = course_id(app, "charsets")
    uploaded = author.post(f"/courses/manage/{target}/assets", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(author, f"/courses/manage/{target}"),
                                 "file": (io.BytesIO("Памятка\n".encode()), "notes.txt")})
    assert uploaded.status_code == 302
    page = author.get(f"/courses/manage/{target}").get_data(as_text=True)
    asset_url = re.search(r'/courses/charsets/assets/[0-9a-f]{64}', page)[0]
    with author.get(asset_url) as served:
        assert served.status_code == 200 and served.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert served.get_data(as_text=True) == "Памятка\n"
