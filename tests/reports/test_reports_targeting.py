"""Coverage follows course targeting: a course counts only for the dealers it is aimed at.

On top of reports_data.build (A = АгроСнаб-Юг, gold, Краснодарский край, 5 staff; B = Поле и Сад,
silver, Воронежская область, 2 staff; C = СибАгроТорг, bronze, Новосибирская область, 1 staff):
- «Золото» (product line Комбайны) targets tier gold and region Краснодарский край: both reach A,
  which still counts once. Иван holds a valid certificate; Мария (B) a valid one anyway; b1 (B) an
  expired one, which no one has to renew, so it is ignored.
- «Регион» (Комбайны) targets region Воронежская область: B. b1 expiring; Дмитрий (C) expired, ignored.
- «Дилер» (Сеялки) targets dealer C and tier silver: C and B. Дмитрий valid (never expires);
  a1 (A) expiring anyway.
"""

import pytest

from lms.courses.models import CourseTarget
from lms.extensions import db
from reports_data import A, B, C, build, certify, course, csv_rows, dealer, user

NOT_ASSIGNED = "Не назначен"


def matrix_cells(rows, column):
    """{dealer name: [staff, valid, expiring, expired, never]} of one column of the matrix export."""
    return {row[0]: row[4:9] for row in rows[1:] if row[3] == column}


def summary(rows):
    return {row[0]: row[1:] for row in rows[1:]}


def targeted(slug, title, product_line, *targets):
    item = course(slug, title, 12, product_line=product_line)
    item.targets_all = False
    for kind, value in targets:
        db.session.add(CourseTarget(course_id=item.id, kind=kind, value=None if kind == "dealer" else value,
                                    dealer_id=value if kind == "dealer" else None))
    db.session.flush()
    return item


@pytest.fixture
def data(app, demo):
    ids = build(app)
    with app.app_context():
        gold = targeted("gold", "Золото", "Комбайны", ("tier", "gold"), ("region", "Краснодарский край"))
        region = targeted("region", "Регион", "Комбайны", ("region", "Воронежская область"))
        one = targeted("one", "Дилер", "Сеялки", ("dealer", dealer(C).id), ("tier", "silver"))
        ivan, maria, b1 = user("learner@demo.example.com"), user("learner2@demo.example.com"), user("b1@t.example.com")
        dmitry, a1 = user("learner3@demo.example.com"), user("a1@t.example.com")
        certify(ivan, gold, 200)
        certify(maria, gold, 300)
        certify(b1, gold, -5)
        certify(b1, region, 10)
        certify(dmitry, region, -3)
        certify(dmitry, one, None, never_expires=True)
        certify(a1, one, 10)
        db.session.commit()
        ids.update(gold=gold.id, region=region.id, one=one.id)
    return ids


def test_matrix_cells_follow_targeting(login_as, data):
    rows = csv_rows(login_as("manager").get("/reports/coverage.csv?table=matrix"))
    assert matrix_cells(rows, "Золото") == {
        "АгроСнаб-Юг": ["5", "1", "0", "0", "4"],  # reached by tier and by region, counted once
        "Поле и Сад": ["2", "1", "0", "0", NOT_ASSIGNED],  # Мария's valid certificate still counts
        "СибАгроТорг": ["1", "0", "0", "0", NOT_ASSIGNED]}
    assert matrix_cells(rows, "Регион") == {
        "АгроСнаб-Юг": ["5", "0", "0", "0", NOT_ASSIGNED], "Поле и Сад": ["2", "0", "1", "0", "1"],
        "СибАгроТорг": ["1", "0", "0", "0", NOT_ASSIGNED]}  # Дмитрий's expired certificate is no gap
    assert matrix_cells(rows, "Дилер") == {
        "АгроСнаб-Юг": ["5", "0", "1", "0", NOT_ASSIGNED], "Поле и Сад": ["2", "0", "0", "0", "2"],
        "СибАгроТорг": ["1", "1", "0", "0", "0"]}
    # Courses for all dealers are unchanged (the hand counts of test_reports_coverage).
    assert matrix_cells(rows, "Безопасность")["СибАгроТорг"] == ["1", "0", "0", "0", "1"]


def test_summary_counts_the_audience_only(login_as, data):
    client = login_as("manager")
    rows = summary(csv_rows(client.get("/reports/coverage.csv")))
    # Staff: the targeted dealers' staff plus holders of a certificate in force elsewhere.
    assert rows["Золото"] == ["6", "2", "0", "0", "4", "33.3"]  # A's 5 + Мария
    assert rows["Регион"] == ["2", "0", "1", "0", "1", "50.0"]
    assert rows["Дилер"] == ["4", "1", "1", "0", "2", "50.0"]  # B's 2 + C's 1 + a1
    assert rows["Безопасность"] == ["8", "2", "2", "1", "3", "50.0"]
    by_region = summary(csv_rows(client.get("/reports/coverage.csv?region=Новосибирская область")))
    assert by_region["Регион"] == ["0", "0", "0", "0", NOT_ASSIGNED, ""]
    assert by_region["Дилер"] == ["1", "1", "0", "0", "0", "100.0"]


