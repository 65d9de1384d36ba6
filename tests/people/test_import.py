"""Bulk import of dealers and users: preview, every problem with its row, nothing written on error, idempotent."""
import io

import sqlalchemy as sa
from openpyxl import Workbook

from lms.extensions import db
from lms.testing import csrf_token, sign_in

HEADER = "email,name,role,dealer_tax_id,dealer_name,tier,region,active\n"
GOOD = (HEADER
        + "new.one@agro.example,Пётр Новиков,learner,7700000001,Новый Агро,silver,Москва,да\n"
        + "new.two@agro.example,Анна Белова,dealer_admin,7700000001,Новый Агро,silver,Москва,yes\n"
        + ",,,7700000002,Второй Агро,bronze,Тула,\n"
        + "learner@demo.example.com,Иван Петров,learner,,,,,\n")


def cli(app, text, *extra, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["users", "import", str(path), *extra])


def counts(app):
    from lms.auth.models import Dealer, User

    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count(User.id))),
                db.session.scalar(sa.select(sa.func.count(Dealer.id))))


def test_cli_previews_applies_and_a_second_run_changes_nothing(app, demo, tmp_path):
    before = counts(app)
    preview = cli(app, GOOD, tmp_path=tmp_path)
    assert preview.exit_code == 0 and "created: 3, updated: 0, unchanged: 1" in preview.output
    assert counts(app) == before
    applied = cli(app, GOOD, "--apply", tmp_path=tmp_path)
    assert applied.exit_code == 0, applied.output
    assert counts(app) == (before[0] + 2, before[1] + 2)
    again = cli(app, GOOD, "--apply", tmp_path=tmp_path)
    assert "created: 0, updated: 0, unchanged: 4" in again.output
    assert counts(app) == (before[0] + 2, before[1] + 2)
    changed = cli(app, GOOD.replace("Анна Белова,dealer_admin", "Анна Белова,learner"), tmp_path=tmp_path)
    assert "created: 0, updated: 1, unchanged: 3" in changed.output


def test_one_bad_row_writes_nothing_and_every_problem_has_its_row(app, demo, tmp_path):
    before = counts(app)
    bad = GOOD + "not-an-email,Кто-то,learner,7700000001,,,,\n" + "x@agro.example,Икс,wizard,,,,,\n" \
        + "new.one@agro.example,Дубль,learner,7700000001,,,,\n"
    result = cli(app, bad, "--apply", tmp_path=tmp_path)
    assert result.exit_code != 0
    assert "row 6:" in result.output and "row 7:" in result.output and "row 8:" in result.output
    assert "nothing was written" in result.output
    assert counts(app) == before


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_admin_page_previews_an_xlsx_then_applies_it(app, demo):
    client = app.test_client()
    sign_in(client, "admin")
    lines = [line.split(",") for line in GOOD.strip().split("\n")]
    token = csrf_token(client, "/admin/import")
    preview = client.post("/admin/import", data={"csrf_token": token,
                                                 "file": (io.BytesIO(_xlsx(lines)), "people.xlsx")},
                          content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Будет создано: 3, обновлено: 0, без изменений: 1." in html
    stored = __import__("re").search(r'name="stored" value="([^"]+)"', html).group(1)
    before = counts(app)
    applied = client.post("/admin/import", data={"csrf_token": token, "stored": stored, "apply": "y"})
    assert applied.status_code == 303
    assert counts(app) == (before[0] + 2, before[1] + 2)


def test_admin_page_lists_problems_and_refuses_junk(app, demo):
    client = app.test_client()
    sign_in(client, "admin")
    token = csrf_token(client, "/admin/import")
    bad = client.post("/admin/import", data={"csrf_token": token, "file": (io.BytesIO(
        (HEADER + "a@b.example,,learner,999,,,,\n").encode()), "p.csv")}, content_type="multipart/form-data")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Строка 2:" in html and "Применить изменения" not in html
    junk = client.post("/admin/import", data={"csrf_token": token, "file": (io.BytesIO(b"PK\x03\x04junk"), "p.xlsx")},
                       content_type="multipart/form-data")
    assert junk.status_code == 422 and "XLSX" in junk.get_data(as_text=True)
    nothing = client.post("/admin/import", data={"csrf_token": token, "stored": "../../etc/passwd", "apply": "y"})
    assert nothing.status_code == 400


def test_imported_people_are_assigned_by_the_worker_sweep_in_one_pass(app, demo, tmp_path):
    """The import does not reach each new person in its own commit; the worker's next sweep reaches them all."""
    from lms.assignments.services import AssignmentSpec, create_assignment
    from lms.auth.models import User
    from lms.events import commit
    from lms.testing import DEMO_EMAILS, add_published_course
    from lms.worker import run_once

    course = add_published_course(app, slug="imported-safety", title="Safety")
    with app.app_context():
        author = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAILS["manager"]))
        create_assignment(AssignmentSpec(course_id=course, path_id=None, audience_kind="all", audience_values=(),
                                         due_kind="after_assignment", due_days=30),
                          by_user_id=author.id, by_role=author.role, by_dealer_id=author.dealer_id)
        commit()
    assert cli(app, GOOD, "--apply", tmp_path=tmp_path).exit_code == 0

    def held():
        from lms.assignments.models import AssignmentPerson

        with app.app_context():
            return set(db.session.scalars(sa.select(User.email).join(AssignmentPerson, AssignmentPerson.user_id == User.id)
                                          .where(User.email.like("new.%@agro.example"))))
    assert held() == set()
    with app.app_context():
        app.extensions.pop("lms_assignments_last_sweep", None)
        assert run_once(10)["assignments given"] >= 2
    assert held() == {"new.one@agro.example", "new.two@agro.example"}
