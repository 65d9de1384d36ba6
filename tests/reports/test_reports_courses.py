"""Course report, funnel, weekly activity, the dealer page, its PDF, and constant query counts."""
from datetime import timedelta

import pytest

from lms.auth.models import Dealer, User
from lms.courses.models import Course
from lms.extensions import db
from lms.timeutil import utcnow
from reports_data import build, csv_rows


@pytest.fixture
def data(app, demo):
    return build(app)


def test_course_report_hand_counts(login_as, data):
    rows = {row[0]: row[1:] for row in csv_rows(login_as("manager").get("/reports/courses.csv"))[1:]}
    # Enrolled: Иван, Мария (completed) and a1 (one lesson opened); 3 graded attempts, 2 passed.
    # Time: 4 lessons × 10 min + 3 attempts × 15 min = 85 min over 3 enrolled.
    assert rows["Безопасность"] == ["3", "1", "2", "66.7", "73.3", "28.3"]
    assert rows["Сервис"] == ["0", "0", "0", "", "", ""]


def test_course_funnel_per_lesson(login_as, data):
    rows = csv_rows(login_as("manager").get(f"/reports/courses/{data['c1']}.csv?table=funnel"))
    assert rows[1:] == [["Урок 1", "да", "3", "2", "66.7"], ["Урок 2", "да", "2", "2", "66.7"]]


def test_course_page_links_to_quiz_item_analysis(login_as, data):
    html = login_as("manager").get(f"/reports/courses/{data['c1']}").get_data(as_text=True)
    assert f"/quizzes/{data['quiz']}/analysis" in html
    assert login_as("manager").get("/reports/courses/999999").status_code == 404


def test_weekly_activity_counts_completions_this_week(login_as, data):
    rows = csv_rows(login_as("manager").get("/reports/activity.csv?weeks=4"))
    assert len(rows) == 5
    assert rows[-1][2] == "2"  # Иван and Мария completed this week
    assert int(rows[-1][1]) >= 3  # Иван, Мария, a1 opened lessons this week


def test_dealer_page_pdf_summary(app, login_as, data):
    client = login_as("manager")
    html = client.get(f"/reports/dealers/{data['A']}").get_data(as_text=True)
    assert "<svg" in html and "Безопасность" in html
    response = client.get(f"/reports/dealers/{data['A']}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF")


def test_dealer_page_exports(login_as, data):
    rows = csv_rows(login_as("manager").get(f"/reports/dealers/{data['A']}.csv"))
    assert rows[1] == ["Безопасность", "5", "1", "1", "1", "2", "40.0"]
    staff = csv_rows(login_as("manager").get(f"/reports/dealers/{data['A']}.csv?table=staff"))
    assert "Сотрудник А3" in {row[0] for row in staff}


REPORT_URLS = ["/reports/", "/reports/coverage", "/reports/coverage?by=product_line", "/reports/coverage.csv",
               "/reports/coverage.xlsx", "/reports/coverage/people?key={c1}", "/reports/courses",
               "/reports/courses.xlsx", "/reports/courses/{c1}", "/reports/activity", "/reports/activity.xlsx",
               "/reports/courses/{c1}.xlsx", "/reports/coverage/people.xlsx?key={c1}", "/reports/dealers/{A}",
               "/reports/dealers/{A}.xlsx", "/reports/dealers/{A}/summary.pdf"]


def grow(app, n):
    """n more dealers, each with a learner, and n more certifying courses."""
    with app.app_context():
        for i in range(n):
            dealer = Dealer(name=f"Дилер {i}", tier="bronze", region="Тест")
            db.session.add(dealer)
            db.session.flush()
            db.session.add(User(email=f"grow{i}@t.example.com", name=f"Слушатель {i}", dealer_id=dealer.id,
                                last_seen_at=utcnow() - timedelta(days=i)))
            db.session.add(Course(slug=f"grow-{i}", title=f"Курс {i}", version=1, published=True,
                                  product_line=f"Линия {i}", certificate_validity_months=12))
        db.session.commit()


@pytest.mark.parametrize("role", ["manager", "dealer_admin"])
def test_every_report_makes_a_constant_number_of_queries(app, login_as, query_counter, data, role):
    client = login_as(role)
    urls = [url.format(**data) for url in REPORT_URLS if role == "manager" or url != "/reports/"]

    def counts():
        result = {}
        for url in urls:
            with query_counter() as statements:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            result[url] = len(statements)
        return result

    few = counts()
    grow(app, 20)
    assert counts() == few


def test_overview_draws_coverage_and_activity_charts(login_as, data):
    html = login_as("manager").get("/reports/").get_data(as_text=True)
    coverage, activity = html.split('id="activity-heading"')
    assert coverage.count("<svg") == 1 and "Безопасность" in coverage  # a bar per certifying course
    assert activity.count("<svg") == 1 and "Активные слушатели" in activity
    assert html.index("<svg") < html.index("<table")  # the charts come before the dealers' table
