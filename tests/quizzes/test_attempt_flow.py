"""The attempt flow through HTTP: start/resume, autosave, reload, finish once, deadlines, privacy."""
import re
import threading

import pytest
import sqlalchemy as sa
from quiz_testkit import (
    CORRECT_FIELDS, SECRET_FEEDBACK, SECRET_SHORT, EventRecorder, attempt_slots, autosave, build_quiz, load_demo,
    login, move_deadline, page_token, start, user_id,
)

from lms.extensions import db
from lms.quizzes.models import Answer, Attempt, AttemptSlot


@pytest.fixture
def recorder():
    return EventRecorder()


@pytest.fixture
def qapp(app_factory, recorder):
    app = app_factory(plugins=[recorder], QUIZ_GRACE_SECONDS=30)
    load_demo(app)
    return app


def count_attempts(app, **where):
    with app.app_context():
        query = sa.select(sa.func.count()).select_from(Attempt)
        for key, value in where.items():
            query = query.where(getattr(Attempt, key) == value)
        return db.session.scalar(query)


def test_timed_random_quiz_reload_and_double_click_finish(qapp, recorder):
    quiz = build_quiz(qapp, types=["single_choice", "true_false", "numerical", "short_answer"],
                      random_count=3, extra_random=6, time_limit_minutes=20, shuffle_questions=True)
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    slots = attempt_slots(qapp, attempt_id)
    assert len(slots) == 7
    token = page_token(client, attempt_id)
    answered = slots[:4]
    for position, qtype in answered:
        fields = CORRECT_FIELDS.get(qtype, CORRECT_FIELDS["single_choice"])(position)
        response = autosave(client, attempt_id, position, fields, token)
        assert response.status_code == 200, response.get_json()
        # Saving the same answer again is harmless (idempotent autosave).
        assert autosave(client, attempt_id, position, fields, token).status_code == 200
    # Reload (or another device): the same attempt resumes with every saved answer in place.
    assert start(client, quiz["quiz_id"]) == attempt_id
    html = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    for position, qtype in answered:
        if qtype in ("single_choice",):
            assert re.search(rf'name="s{position}" value="oa" checked', html)
        elif qtype == "true_false":
            assert re.search(rf'name="s{position}" value="false" checked', html)
        elif qtype == "numerical":
            assert f'name="s{position}" value="4"' in html
        elif qtype == "short_answer":
            assert f'name="s{position}" value="{SECRET_SHORT.lower()}"' in html
    with qapp.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 4
    # Double click on "finish": one graded attempt, one event.
    first = client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    second = client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    assert first.status_code == second.status_code == 303
    assert count_attempts(qapp, state="finished") == 1
    assert len(recorder.finished) == 1
    result = recorder.finished[0]
    assert result.attempt_id == attempt_id and result.percent is not None
    assert client.get(f"/quizzes/attempts/{attempt_id}/result").status_code == 200


def test_two_concurrent_starts_give_one_attempt(qapp):
    quiz = build_quiz(qapp, types=["single_choice"])
    clients = [login(qapp.test_client(), "learner") for _ in range(2)]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', c.get(f"/quizzes/{quiz['quiz_id']}").get_data(as_text=True))[1]
              for c in clients]
    barrier, locations = threading.Barrier(2), []

    def go(client, token):
        barrier.wait()
        response = client.post(f"/quizzes/{quiz['quiz_id']}/start", data={"csrf_token": token})
        locations.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=go, args=pair) for pair in zip(clients, tokens)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert [code for code, _ in locations] == [303, 303]
    assert locations[0][1] == locations[1][1]
    assert count_attempts(qapp) == 1


def test_concurrent_finish_gives_one_result_and_one_event(qapp, recorder):
    quiz = build_quiz(qapp, types=["single_choice", "true_false"])
    clients = [login(qapp.test_client(), "learner") for _ in range(3)]
    attempt_id = start(clients[0], quiz["quiz_id"])
    tokens = [page_token(c, attempt_id) for c in clients]
    barrier, codes = threading.Barrier(3), []

    def go(client, token):
        barrier.wait()
        codes.append(client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=go, args=pair) for pair in zip(clients, tokens)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert codes == [303, 303, 303]
    assert count_attempts(qapp, state="finished") == 1
    assert [e.attempt_id for e in recorder.finished] == [attempt_id]


