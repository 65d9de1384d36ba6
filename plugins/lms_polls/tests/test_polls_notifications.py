"""Poll invitations go through the core's notifications: published → invited by e-mail; reminded → again."""
from lms.testing import DEMO_EMAILS, csrf_token, load_core_demo, sign_in, smtp_server, smtp_settings


def test_publishing_and_reminding_invite_dealer_staff_by_email(app_factory):
    with smtp_server() as mail:
        app = app_factory(**smtp_settings(mail))
        load_core_demo(app)
        manager = app.test_client()
        sign_in(manager, "manager")
        response = manager.post("/polls/new?kind=single_choice", data={
            "csrf_token": csrf_token(manager, "/polls/new"), "title": "Удобен ли новый прайс-лист?",
            "required": "y", "options-0-text": "Да", "options-1-text": "Нет", "tiers": ["gold"]})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        poll_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
        runner = app.test_cli_runner()
        runner.invoke(args=["worker", "--once"])
        invited = mail.to(DEMO_EMAILS["learner"])
        assert len(invited) == 1 and invited[0]["Subject"] == "Опрос: Удобен ли новый прайс-лист?"
        assert "/surveys/" in invited[0].get_content()
        assert mail.to(DEMO_EMAILS["manager"]) == []  # staff are not polled
        manager.post(f"/polls/{poll_id}/remind", data={"csrf_token": csrf_token(manager, f"/polls/{poll_id}")})
        runner.invoke(args=["worker", "--once"])
        runner.invoke(args=["worker", "--once"])
        assert len(mail.to(DEMO_EMAILS["learner"])) == 2
        learner = app.test_client()
        sign_in(learner, "learner")
        assert "Опрос: Удобен ли новый прайс-лист?" in learner.get("/notifications/").get_data(as_text=True)
