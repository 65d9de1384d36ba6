"""Request lanes (lms.request_lanes): pages take turns, hot writes and health checks never wait."""
import threading

import pytest


def _in_thread(fn):
    """Run ``fn`` in a thread (as a second server thread would); returns (thread, results list)."""
    results = []
    thread = threading.Thread(target=lambda: results.append(fn()), daemon=True)
    thread.start()
    return thread, results


@pytest.fixture
def one_turn_app(app_factory):
    """A process with one page turn, and a page that would wait long for it."""
    return app_factory(PAGE_CONCURRENCY=1, PAGE_LANE_WAIT=60)


def test_hot_requests_health_and_static_files_pass_a_taken_turn(one_turn_app):
    lane = one_turn_app.extensions["lms_page_lane"]
    assert lane.acquire(blocking=False)  # a page is being rendered: the only turn is taken
    try:
        client = one_turn_app.test_client()
        for path, method in (("/quizzes/attempts/1/autosave", "post"), ("/healthz", "get"),
                             ("/static/lms.css", "get")):
            def answer(p=path, m=method):
                with getattr(client, m)(p) as response:  # closed: a static file is streamed
                    return response.status_code

            thread, results = _in_thread(answer)
            thread.join(20)
            assert not thread.is_alive(), f"{path} waited for a page turn"
            # The signed-out autosave without a CSRF token is refused (400); the others answer 200.
            assert results == [400 if "autosave" in path else 200], (path, results)
    finally:
        lane.release()


def test_a_page_waits_for_a_turn_then_runs(one_turn_app):
    lane = one_turn_app.extensions["lms_page_lane"]
    client = one_turn_app.test_client()
    assert lane.acquire(blocking=False)
    thread, results = _in_thread(lambda: client.get("/login").status_code)
    thread.join(0.5)
    held_back = thread.is_alive() and not results
    lane.release()  # the page being rendered is done: the waiting one gets its turn
    thread.join(20)
    assert held_back, "the page did not wait for its turn"
    assert results == [200]
    assert lane.acquire(blocking=False), "the page kept its turn after answering"
    lane.release()


def test_a_page_runs_anyway_after_the_longest_wait(app_factory):
    app = app_factory(PAGE_CONCURRENCY=1, PAGE_LANE_WAIT=0.05)
    lane = app.extensions["lms_page_lane"]
    assert lane.acquire(blocking=False)
    try:
        assert app.test_client().get("/login").status_code == 200
    finally:
        lane.release()
    # It ran without a turn, so it gave none back: the semaphore is not over-released.
    assert lane.acquire(blocking=False)
    assert not lane.acquire(blocking=False)
    lane.release()


def test_turns_come_back_after_errors_and_refusals(one_turn_app):
    client = one_turn_app.test_client()
    assert client.get("/no-such-page").status_code == 404
    assert client.post("/login", data={}).status_code in (200, 400)  # CSRF refusal or the form again
    lane = one_turn_app.extensions["lms_page_lane"]
    assert lane.acquire(blocking=False), "a refused request kept its turn"
    lane.release()


def test_lanes_can_be_turned_off(app_factory):
    app = app_factory(PAGE_CONCURRENCY=0)
    assert "lms_page_lane" not in app.extensions
    assert app.test_client().get("/healthz").status_code == 200


def test_every_session_only_view_is_hot(app):
    """The views that skip loading the account (session_login_required) are the cheap ones."""
    session_only = [name for name, view in app.view_functions.items() if getattr(view, "lms_session_only", False)]
    assert "quizzes.autosave" in session_only
    for name in session_only:
        assert getattr(app.view_functions[name], "lms_hot", False), name
