"""The one-statement autosave (lms/quizzes/quick_save.py): it only ever says yes, and never wrongly.

Every other test of the attempt flow already goes through it, because quiz_testkit.autosave sends
the slot's question version as quizzes.js does. These tests pin what is particular to it: the
statement count, versions that lie, other learners' attempts, what it caches, and saves racing a
finish.
"""
import threading

import pytest
import sqlalchemy as sa
from quiz_testkit import autosave, build_quiz, load_demo, login, page_token, slot_version, start, stored, user_id

from lms.extensions import db
from lms.testing import drop_pooled_connections, statements_sent
from lms.quizzes import quick_save
from lms.quizzes.models import Attempt, AttemptSlot, QuestionVersion


@pytest.fixture
def qapp(app_factory):
    app = app_factory(QUIZ_GRACE_SECONDS=30)
    load_demo(app)
    return app


def positions_by_type(app, attempt_id: int) -> dict:
    with app.app_context():
        return {qtype: position for position, qtype in db.session.execute(
            sa.select(AttemptSlot.position, QuestionVersion.qtype).join(QuestionVersion)
            .where(AttemptSlot.attempt_id == attempt_id))}


def cached_versions(app) -> set:
    return set(app.extensions.get("lms_quick_save", {}).get("definitions", {}))


