"""The coverage matrix and the assignments list show who is assigned and who is overdue, per dealer."""
import re
from datetime import date

from assignment_helpers import assign, dealer_id_of, user_id

from lms.testing import add_published_course, sign_in


def matrix_row(page: str, dealer: str) -> str:
    return next(row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if dealer in row)


def test_coverage_matrix_shows_assigned_and_overdue(app, client, demo):
    course = add_published_course(app, slug="m", title="Matrix course")
    assign(app, course_id=course, audience_kind="dealers", audience_values=(dealer_id_of(app, "learner"),),
           due_kind="fixed", due_on=date(2030, 6, 1))
    sign_in(client, "manager")
    page = client.get("/reports/coverage").get_data(as_text=True)
    assert "Назначено" in page and "Просрочено" in page
    cells = re.findall(r'<td class="num">(.*?)</td>', matrix_row(page, "АгроСнаб-Юг"))
    assert cells[1:3] == ["2", "0"]  # staff, then assigned, overdue
    late = add_published_course(app, slug="late", title="Late course")
    assign(app, course_id=late, audience_kind="people", audience_values=(user_id(app, "learner"),),
           due_kind="fixed", due_on=date(2020, 1, 1))
    page = client.get("/reports/coverage").get_data(as_text=True)
    cells = re.findall(r'<td class="num">(.*?)</td>', matrix_row(page, "АгроСнаб-Юг"))
    assert cells[1:3] == ["2", '<span class="status status-overdue">1</span>']
    assert re.findall(r'<td class="num">(.*?)</td>', matrix_row(page, "Поле и Сад"))[1:3] == ["0", "0"]


def test_dealer_admin_sees_their_staff_counts_on_a_managers_assignment(app, client, demo):
    course = add_published_course(app, slug="d", title="Everyone course")
    assign(app, course_id=course, audience_kind="all", due_kind="fixed", due_on=date(2020, 1, 1))
    sign_in(client, "dealer_admin")
    page = client.get("/assignments/").get_data(as_text=True)
    row = next(row for row in re.findall(r"<tr.*?</tr>", page, re.S) if "Everyone course" in row)
    assert re.findall(r'<td class="num">(.*?)</td>', row)[0] == "2"  # their two people, not all four