def test_product_lines_follow_targeting(login_as, data):
    client = login_as("manager")
    rows = csv_rows(client.get("/reports/coverage.csv?table=matrix&by=product_line"))
    # Комбайны reaches A (Золото) and B (Регион). Мария: valid through Золото; b1: expiring.
    assert matrix_cells(rows, "Комбайны") == {
        "АгроСнаб-Юг": ["5", "1", "0", "0", "4"], "Поле и Сад": ["2", "1", "1", "0", "0"],
        "СибАгроТорг": ["1", "0", "0", "0", NOT_ASSIGNED]}
    assert matrix_cells(rows, "Сеялки")["АгроСнаб-Юг"] == ["5", "0", "1", "0", NOT_ASSIGNED]
    lines = summary(csv_rows(client.get("/reports/coverage.csv?by=product_line")))
    assert lines["Комбайны"] == ["7", "2", "1", "0", "4", "42.9"]
    assert lines["Сеялки"] == ["4", "1", "1", "0", "2", "50.0"]


def test_matrix_page_says_not_assigned(login_as, data):
    html = login_as("manager").get("/reports/coverage").get_data(as_text=True)
    assert NOT_ASSIGNED in html


def test_drill_down_tells_unassigned_staff_apart(login_as, data):
    client = login_as("manager")
    never = csv_rows(client.get(f"/reports/coverage/people.csv?key={data['gold']}&state=never"))
    assert sorted(row[0] for row in never[1:]) == ["Ольга Смирнова", "Сотрудник А1", "Сотрудник А2", "Сотрудник А3"]
    unassigned = csv_rows(client.get(f"/reports/coverage/people.csv?key={data['gold']}&state=unassigned"))
    assert sorted(row[0] for row in unassigned[1:]) == ["Дмитрий Новиков", "Сотрудник Б1"]
    everyone = csv_rows(client.get(f"/reports/coverage/people.csv?key={data['gold']}"))
    states = {row[0]: row[3] for row in everyone[1:]}
    assert states["Мария Соколова"] == "Действует" and states["Сотрудник Б1"] == NOT_ASSIGNED
    assert [row[3] for row in everyone[1:]][-2:] == [NOT_ASSIGNED, NOT_ASSIGNED]  # the unassigned come last
    lines = csv_rows(client.get("/reports/coverage/people.csv?by=product_line&key=Комбайны&state=unassigned"))
    assert [row[0] for row in lines[1:]] == ["Дмитрий Новиков"]


def test_dealer_admin_sees_their_dealer_through_targeting(login_as, data):
    client = login_as("dealer_admin")  # Ольга, dealer A
    rows = summary(csv_rows(client.get(f"/reports/coverage.csv?dealer_id={data['B']}")))
    assert rows == {
        "Безопасность": ["5", "1", "1", "1", "2", "40.0"],
        "Дилер": ["1", "0", "1", "0", NOT_ASSIGNED, ""],  # a1 holds it anyway
        "Золото": ["5", "1", "0", "0", "4", "20.0"],
        "Регион": ["0", "0", "0", "0", NOT_ASSIGNED, ""],
        "Сервис": ["5", "0", "0", "1", "4", "0.0"],
    }
    page = summary(csv_rows(client.get(f"/reports/dealers/{data['A']}.csv")))
    assert page == rows
    people = csv_rows(client.get(f"/reports/coverage/people.csv?key={data['one']}"))
    assert [(row[0], row[3]) for row in people[1:]][0] == ("Сотрудник А1", "Истекает")
    assert {row[3] for row in people[1:][1:]} == {NOT_ASSIGNED} and len(people) == 6
    assert not [row for row in people[1:] if row[2] != "АгроСнаб-Юг"]
    pdf = client.get(f"/reports/dealers/{data['A']}/summary.pdf")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")


def test_targeted_columns_keep_query_counts_constant(app, login_as, query_counter, data):
    client = login_as("manager")
    urls = ["/reports/coverage", "/reports/coverage?by=product_line", "/reports/coverage.csv?table=matrix",
            f"/reports/coverage/people?key={data['gold']}", f"/reports/dealers/{data['A']}"]

    def counts():
        result = {}
        for url in urls:
            with query_counter() as statements:
                assert client.get(url).status_code == 200, url
            result[url] = len(statements)
        return result

    few = counts()
    with app.app_context():
        for i in range(10):
            item = targeted(f"more-{i}", f"Ещё {i}", f"Линия {i}", ("tier", "silver"), ("dealer", dealer(A).id))
            certify(user("learner3@demo.example.com"), item, 100)
        db.session.commit()
    assert counts() == few
