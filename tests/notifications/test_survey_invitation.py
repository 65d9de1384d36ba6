"""Publishing a survey invites its audience through the notifications (e-mail by default), once."""
import re

from lms.testing import DEMO_EMAILS, csrf_token, sign_in, smtp_server, smtp_settings
from notify_support import run_worker


def test_publishing_a_survey_invites_its_audience_once(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(**smtp_settings(mail))
        manager = app.test_client()
        sign_in(manager, "manager")
        token = csrf_token(manager, "/surveys/manage/new")
        created = manager.post("/surveys/manage/new", data={
            "csrf_token": token, "title": "Калькулятор доз", "tiers": ["gold"]})
        survey_id = int(re.search(r"/surveys/manage/(\d+)/edit", created.headers["Location"]).group(1))
        added = manager.post(f"/surveys/manage/{survey_id}/questions/new/rating",
                             data={"csrf_token": token, "title": "Оценка"})
        assert added.status_code == 303, added.get_data(as_text=True)[:500]
        for _ in range(2):
            manager.post(f"/surveys/manage/{survey_id}/publish", data={"csrf_token": token})
        run_worker(app)  # the invitations become notifications (publishing only marked the survey)
        run_worker(app)  # and their e-mails leave the outbox
        [invited] = mail.to(DEMO_EMAILS["learner"])
        assert invited["Subject"] == "Опрос: Калькулятор доз"
        assert f"https://lms.test/surveys/{survey_id}" in invited.get_content()
        assert mail.to(DEMO_EMAILS["learner2"]) == []  # not gold
