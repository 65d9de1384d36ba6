"""Autosaves batched on PostgreSQL (lms/quizzes/save_batches.py and quick_save's batch statement).

The coordinator is driven with real threads and a run function that holds the first batch open,
so the saves that arrive meanwhile are known to share the next one. The batch statement runs on
the real database with a mix of rows it must save and rows it must refuse.
"""
import threading
import time

import pytest
import sqlalchemy as sa
from quiz_testkit import autosave, build_quiz, load_demo, login, page_token, slot_version, start, stored, user_id

from lms.extensions import db
from lms.quizzes import quick_save
from lms.quizzes.models import Answer, Attempt, AttemptSlot
from lms.quizzes.save_batches import SaveBatches
from lms.timeutil import utcnow


class HeldFirstBatch:
    """A run function that records each batch and holds the first one until released."""

    def __init__(self, fail_first=False):
        self.batches, self.release, self.fail_first = [], threading.Event(), fail_first

    def __call__(self, items):
        self.batches.append(list(items))
        if len(self.batches) == 1:
            assert self.release.wait(10)
            if self.fail_first:
                raise RuntimeError("the database went away")
        return {n for n, item in enumerate(items) if not item.startswith("refused")}


def save_in_threads(batches, saves):
    """Start the first save, wait until it runs, queue the others behind it, then let it finish."""
    results = {}

    def save(key, item):
        results[item] = batches.save(key, item)

    first, *rest = [threading.Thread(target=save, args=pair) for pair in saves]
    first.start()
    while not batches._run.batches:  # noqa: SLF001 - the leader is inside its statement
        time.sleep(0.001)
    for number, thread in enumerate(rest, 1):  # one at a time, so they queue in this order
        thread.start()
        while len(batches._waiting) < number:  # noqa: SLF001 - this save is queued
            time.sleep(0.001)
    batches._run.release.set()  # noqa: SLF001
    for thread in [first, *rest]:
        thread.join(10)
        assert not thread.is_alive()
    return results


def test_saves_arriving_while_a_statement_runs_share_the_next_one():
    run = HeldFirstBatch()
    batches = SaveBatches(run)
    results = save_in_threads(batches, [("a", "first"), ("b", "second"), ("c", "third"), ("d", "refused d")])
    assert run.batches == [["first"], ["second", "third", "refused d"]]
    assert results == {"first": True, "second": True, "third": True, "refused d": False}
    assert batches.save("e", "alone afterwards") is True and run.batches[-1] == ["alone afterwards"]


def test_two_saves_of_one_slot_never_share_a_statement_and_the_later_goes_last():
    run = HeldFirstBatch()
    batches = SaveBatches(run)
    save_in_threads(batches, [("a", "a1"), ("b", "b1"), ("b", "b2"), ("c", "c1"), ("b", "b3")])
    assert run.batches == [["a1"], ["b1", "c1"], ["b2"], ["b3"]]


def test_a_failed_statement_refuses_its_saves_and_the_next_ones_still_run():
    run = HeldFirstBatch(fail_first=True)
    batches = SaveBatches(run)
    results = save_in_threads(batches, [("a", "lost"), ("b", "next")])
    assert results == {"lost": False, "next": True}  # False: the view falls back to the full save


@pytest.fixture
def pg_app(app_factory):
    app = app_factory()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the batch statement is PostgreSQL's; SQLite saves one at a time in its writer queue")
    load_demo(app)
    return app


def sign_in_session_token(client) -> str:
    """The server-side session the client's cookie names (lms.auth.sessions)."""
    with client.session_transaction() as session:
        return session["_user_id"].partition(":")[2]


def test_the_batch_statement_saves_exactly_the_rows_the_one_row_statement_would(pg_app):
    quiz = build_quiz(pg_app, types=["single_choice", "true_false"])
    clients = {role: login(pg_app.test_client(), role) for role in ("learner", "learner2", "learner3")}
    attempts = {role: start(clients[role], quiz["quiz_id"]) for role in ("learner", "learner2")}
    finished = start(clients["learner3"], quiz["quiz_id"])
    with pg_app.app_context():
        db.session.get(Attempt, finished).state = "finished"
        db.session.commit()
        engine = db.engine
    now = utcnow()

    def row(role, attempt_id, position, choice, *, version=None, user=None, session_token=None):
        return {"attempt_id": attempt_id, "user_id": user or user_id(pg_app, role), "position": position,
                "version_id": version or slot_version(pg_app, attempt_id, position), "cutoff": now,
                "response": {"choice": choice}, "now": now, "seq": None,
                "session_token": session_token or sign_in_session_token(clients[role])}

    learner, learner2 = attempts["learner"], attempts["learner2"]
    rows = [
        row("learner", learner, 1, "oa"),                                     # 0 saved
        row("learner2", learner2, 1, "ob"),                                   # 1 saved
        row("learner", learner, 2, "x", version=slot_version(pg_app, learner, 1)),  # 2 a version that lies
        row("learner3", finished, 1, "oc"),                                   # 3 a finished attempt
        row("learner2", learner, 2, "x", user=user_id(pg_app, "learner2")),   # 4 someone else's attempt
        row("learner2", learner2, 2, "oc"),                                   # 5 saved
        row("learner", learner, 2, "ob", session_token="an-ended-session"),  # 6 an ended sign-in session
    ]
    with pg_app.app_context():
        statements = quick_save._statements(engine.dialect)  # noqa: SLF001
    assert quick_save._save_rows_on_postgresql(engine, statements, rows) == {0, 1, 5}  # noqa: SLF001
    assert stored(pg_app, learner) == {1: {"choice": "oa"}}
    assert stored(pg_app, learner2) == {1: {"choice": "ob"}, 2: {"choice": "oc"}}
    assert stored(pg_app, finished) == {}


