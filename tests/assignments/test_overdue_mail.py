"""Done when: a region's assignment with a relative due date reaches a newcomer, who is overdue the day
after; exactly one overdue e-mail reaches them and one their dealer admin, over real SMTP; the worker
running again sends nothing more."""
from assignment_helpers import add_user, dealer_id_of, statuses

from lms.testing import DEMO_EMAILS, add_published_course, csrf_token, sign_in, smtp_server, smtp_settings
from lms.timeutil import clock_moved

NEWCOMER = "newcomer@demo.example.com"


def run_worker(app) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def overdue_mails(mail, address, about):
    return [message for message in mail.to(address)
            if message["Subject"].startswith("Просрочено") and about in message["Subject"]]


def test_newcomer_overdue_mail_reaches_them_and_their_dealer_admin_once(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(ASSIGNMENT_SWEEP_SECONDS=0, **smtp_settings(mail))
        course = add_published_course(app, slug="npk", title="NPK line")
        client = app.test_client()
        sign_in(client, "manager")
        response = client.post("/assignments/new", data={
            "csrf_token": csrf_token(client, "/assignments/new"), "target": f"course:{course}",
            "audience_kind": "region", "regions": "Краснодарский край",
            "due_kind": "after_joining", "due_days": "14"})
        assert response.status_code == 302
        assignment = int(response.headers["Location"].rsplit("/", 1)[1])

        with clock_moved(days=2):  # joins two days after the assignment
            add_user(app, NEWCOMER, dealer_id_of(app, "learner"))
            assert statuses(app, assignment)[NEWCOMER] == "not_started"
            run_worker(app)  # "new assignment" notices
            [welcome] = mail.to(NEWCOMER)
            assert welcome["Subject"] == "Назначено обучение: NPK line"

        with clock_moved(days=2 + 14):  # the due date itself: not overdue yet
            assert statuses(app, assignment)[NEWCOMER] != "overdue"
        with clock_moved(days=2 + 15):  # the day after
            assert statuses(app, assignment)[NEWCOMER] == "overdue"
            run_worker(app)
            assert len(overdue_mails(mail, NEWCOMER, "newcomer")) == 1
            assert len(overdue_mails(mail, DEMO_EMAILS["dealer_admin"], "newcomer")) == 1
            body = overdue_mails(mail, DEMO_EMAILS["dealer_admin"], "newcomer")[0].get_content()
            assert "NPK line" in body
            sent = len(mail.messages)
            run_worker(app)
            run_worker(app)
            assert len(mail.messages) == sent
