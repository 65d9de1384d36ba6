"""Numbers past what the database holds are a 404 or a clear error, never a 500 (issue 17, item 5).

Ids are INTEGER columns: PostgreSQL refused a parameter past 2**31 - 1 and SQLite's driver one past
2**63 - 1; a digit string past 4300 digits, or a digit like "²", made ``int()`` itself raise.
"""
import re
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Map, Rule
from wtforms import Form

from lms.bounds import MAX_ID, IdConverter, parse_id, parse_int
from lms.forms_fields import FiniteDecimalField, IdField
from lms.testing import api_token, csrf_token

from tests.quizzes.quiz_testkit import build_quiz

OUT_OF_RANGE = [str(2**31), str(2**63), str(10**30), "9" * 5000, "0", "\u0661", "\u00b2"]  # Arabic one, superscript two
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def with_id(rule, value: str) -> str:
    """The rule's URL with every ``<int:…>`` set to ``value`` and other variables to a sample."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda m: value if m.group(1) == "int" else "x", rule.rule)


def id_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]


def test_parse_id_takes_ascii_digits_within_range_only():
    assert parse_id("1") == 1 and parse_id(str(MAX_ID)) == MAX_ID and parse_id(42) == 42
    for raw in [*OUT_OF_RANGE, "-1", " 1", "1.0", "", None, True, 2**31, "0x10", "1e3"]:
        assert parse_id(raw) is None, raw
    assert parse_int("0", 0, 10) == 0 and parse_int("11", 0, 10) is None


def test_the_id_converter_may_narrow_a_route_but_never_widen_it():
    url_map = Map([Rule("/a/<int:n>", endpoint="a"), Rule("/b/<int(max=99):n>", endpoint="b"),
                   Rule("/c/<int(min=0,max=9999999999999):n>", endpoint="c")],
                  converters={"int": IdConverter})
    adapter = url_map.bind("lms.test")
    assert adapter.match("/a/2147483647") == ("a", {"n": MAX_ID})
    assert adapter.match("/b/99") == ("b", {"n": 99})
    for path in ("/a/2147483648", "/a/0", "/a/01", "/b/100", "/c/0", "/c/2147483648", "/a/" + "9" * 5000, "/a/\u0661"):
        with pytest.raises(Exception) as refused:
            adapter.match(path)
        assert getattr(refused.value, "code", None) == 404, path


def test_every_id_route_answers_404_for_an_id_out_of_range(app, login_as):
    """Every route of the core and the plugins, as an administrator; no request reaches the database."""
    client = login_as("admin")
    token = csrf_token(client, "/")
    rules = id_rules(app)
    assert len(rules) >= 30
    for rule in rules:
        for value in OUT_OF_RANGE:
            url = with_id(rule, value)
            if "GET" in rule.methods:
                assert client.get(url).status_code == 404, url
            for method in sorted(rule.methods & WRITE_METHODS):
                response = client.open(url, method=method, data={"csrf_token": token})
                assert response.status_code == 404, f"{method} {url}"


def test_a_learner_gets_404_too(app, login_as):
    client = login_as("learner")
    for path in ("/quizzes/attempts/{}", "/quizzes/attempts/{}/result", "/certificates/{}/download",
                 "/surveys/{}", "/quizzes/{}"):
        for value in OUT_OF_RANGE[:4]:
            assert client.get(path.format(value)).status_code == 404, path.format(value)


def test_query_string_ids_out_of_range_never_reach_the_database(app, login_as):
    manager = login_as("manager")
    huge = str(2**31)
    for url in (f"/reports/coverage?dealer_id={huge}", f"/reports/coverage?dealer_id={'9' * 5000}",
                f"/reports/courses?dealer_id={2**63}", f"/certificates/manage/?dealer_id={huge}&course_id={2**63}"):
        assert manager.get(url).status_code == 200, url
    assert manager.get("/reports/coverage/people?key=\u00b2").status_code == 404
    assert manager.get(f"/reports/coverage/people?key={huge}").status_code == 404
    # The marketing plugin's filters: plugins/lms_marketing/tests/test_marketing_edges.py.


@pytest.fixture
def api_client(app, demo):
    value = api_token(app, "read:users", "read:progress", integration="bounds")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {value}"
    return client


@pytest.mark.parametrize("value", [str(2**31), "9" * 5000, "\u00b2", "-1"])
def test_api_query_ids_out_of_range_are_a_400_with_a_code(api_client, value):
    response = api_client.get(f"/api/v1/users?dealer_id={value}")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_parameter"
    limit = api_client.get(f"/api/v1/users?limit={value}")
    assert limit.status_code == 400 and limit.json["error"]["code"] == "invalid_parameter"


class NumbersForm(Form):
    course_id = IdField()
    mark = FiniteDecimalField(places=2)


@pytest.mark.parametrize("course_id, mark", [(str(2**31), "1"), ("9" * 5000, "1"), ("1", "NaN"), ("1", "sNaN"),
                                             ("1", "Infinity"), ("1", "1e999999"), ("\u00b2", "1")])
def test_shared_fields_refuse_what_no_column_holds(course_id, mark):
    form = NumbersForm(formdata=MultiDict({"course_id": course_id, "mark": mark}))
    assert not form.validate()
    assert form.errors and (form.course_id.data is None or form.mark.data is None)
    form = NumbersForm(formdata=MultiDict({"course_id": str(MAX_ID), "mark": "99.5"}))
    assert form.validate() and form.course_id.data == MAX_ID and form.mark.data == Decimal("99.5")


def test_a_survey_linked_to_a_course_id_out_of_range_is_a_field_error(app, login_as):
    client = login_as("manager")
    for course_id in (str(2**31), "x", "987654"):  # the course is picked from a list: anything else is refused
        response = client.post("/surveys/manage/new", data={
            "csrf_token": csrf_token(client, "/surveys/manage/new"), "title": "Отзыв", "tiers": ["gold"],
            "course_id": course_id}, headers={"Accept-Language": "en"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and 'id="course_id-error"' in html and "choice" in html.lower(), course_id


def test_a_pass_mark_that_is_not_a_finite_number_is_a_field_error(app, login_as):
    quiz = build_quiz(app, types=["single_choice"])
    client = login_as("author")
    page = f"/quizzes/{quiz['quiz_id']}/edit"
    for value in ("sNaN", "NaN", "1e999999"):
        response = client.post(page, headers={"Accept-Language": "en"},
                               data={"csrf_token": csrf_token(client, page), "title": "Exam", "pass_percent": value})
        assert response.status_code in (200, 400, 422), value
        assert "Not a valid decimal value." in response.get_data(as_text=True), value


@pytest.mark.parametrize("reference", ["²", "9" * 5000, str(2**31), "0"])
def test_typed_user_and_dealer_references_out_of_range_find_nothing(app, demo, reference):
    """The link pages and commands take 'an id or an e-mail': '²' passed isdigit() and int()
    raised, and a 5,000-digit id overflowed the column."""
    from lms.auth.services import find_dealer, find_user

    with app.app_context():
        assert find_user(reference) is None
        assert find_dealer(reference) is None
