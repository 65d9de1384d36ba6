"""A dealer admin sees their own dealer only, whatever the URL or filter says."""
import csv
import io

import pytest

from reports_data import build

OTHERS = ("Мария Соколова", "Сотрудник Б1", "Дмитрий Новиков", "Поле и Сад", "СибАгроТорг")


@pytest.fixture
def data(app, demo):
    return build(app)


def text(response):
    return response.get_data().decode("utf-8-sig", errors="replace")


def test_dealer_admin_reports_are_pinned_to_their_dealer(login_as, data):
    client = login_as("dealer_admin")
    b, c1 = data["B"], data["c1"]
    urls = [
        f"/reports/coverage?dealer_id={b}", f"/reports/coverage?region=Воронежская область&tier=silver",
        f"/reports/coverage?by=product_line&dealer_id={b}", f"/reports/coverage.csv?table=matrix&dealer_id={b}",
        f"/reports/coverage.xlsx?dealer_id={b}", f"/reports/coverage/people?key={c1}&dealer_id={b}",
        f"/reports/coverage/people.csv?key={c1}&dealer_id={b}&state=valid", f"/reports/courses?dealer_id={b}",
        f"/reports/courses.csv?dealer_id={b}", f"/reports/courses/{c1}?dealer_id={b}",
        f"/reports/courses/{c1}.csv?table=funnel&dealer_id={b}", f"/reports/activity?dealer_id={b}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = text(response)
        if not url.split("?")[0].endswith(".xlsx"):
            assert not [name for name in OTHERS if name in body], url
    # Numbers are the own dealer's: Иван and a1 enrolled, Иван completed; 2 graded attempts, 1 passed.
    courses = list(csv.reader(io.StringIO(text(client.get(f"/reports/courses.csv?dealer_id={b}")))))
    assert {row[0]: row[1:] for row in courses[1:]}["Безопасность"] == ["2", "1", "1", "50.0", "70.0", "25.0"]
    matrix = list(csv.reader(io.StringIO(text(client.get(f"/reports/coverage.csv?table=matrix&dealer_id={b}")))))
    assert {row[0] for row in matrix[1:]} == {"АгроСнаб-Юг"}


def test_dealer_admin_gets_404_for_other_dealers_pages(login_as, data):
    client = login_as("dealer_admin")
    for dealer in (data["B"], data["C"], 999999):
        for suffix in ("", ".csv", ".xlsx", "/summary.pdf"):
            response = client.get(f"/reports/dealers/{dealer}{suffix}")
            assert response.status_code == 404, suffix
            assert "Мария Соколова" not in text(response)
    assert client.get(f"/reports/dealers/{data['A']}/summary.pdf").status_code == 200
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/dealers.csv").status_code == 403


def test_learners_cannot_open_reports(login_as, data):
    client = login_as("learner")
    for url in ("/reports/coverage", "/reports/courses", "/reports/activity", f"/reports/dealers/{data['A']}"):
        assert client.get(url).status_code in (403, 404), url