def test_late_answer_is_refused_with_a_clear_message(qapp, recorder):
    quiz = build_quiz(qapp, types=["single_choice"], time_limit_minutes=5)
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    assert autosave(client, attempt_id, 1, {"s1": ["oa"]}, token).status_code == 200
    move_deadline(qapp, attempt_id, seconds_ago=10)  # still inside the 30 s grace period
    assert autosave(client, attempt_id, 1, {"s1": ["ob"]}, token).status_code == 200
    move_deadline(qapp, attempt_id, seconds_ago=31)
    late = autosave(client, attempt_id, 1, {"s1": ["oc"]}, token)
    assert late.status_code == 409
    error = late.get_json()["error"]
    assert error["code"] == "time_up" and "Время вышло" in error["message"]
    # The attempt was closed and graded with the answer saved in time ("ob", half credit).
    with qapp.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == "finished" and float(attempt.percent) == 50.0
    assert len(recorder.finished) == 1 and recorder.finished[0].expired


def test_expired_attempt_is_closed_by_the_command(qapp, recorder):
    quiz = build_quiz(qapp, types=["single_choice", "true_false"], time_limit_minutes=5)
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    autosave(client, attempt_id, 1, {"s1": ["oa"]}, token)
    autosave(client, attempt_id, 2, CORRECT_FIELDS[attempt_slots(qapp, attempt_id)[1][1]](2), token)
    result = qapp.test_cli_runner().invoke(args=["quizzes", "close-expired"])
    assert "Closed 0" in result.output
    move_deadline(qapp, attempt_id, seconds_ago=120)
    result = qapp.test_cli_runner().invoke(args=["quizzes", "close-expired"])
    assert result.exit_code == 0 and "Closed 1" in result.output, result.output
    with qapp.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == "finished" and attempt.open_key is None and attempt.percent is not None
    assert len(recorder.finished) == 1


def test_expired_attempt_is_closed_on_next_access(qapp):
    quiz = build_quiz(qapp, types=["single_choice"], time_limit_minutes=5)
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    move_deadline(qapp, attempt_id, seconds_ago=600)
    response = client.get(f"/quizzes/attempts/{attempt_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    assert count_attempts(qapp, state="finished") == 1


def test_correct_answers_and_feedback_never_reach_the_browser_before_review(qapp):
    quiz = build_quiz(qapp, review="score_only")
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    pages = [client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True),
             client.get(f"/quizzes/{quiz['quiz_id']}").get_data(as_text=True)]
    for position, qtype in attempt_slots(qapp, attempt_id):
        if qtype in CORRECT_FIELDS:
            pages.append(autosave(client, attempt_id, position, CORRECT_FIELDS[qtype](position), token)
                         .get_data(as_text=True))
    client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    pages.append(client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True))
    for body in pages:
        assert SECRET_FEEDBACK not in body
        assert "fraction" not in body and "grader_info" not in body and "look for detail" not in body
        assert "Cat → Meow" not in body  # the matching key
    assert SECRET_SHORT not in pages[0]  # the correct short answer (the learner typed lower case)
    assert "Попытка 1" in pages[-1] and "ждёт проверки" in pages[-1]


def test_review_with_answers_shows_feedback_after_submit(qapp):
    quiz = build_quiz(qapp, types=["single_choice"], review="with_answers")
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    autosave(client, attempt_id, 1, {"s1": ["oa"]}, token)
    client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    html = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert SECRET_FEEDBACK + " right" in html and "100" in html


def test_learners_see_only_their_own_attempts(qapp):
    quiz = build_quiz(qapp, types=["single_choice"])
    owner = login(qapp.test_client(), "learner")
    attempt_id = start(owner, quiz["quiz_id"])
    token = page_token(owner, attempt_id)
    other = login(qapp.test_client(), "learner2")
    assert other.get(f"/quizzes/attempts/{attempt_id}").status_code == 404
    assert other.get(f"/quizzes/attempts/{attempt_id}/result").status_code == 404
    other_token = re.search(r'name="csrf_token" value="([^"]+)"', other.get(f"/quizzes/{quiz['quiz_id']}")
                            .get_data(as_text=True))[1]
    assert autosave(other, attempt_id, 1, {"s1": ["oc"]}, other_token).status_code == 404
    assert other.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": other_token}).status_code == 404
    assert count_attempts(qapp, state="open") == 1
    assert owner.get(f"/quizzes/attempts/{attempt_id}").status_code == 200 and token


