"""Coverage matrix: hand counts, product lines, the expiry window, filters, drill-down and exports."""
import io
from html.parser import HTMLParser

import openpyxl
import pytest

from reports_data import build, csv_rows

HEAD = ["Staff", "valid", "expiring", "expired", "never"]


class TableParser(HTMLParser):
    """Rows of the table with the given id, as lists of cell texts."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def page_table(html, table_id):
    parser = TableParser(table_id)
    parser.feed(html)
    return [row for row in parser.rows if row]


def xlsx_sheets(response):
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return {sheet.title: [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}


def number(text):
    """A cell as a number when it is one (XLSX keeps 50.0 as 50), else the text."""
    try:
        return float(text)
    except ValueError:
        return text


def matrix_counts(rows, column="Безопасность"):
    """{dealer name: [staff, valid, expiring, expired, never]} for one column of the matrix export."""
    return {row[0]: [int(v) for v in row[4:9]] for row in rows[1:] if row[3] == column}


@pytest.fixture
def data(app, demo):
    return build(app)


def test_coverage_matrix_matches_hand_counts(login_as, data):
    client = login_as("manager")
    rows = csv_rows(client.get("/reports/coverage.csv?table=matrix"))
    assert matrix_counts(rows) == {
        "АгроСнаб-Юг": [5, 1, 1, 1, 2],  # Иван valid, Ольга expiring, a1 expired, a2 revoked + a3 never
        "Поле и Сад": [2, 1, 1, 0, 0],
        "СибАгроТорг": [1, 0, 0, 0, 1],
    }
    assert matrix_counts(rows, "Сервис") == {
        "АгроСнаб-Юг": [5, 0, 0, 1, 4], "Поле и Сад": [2, 0, 0, 0, 2], "СибАгроТорг": [1, 1, 0, 0, 0]}
    # Neither the course without a certificate nor the draft is a column.
    assert {row[3] for row in rows[1:]} == {"Безопасность", "Сервис"}


def test_coverage_summary_page_and_exports_hold_the_same_numbers(login_as, data):
    client = login_as("manager")
    page = page_table(client.get("/reports/coverage").get_data(as_text=True), "table-summary")
    assert page[1:] == [["Безопасность", "8", "2", "2", "1", "3", "50.0"], ["Сервис", "8", "1", "0", "1", "6", "12.5"]]
    exported = csv_rows(client.get("/reports/coverage.csv"))
    assert exported[1:] == page[1:]
    assert exported[0] == page[0] == ["Курс", "Сотрудники", "Действует", "Истекает", "Истёк", "Без сертификата",
                                      "Сертифицировано, %"]
    sheets = xlsx_sheets(client.get("/reports/coverage.xlsx"))
    summary = next(rows for title, rows in sheets.items() if title.startswith("Покрытие по курс"))
    assert [[number(cell) for cell in row] for row in summary[1:]] == [[number(cell) for cell in row] for row in page[1:]]


def test_coverage_by_product_line_counts_each_person_once(login_as, data):
    rows = csv_rows(login_as("manager").get("/reports/coverage.csv?table=matrix&by=product_line"))
    # Иван: valid (Безопасность) beats expired (Сервис); Дмитрий: valid through Сервис.
    assert matrix_counts(rows, "Тракторы") == {
        "АгроСнаб-Юг": [5, 1, 1, 1, 2], "Поле и Сад": [2, 1, 1, 0, 0], "СибАгроТорг": [1, 1, 0, 0, 0]}


def test_expiry_window_is_a_parameter(login_as, data):
    rows = csv_rows(login_as("manager").get("/reports/coverage.csv?table=matrix&days=5"))
    counts = matrix_counts(rows)
    assert counts["АгроСнаб-Юг"] == [5, 2, 0, 1, 2]  # Ольга (10 days left) is no longer "expiring"
    assert counts["Поле и Сад"] == [2, 2, 0, 0, 0]


def test_region_and_tier_filters(login_as, data):
    client = login_as("manager")
    by_region = matrix_counts(csv_rows(client.get("/reports/coverage.csv?table=matrix&region=Краснодарский край")))
    assert by_region == {"АгроСнаб-Юг": [5, 1, 1, 1, 2]}
    by_tier = matrix_counts(csv_rows(client.get("/reports/coverage.csv?table=matrix&tier=silver")))
    assert by_tier == {"Поле и Сад": [2, 1, 1, 0, 0]}


def test_drill_down_to_people(login_as, data):
    client = login_as("manager")
    never = csv_rows(client.get(f"/reports/coverage/people.csv?key={data['c1']}&state=never"))
    assert sorted(row[0] for row in never[1:]) == ["Дмитрий Новиков", "Сотрудник А2", "Сотрудник А3"]
    dealer_a = csv_rows(client.get(f"/reports/coverage/people.csv?key={data['c1']}&dealer_id={data['A']}"))
    states = {row[0]: row[3] for row in dealer_a[1:]}
    assert states == {"Иван Петров": "Действует", "Ольга Смирнова": "Истекает", "Сотрудник А1": "Истёк",
                      "Сотрудник А2": "Без сертификата", "Сотрудник А3": "Без сертификата"}
    html = client.get(f"/reports/coverage/people?key={data['c1']}&dealer_id={data['A']}").get_data(as_text=True)
    assert "Сотрудник А2" in html and "Мария Соколова" not in html


def test_unknown_course_and_bad_parameters(login_as, data):
    client = login_as("manager")
    assert client.get("/reports/coverage/people?key=999999").status_code == 404
    bad = client.get("/reports/coverage?days=soon")
    assert bad.status_code == 400 and "days" in bad.get_data(as_text=True)
    assert client.get("/reports/coverage?by=colour").status_code == 400
    assert client.get("/reports/coverage.pdf").status_code == 404