def learner_attempt(app, types=("single_choice", "true_false")):
    """A learner's started attempt: (client, attempt id, page token, {question type: position})."""
    quiz = build_quiz(app, types=list(types))
    client = login(app.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    return client, attempt_id, page_token(client, attempt_id), positions_by_type(app, attempt_id)


def data_statements(statements) -> list[str]:
    """The reads and writes among ``statements``: not BEGIN/COMMIT, nor the pool's ping (";" on psycopg)."""
    return [s.split()[0].upper() for s in statements if s.split()[0].upper() in ("SELECT", "INSERT", "UPDATE")]


def test_a_save_with_its_version_is_one_insert(qapp):
    client, attempt_id, token, where = learner_attempt(qapp)
    sc, tf = where["single_choice"], where["true_false"]
    versions = {p: slot_version(qapp, attempt_id, p) for p in (sc, tf)}  # read here, not in the counted request
    with qapp.app_context():
        engine = db.engine
    with statements_sent(engine) as first:
        assert autosave(client, attempt_id, sc, {f"s{sc}": ["oa"]}, token, version=versions[sc]).status_code == 200
    with statements_sent(engine) as second:
        assert autosave(client, attempt_id, tf, {f"s{tf}": ["false"]}, token, version=versions[tf]).status_code == 200
    # The first save in a process reads the attempt's question versions; after that, one INSERT.
    assert data_statements(first) == ["SELECT", "INSERT"], first
    assert data_statements(second) == ["INSERT"], second
    if engine.dialect.name == "postgresql":
        assert len(second) == 1, second  # nothing else goes to the server: no ping, no BEGIN or COMMIT
    assert stored(qapp, attempt_id) == {sc: {"choice": "oa"}, tf: {"value": False}}


def test_the_page_names_each_slots_version(qapp):
    quiz = build_quiz(qapp, types=["single_choice", "true_false"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    html = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    for position in (1, 2):
        assert f'data-position="{position}" data-version="{slot_version(qapp, attempt_id, position)}"' in html


def test_a_version_that_lies_still_saves_against_the_slots_own_question(qapp):
    client, attempt_id, token, where = learner_attempt(qapp)
    tf, sc = where["true_false"], where["single_choice"]
    # The true/false slot's answer, sent with the single-choice slot's version: "false" is no option
    # there, so the quick path declines and the full save reads the slot's real question.
    assert autosave(client, attempt_id, tf, {f"s{tf}": ["false"]}, token,
                    version=slot_version(qapp, attempt_id, sc)).status_code == 200
    # A version no attempt uses, and one that does not exist: the same.
    assert autosave(client, attempt_id, sc, {f"s{sc}": ["ob"]}, token, version=10**9).status_code == 200
    assert stored(qapp, attempt_id) == {tf: {"value": False}, sc: {"choice": "ob"}}
    # An answer the real question refuses is still refused, whatever version is named.
    refused = autosave(client, attempt_id, sc, {f"s{sc}": ["nope"]}, token, version=slot_version(qapp, attempt_id, tf))
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid_answer"
    assert stored(qapp, attempt_id)[sc] == {"choice": "ob"}


def test_another_learners_attempt_is_404_with_good_and_bad_answers(qapp):
    quiz = build_quiz(qapp, types=["single_choice"])
    owner = login(qapp.test_client(), "learner")
    attempt_id = start(owner, quiz["quiz_id"])
    intruder = login(qapp.test_client(), "learner2")
    token = page_token(intruder, start(intruder, quiz["quiz_id"]))
    version = slot_version(qapp, attempt_id, 1)
    for fields in ({"s1": ["oa"]}, {"s1": ["nope"]}):  # a 422 would tell the attempt exists
        response = autosave(intruder, attempt_id, 1, fields, token, version=version)
        assert response.status_code == 404, response.get_json()
    assert stored(qapp, attempt_id) == {}


def test_only_versions_an_attempt_uses_are_cached_and_the_cache_is_bounded(qapp, monkeypatch):
    from lms.quizzes import bank

    first = build_quiz(qapp, types=["single_choice", "true_false", "numerical"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, first["quiz_id"])
    token = page_token(client, attempt_id)
    with qapp.app_context():
        category = bank.ensure_category(["Tests", "Unused"])
        unused = bank.create_question(category.id, "single_choice", {"name": "Unused", "text": "Never asked?",
                                                                     "definition": {"options": [
                                                                         {"id": "oa", "text": "A", "fraction": 1}, {"id": "ob", "text": "B", "fraction": 0}]}})
        unused_version = db.session.scalar(sa.select(QuestionVersion.id).where(QuestionVersion.question_id == unused.id))
        db.session.commit()
    # A learner naming a version nobody uses cannot get it cached: it could still be edited in place.
    assert autosave(client, attempt_id, 1, {"s1": ["oa"]}, token, version=unused_version).status_code == 200
    used = {slot_version(qapp, attempt_id, p) for p in (1, 2, 3)}
    assert unused_version not in cached_versions(qapp) and cached_versions(qapp) == used

    monkeypatch.setattr(quick_save, "CACHE_LIMIT", 4)
    client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    second = build_quiz(qapp, types=["single_choice", "true_false", "numerical"])
    other = start(client, second["quiz_id"])
    token = page_token(client, other)
    assert autosave(client, other, 1, {"s1": ["oa"]}, token).status_code == 200
    # 3 cached + 3 more would pass the limit of 4: the cache starts again with the new attempt's.
    assert cached_versions(qapp) == {slot_version(qapp, other, p) for p in (1, 2, 3)}


def test_saves_racing_a_finish_are_graded_or_refused_never_lost(qapp):
    """Every answer acknowledged with 200 is in the grade; the others got 409 "finished"."""
    slots = 8
    quiz = build_quiz(qapp, types=["single_choice"], copies=slots)
    clients = [login(qapp.test_client(), "learner") for _ in range(slots + 1)]
    attempt_id = start(clients[0], quiz["quiz_id"])
    tokens = [page_token(c, attempt_id) for c in clients]
    autosave(clients[0], attempt_id, 1, {"s1": ["oc"]}, tokens[0])  # warm the cache: all saves take the quick path
    barrier, outcomes = threading.Barrier(slots + 1), {}

    def save(position):
        barrier.wait()
        response = autosave(clients[position], attempt_id, position, {f"s{position}": ["oa"]}, tokens[position])
        outcomes[position] = (response.status_code, (response.get_json().get("error") or {}).get("code"))

    def finish():
        barrier.wait()
        outcomes["finish"] = clients[0].post(f"/quizzes/attempts/{attempt_id}/finish",
                                             data={"csrf_token": tokens[0]}).status_code

    threads = [threading.Thread(target=save, args=(p,)) for p in range(1, slots + 1)]
    threads.append(threading.Thread(target=finish))
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert outcomes.pop("finish") == 303
    with qapp.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        fractions = dict(db.session.execute(sa.select(AttemptSlot.position, AttemptSlot.fraction)
                                            .where(AttemptSlot.attempt_id == attempt_id)).all())
    assert attempt.state == "finished" and attempt.user_id == user_id(qapp, "learner")
    for position, (status, code) in outcomes.items():
        assert (status, code) in ((200, None), (409, "finished")), (position, status, code)
        if status == 200:
            assert fractions[position] == 1, f"answer at {position} acknowledged but not graded"
    right = sum(1 for status, _ in outcomes.values() if status == 200)
    assert float(attempt.percent) == pytest.approx(100 * right / slots)


def test_an_autosave_survives_the_database_dropping_every_connection(qapp):
    """The quick save skips the pool's ping; a dropped connection makes it go again, not fail."""
    with qapp.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL drops connections; SQLite has none to drop")
    quiz = build_quiz(qapp, types=["single_choice", "true_false"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    version = slot_version(qapp, attempt_id, 1)  # read now: reading it later would check out (and heal) a connection
    assert autosave(client, attempt_id, 1, {"s1": ["ob"]}, token, version=version).status_code == 200
    with qapp.app_context():
        engine = db.engine
    assert drop_pooled_connections(engine) >= 1
    with statements_sent(engine) as sent:
        assert autosave(client, attempt_id, 1, {"s1": ["oa"]}, token, version=version).status_code == 200
    # The first INSERT met a dead connection; the second went on a pinged one (the ping between them).
    assert data_statements(sent) == ["INSERT", "INSERT"] and len(sent) == 3, sent
    assert client.get(f"/quizzes/attempts/{attempt_id}").status_code == 200  # pinged, reconnected
    assert stored(qapp, attempt_id)[1] == {"choice": "oa"}
    # Nothing went back to the pool still in autocommit, where the ORM's transactions would lose BEGIN.
    pooled = [engine.raw_connection() for _ in range(engine.pool.checkedin())]
    try:
        assert pooled and not any(connection.driver_connection.autocommit for connection in pooled)
    finally:
        for connection in pooled:
            connection.close()