def test_form_post_without_javascript_saves_and_finishes(qapp):
    quiz = build_quiz(qapp, types=["single_choice", "multiple_choice", "matching", "ordering"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    data = {"csrf_token": token, "slots": ["1", "2", "3", "4"], "action": "save"}
    for position, qtype in attempt_slots(qapp, attempt_id):
        if qtype == "single_choice":
            data[f"s{position}"] = "oa"
        elif qtype == "multiple_choice":
            data[f"s{position}"] = ["ma", "mb"]
        elif qtype == "matching":
            from lms.quizzes.qtypes import matching_choice_id
            data[f"s{position}-p1"], data[f"s{position}-p2"] = matching_choice_id("Meow"), matching_choice_id("Woof")
        elif qtype == "ordering":
            data.update({f"s{position}-i1": "1", f"s{position}-i2": "2", f"s{position}-i3": "3"})
    response = client.post(f"/quizzes/attempts/{attempt_id}", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/attempts/{attempt_id}")
    data["action"] = "finish"
    response = client.post(f"/quizzes/attempts/{attempt_id}", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/result")
    with qapp.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == "finished" and float(attempt.percent) == 100.0 and attempt.passed


def test_bad_answer_is_refused_with_422(qapp):
    quiz = build_quiz(qapp, types=["numerical"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    response = autosave(client, attempt_id, 1, {"s1": ["four"]}, token)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_answer"
    assert autosave(client, attempt_id, 9, {"s9": ["4"]}, token).status_code == 404


def test_attempt_limit_and_cooldown(qapp):
    quiz = build_quiz(qapp, types=["single_choice"], attempts_allowed=2, cooldown_minutes=10)
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    response = client.post(f"/quizzes/{quiz['quiz_id']}/start", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/quizzes/{quiz['quiz_id']}")
    assert count_attempts(qapp) == 1
    assert "мин" in client.get(f"/quizzes/{quiz['quiz_id']}").get_data(as_text=True)


def test_page_and_autosave_make_a_constant_number_of_queries(qapp, query_counter):
    counts = []
    for copies in (1, 3):
        quiz = build_quiz(qapp, copies=copies)
        client = login(qapp.test_client(), "learner")
        attempt_id = start(client, quiz["quiz_id"])
        token = page_token(client, attempt_id)
        with query_counter() as page:
            assert client.get(f"/quizzes/attempts/{attempt_id}").status_code == 200
        with query_counter() as save:
            assert autosave(client, attempt_id, 1, {"s1": []}, token).status_code in (200, 422)
        counts.append((len(page), len(save)))
        with qapp.app_context():
            db.session.execute(sa.update(Attempt).values(state="finished", open_key=None))
            db.session.commit()
    assert counts[0] == counts[1], counts


def test_hook_lms_attempt_finished(qapp, recorder):
    quiz = build_quiz(qapp, types=["single_choice"], pass_percent=50)
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    autosave(client, attempt_id, 1, {"s1": ["oa"]}, token)
    assert recorder.finished == []
    client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    [event] = recorder.finished
    assert event.attempt_id == attempt_id and event.user_id == user_id(qapp, "learner")
    assert event.passed is True and event.percent == 100.0 and event.needs_grading is False
    with pytest.raises(Exception):
        event.passed = False  # frozen dataclass
    with qapp.app_context():
        slot = db.session.scalar(sa.select(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id))
        assert slot.fraction == 1


def test_autosave_refuses_a_deactivated_account_or_dealer_and_a_signed_out_client(qapp):
    """The autosave reads the user id from the session and checks the account in its own SQL."""
    from lms.auth.models import Dealer, User

    quiz = build_quiz(qapp, types=["single_choice"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    assert autosave(client, attempt_id, 1, {"s1": ["oa"]}, token).status_code == 200
    uid = user_id(qapp, "learner")

    def set_active(model, key, value):
        with qapp.app_context():
            db.session.execute(sa.update(model).where(key).values(active=value))
            db.session.commit()

    set_active(User, User.id == uid, False)
    assert autosave(client, attempt_id, 1, {"s1": ["ob"]}, token).status_code == 404
    set_active(User, User.id == uid, True)
    with qapp.app_context():
        dealer_id = db.session.scalar(sa.select(User.dealer_id).where(User.id == uid))
    set_active(Dealer, Dealer.id == dealer_id, False)
    assert autosave(client, attempt_id, 1, {"s1": ["oc"]}, token).status_code == 404
    set_active(Dealer, Dealer.id == dealer_id, True)

    client.post("/logout", data={"csrf_token": token})
    signed_out = autosave(client, attempt_id, 1, {"s1": ["od"]}, token)
    assert signed_out.status_code in (302, 400, 401)  # to the sign-in page, or refused for its stale token
    with qapp.app_context():
        (response,) = db.session.scalars(sa.select(Answer.response).join(AttemptSlot)
                                         .where(AttemptSlot.attempt_id == attempt_id))
    assert "oa" in str(response)  # only the answer saved while the account was active


def test_an_autosave_without_the_version_runs_one_select_and_one_upsert(qapp, query_counter):
    """A page from before ``data-version`` still saves: no account load, no per-slot queries."""
    quiz = build_quiz(qapp, types=["single_choice"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    with query_counter() as statements:
        assert autosave(client, attempt_id, 1, {"s1": ["oa"]}, token, version=None).status_code == 200
    kinds = [s.split()[0].upper() for s in statements if s.split()[0].upper() in ("SELECT", "INSERT", "UPDATE")]
    assert kinds == ["SELECT", "INSERT"], statements
