"""SQLite writers queue on a thread lock and a file lock (lms/sqlite_writers.py), never on themselves."""
import fcntl
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from lms.sqlite_writers import WriterQueue
from lms.testing import csrf_token


def test_another_process_holding_the_queue_makes_us_wait_our_turn(tmp_path):
    lock, log = tmp_path / "db.writers", tmp_path / "log"
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, time
        fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
        with open({str(log)!r}, "a") as log:
            log.write("child in\\n")
        time.sleep(0.3)
        with open({str(log)!r}, "a") as log:
            log.write("child out\\n")
        fcntl.flock(fd, fcntl.LOCK_UN)
    """)])
    while not (log.exists() and "child in" in log.read_text()):
        assert child.poll() is None, "the child exited before taking the lock"
    queue = WriterQueue(str(lock))
    queue.acquire()
    try:
        assert log.read_text() == "child in\nchild out\n"  # we got in only after the child left
    finally:
        queue.release()
    assert child.wait(10) == 0


def test_a_thread_re_enters_its_own_queue_and_others_wait(tmp_path):
    queue, order = WriterQueue(str(tmp_path / "db.writers")), []
    queue.acquire()
    queue.acquire()  # a second connection of the same thread: no waiting for itself
    other = threading.Thread(target=lambda: (queue.acquire(), order.append("other"), queue.release()))
    other.start()
    order.append("owner")
    queue.release()
    assert order == ["owner"]  # still held once
    queue.release()
    other.join(10)
    assert order == ["owner", "other"]


def test_a_write_request_leaves_the_queue_free(app, login_as, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the writer queue is SQLite's")
    client = login_as("learner")
    response = client.post("/locale", data={"locale": "en", "next": "/", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    path = database_url.removeprefix("sqlite:///") + ".writers"
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the request left it taken
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
