"""An older save never overwrites a newer answer (issue 17, item 8b).

quizzes.js numbers each slot's saves, continuing from the stored answer's number (``data-seq``);
the database keeps an answer unless a save numbered higher arrives, in the upsert itself: the quick
path's one statement, the full save's, and PostgreSQL's batch statement (test_save_batches.py).
A save replayed or overtaken on the network gets 409 ``stale_answer`` with the stored number.
"""
import threading

import pytest
import sqlalchemy as sa
from quiz_testkit import autosave, build_quiz, load_demo, login, page_token, slot_version, start, stored

from lms.extensions import db
from lms.quizzes.models import Answer, AttemptSlot
from lms.testing import statements_sent


@pytest.fixture
def qapp(app_factory):
    app = app_factory(QUIZ_GRACE_SECONDS=30)
    load_demo(app)
    return app


def stored_seqs(app, attempt_id: int) -> dict:
    with app.app_context():
        return dict(db.session.execute(
            sa.select(AttemptSlot.position, Answer.client_seq).join(Answer, Answer.slot_id == AttemptSlot.id)
            .where(AttemptSlot.attempt_id == attempt_id)).all())


def data_statements(statements) -> list[str]:
    return [s.split()[0].upper() for s in statements if s.split()[0].upper() in ("SELECT", "INSERT", "UPDATE")]


def test_a_save_older_than_the_stored_answer_changes_nothing_and_says_so(qapp):
    quiz = build_quiz(qapp, types=["single_choice"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    version = slot_version(qapp, attempt_id, 1)
    with qapp.app_context():
        engine = db.engine
    assert autosave(client, attempt_id, 1, {"s1": ["ob"]}, token, version=version, seq=2).status_code == 200
    with statements_sent(engine) as sent:
        assert autosave(client, attempt_id, 1, {"s1": ["oc"]}, token, version=version, seq=3).status_code == 200
    assert data_statements(sent) == ["INSERT"], sent  # the number rides in the same one statement

    # Through the quick path (version sent) and the full save (no version): equal or lower is older.
    for replayed_version in (version, None):
        for seq in (3, 2, 1):
            older = autosave(client, attempt_id, 1, {"s1": ["oa"]}, token, version=replayed_version, seq=seq)
            error = older.get_json()["error"]
            assert older.status_code == 409 and error["code"] == "stale_answer" and error["seq"] == 3, error
            assert error["message"].startswith("Более новый ответ")
    assert stored(qapp, attempt_id) == {1: {"choice": "oc"}} and stored_seqs(qapp, attempt_id) == {1: 3}

    # A page from before the numbering sends none: it saves, and the stored number stays.
    assert autosave(client, attempt_id, 1, {"s1": ["ob"]}, token).status_code == 200
    assert stored(qapp, attempt_id) == {1: {"choice": "ob"}} and stored_seqs(qapp, attempt_id) == {1: 3}
    assert autosave(client, attempt_id, 1, {"s1": ["oa"]}, token, seq=4).status_code == 200
    assert stored(qapp, attempt_id) == {1: {"choice": "oa"}} and stored_seqs(qapp, attempt_id) == {1: 4}

    # A reloaded page goes on from the stored number.
    html = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert f'data-position="1" data-version="{version}" data-seq="4"' in html


def test_a_save_number_that_is_not_a_positive_whole_number_is_a_400(qapp):
    quiz = build_quiz(qapp, types=["single_choice"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    for seq in (0, -1, 2**53, 10**30, 1.5, "1", True, [1]):
        response = client.post(f"/quizzes/attempts/{attempt_id}/autosave", headers={"X-CSRFToken": token},
                               json={"position": 1, "version": slot_version(qapp, attempt_id, 1), "seq": seq,
                                     "fields": {"s1": ["oa"]}})
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request", seq
    assert stored(qapp, attempt_id) == {}


def test_saves_of_one_slot_arriving_in_any_order_keep_the_highest_numbered(qapp):
    """Eight saves of one answer race; whatever order they reach the database in, the last typed stays."""
    saves = 8
    quiz = build_quiz(qapp, types=["short_answer"])
    clients = [login(qapp.test_client(), "learner") for _ in range(saves)]
    attempt_id = start(clients[0], quiz["quiz_id"])
    tokens = [page_token(c, attempt_id) for c in clients]
    autosave(clients[0], attempt_id, 1, {"s1": ["warm"]}, tokens[0])  # the quick path's cache, as in an exam
    barrier, outcomes = threading.Barrier(saves), {}

    def save(seq):
        barrier.wait()
        response = autosave(clients[seq - 1], attempt_id, 1, {"s1": [f"typed {seq}"]}, tokens[seq - 1], seq=seq)
        outcomes[seq] = (response.status_code, (response.get_json().get("error") or {}).get("code"))

    threads = [threading.Thread(target=save, args=(seq,)) for seq in range(saves, 0, -1)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert len(outcomes) == saves
    assert all(outcome in ((200, None), (409, "stale_answer")) for outcome in outcomes.values()), outcomes
    assert outcomes[saves] == (200, None)  # the newest can never be older than what is stored
    assert stored(qapp, attempt_id) == {1: {"text": f"typed {saves}"}}
    assert stored_seqs(qapp, attempt_id) == {1: saves}


def test_the_whole_form_saves_with_the_pages_numbers_and_keeps_newer_answers(qapp):
    quiz = build_quiz(qapp, types=["single_choice", "true_false"])  # positions 1 and 2, in this order
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    # Question 1 was saved from another window as number 5, after this page numbered it 3.
    assert autosave(client, attempt_id, 1, {"s1": ["ob"]}, token, seq=5).status_code == 200
    form = {"csrf_token": token, "slots": ["1", "2"], "action": "save", "s1": "oa", "s2": "false",
            "seq-1": "3", "seq-2": "1"}
    response = client.post(f"/quizzes/attempts/{attempt_id}", data=form)
    assert response.status_code == 303
    assert stored(qapp, attempt_id) == {1: {"choice": "ob"}, 2: {"value": False}}
    assert stored_seqs(qapp, attempt_id) == {1: 5, 2: 1}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Более новые ответы на вопросы 1 уже сохранены" in page
    # A form without numbers (no JavaScript) saves what it holds; a malformed number counts as none.
    form.update({"seq-1": "²", "seq-2": ""})
    assert client.post(f"/quizzes/attempts/{attempt_id}", data=form).status_code == 303
    assert stored(qapp, attempt_id) == {1: {"choice": "oa"}, 2: {"value": False}}
    assert stored_seqs(qapp, attempt_id) == {1: 5, 2: 1}