def test_the_batch_statement_refuses_a_save_older_than_the_stored_answer(pg_app):
    """The page's numbers are compared in the batch statement too: an older row saves nothing and is
    refused, so that its save falls back to the full one, which answers that it is stale."""
    quiz = build_quiz(pg_app, types=["single_choice", "true_false"])
    clients = {role: login(pg_app.test_client(), role) for role in ("learner", "learner2")}
    attempts = {role: start(client, quiz["quiz_id"]) for role, client in clients.items()}
    with pg_app.app_context():
        engine = db.engine
        statements = quick_save._statements(engine.dialect)  # noqa: SLF001
    now = utcnow()

    def row(role, position, choice, seq):
        attempt_id = attempts[role]
        return {"attempt_id": attempt_id, "user_id": user_id(pg_app, role), "position": position,
                "version_id": slot_version(pg_app, attempt_id, position), "cutoff": now,
                "response": {"choice": choice}, "now": now, "seq": seq,
                "session_token": sign_in_session_token(clients[role])}

    first = [row("learner", 1, "oa", 5), row("learner", 2, "x", 2), row("learner2", 1, "ob", None)]
    assert quick_save._save_rows_on_postgresql(engine, statements, first) == {0, 1, 2}  # noqa: SLF001
    later = [
        row("learner", 1, "oc", 4),     # 0 older than the stored 5
        row("learner", 2, "y", 3),      # 1 newer
        row("learner2", 1, "oc", 1),    # 2 numbered, after an answer saved without a number
        row("learner2", 2, "z", None),  # 3 the slot's first save
    ]
    assert quick_save._save_rows_on_postgresql(engine, statements, later) == {1, 2, 3}  # noqa: SLF001
    assert stored(pg_app, attempts["learner"]) == {1: {"choice": "oa"}, 2: {"choice": "y"}}
    assert stored(pg_app, attempts["learner2"]) == {1: {"choice": "oc"}, 2: {"choice": "z"}}
    with pg_app.app_context():
        numbers = set(db.session.execute(sa.select(AttemptSlot.attempt_id, AttemptSlot.position, Answer.client_seq)
                                         .join(Answer, Answer.slot_id == AttemptSlot.id)).all())
    assert numbers == {(attempts["learner"], 1, 5), (attempts["learner"], 2, 3),
                       (attempts["learner2"], 1, 1), (attempts["learner2"], 2, None)}


def test_many_learners_saving_at_once_all_land(pg_app):
    """Threads of one app save together, as a worker's threads do; every 200 is stored with its value."""
    quiz = build_quiz(pg_app, types=["single_choice"], copies=6)
    learners = []
    for role in ("learner", "learner2", "learner3"):
        client = login(pg_app.test_client(), role)
        attempt_id = start(client, quiz["quiz_id"])
        learners.append((client, attempt_id, page_token(client, attempt_id)))
    barrier, outcomes = threading.Barrier(len(learners) * 6), {}

    def save(client, attempt_id, token, position, choice):
        barrier.wait()
        outcomes[(attempt_id, position)] = (autosave(client, attempt_id, position, {f"s{position}": [choice]},
                                                     token).status_code, choice)

    threads = [threading.Thread(target=save, args=(*learner, position, ["oa", "ob", "oc"][position % 3]))
               for learner in learners for position in range(1, 7)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert len(outcomes) == len(threads) and all(status == 200 for status, _ in outcomes.values())
    for _, attempt_id, _ in learners:
        assert stored(pg_app, attempt_id) == {position: {"choice": choice}
                                              for (attempt, position), (_, choice) in outcomes.items()
                                              if attempt == attempt_id}
    with pg_app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM quiz_answer")) == len(threads)
