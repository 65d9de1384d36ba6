"""A reminder's dealer id past what the database holds is a 400, not a 500 (issue 17)."""
import pytest

from lms.testing import csrf_token
from test_polls_tab import publish_gold_poll


@pytest.mark.parametrize("dealer_id", [str(2**31), str(2**63), "9" * 5000, "\u00b2"])
def test_reminder_for_a_dealer_id_out_of_range_is_a_400(login_as, dealer_id):
    manager = login_as("manager")
    poll_id = publish_gold_poll(manager)
    token = csrf_token(manager, f"/polls/{poll_id}")
    response = manager.post(f"/polls/{poll_id}/remind", data={"csrf_token": token, "dealer_id": dealer_id})
    assert response.status_code == 400


def test_deep_poll_questions_are_a_form_error(login_as):
    """Issue 17: 5,000 nested brackets in the typed questions were a RecursionError 500."""
    deep = "[" * 5000 + "]" * 5000
    manager = login_as("manager")
    poll = manager.post("/polls/new", data={"csrf_token": csrf_token(manager, "/polls/new"), "title": "Глубоко?",
                                            "questions_json": deep, "options-0-text": deep[:100]})
    assert poll.status_code == 422 and "Введите текст." in poll.get_data(as_text=True)  # no JSON is read
