"""Flow 3 in real Chromium: a manager opens the certification coverage report and exports it (CSV and
XLSX downloads whose content is checked)."""
from __future__ import annotations

import csv
import io
import threading

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from browser_flows_kit import FERTILIZER, load_full_demo, shot
from lms.extensions import db
from lms.testing import DEMO_EMAILS, browser_login

pytestmark = pytest.mark.browser


def certify(app, email: str, slug: str) -> None:
    """Complete the course as the courses domain does (record, event, commit): the certificate is issued."""
    from lms.auth.models import User
    from lms.courses.contracts import CourseCompletion
    from lms.courses.models import Course, CourseCompletionRecord
    from lms.events import commit, emit
    from lms.timeutil import utcnow

    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        completion = CourseCompletion(user_id=user_id, course_id=course.id, course_version=course.version,
                                      score_percent=95.0, completed_at=utcnow())
        db.session.add(CourseCompletionRecord(user_id=user_id, course_id=course.id, course_version=course.version,
                                              score_percent=95.0, completed_at=completion.completed_at))
        emit("lms_course_completed", completion=completion)
        commit()


def test_manager_opens_coverage_and_exports_it(live_server, page, tmp_path):
    server = live_server.start()
    load_full_demo(server.app)
    # The PDF signer calls asyncio.run, which cannot run in this thread while Playwright's loop does.
    worker = threading.Thread(target=certify, args=(server.app, DEMO_EMAILS["learner"], FERTILIZER))
    worker.start()
    worker.join()
    base = server.url

    browser_login(page, base, DEMO_EMAILS["manager"])
    page.locator("nav.tabs").get_by_role("link", name="Отчёты", exact=True).click()
    page.get_by_role("link", name="Покрытие сертификацией").first.click()
    expect(page.locator("h1")).to_have_text("Покрытие сертификацией")
    matrix = page.locator("table.coverage-matrix")
    expect(matrix).to_contain_text("АгроСнаб-Юг")
    shot(page, "flow3-01-coverage")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV: Покрытие по дилерам").click()
    csv_path = tmp_path / "coverage.csv"
    csv_download.value.save_as(csv_path)
    assert csv_download.value.suggested_filename.endswith(".csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Cyrillic right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:7] == ["Дилер", "Регион", "Уровень", "Курс", "Сотрудники", "Действует", "Истекает"], header
    by_dealer_course = {(r[0], r[3]): r for r in rows[1:]}
    course_title = "Безопасное хранение и применение минеральных удобрений"
    agro = by_dealer_course[("АгроСнаб-Юг", course_title)]
    valid_column = header.index("Действует")
    assert agro[valid_column] == "1", (header, agro)
    other = by_dealer_course[("Поле и Сад", course_title)]
    assert other[valid_column] == "0"

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="XLSX", exact=True).click()
    xlsx_path = tmp_path / "coverage.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    workbook = load_workbook(xlsx_path, read_only=True)
    assert len(workbook.sheetnames) == 2
    summary = [list(row) for row in workbook[workbook.sheetnames[0]].iter_rows(values_only=True)]
    fertilizer_row = next(row for row in summary if row[0] == course_title)
    assert fertilizer_row[2] == 1  # one valid certificate, typed as a number
    matrix_rows = [list(row) for row in workbook[workbook.sheetnames[1]].iter_rows(values_only=True)]
    assert [row[:4] for row in matrix_rows[1:]].count(list(agro[:4])) == 1
    workbook.close()
