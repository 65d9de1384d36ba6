"""Under gunicorn with several worker processes, one scrape sums every process (multiprocess mode,
with the reference deployment's gunicorn.conf.py)."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.parser import text_string_to_metric_families

from lms.testing import PROJECT_ROOT, TEST_SECRET_KEY

TOKEN = "gunicorn-scrape-token-0123456789"
REQUESTS = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def healthz_count(body: bytes) -> float:
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if (sample.name == "lms_http_request_duration_seconds_count"
                    and sample.labels.get("endpoint") == "portal.healthz"):
                return sample.value
    return 0.0


@pytest.fixture
def gunicorn_node(app, database_url, tmp_path):
    """Three gunicorn worker processes on the test database, metrics in multiprocess mode."""
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = dict(os.environ, LMS_DATABASE_URL=database_url, LMS_SECRET_KEY=TEST_SECRET_KEY,
               LMS_INSTANCE_PATH=str(tmp_path / "instance"), LMS_METRICS_TOKEN=TOKEN,
               LMS_METRICS_MULTIPROC_DIR=str(metrics_dir), LMS_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}/",
               PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), str(PROJECT_ROOT / "plugins")]))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "docs" / "deploy" / "gunicorn.conf.py"),
             "-b", f"127.0.0.1:{port}", "-w", "3", "--threads", "2", "wsgi:app"],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start: " + log.read_text()[-3000:])
            time.sleep(0.3)
        yield port, metrics_dir
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_one_scrape_sums_every_worker_process(gunicorn_node):
    port, metrics_dir = gunicorn_node
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status, body = get(port, "/metrics", auth)
    assert status == 200
    before = healthz_count(body)

    def writers() -> set[str]:
        return {path.name.rsplit("_", 1)[-1] for path in metrics_dir.glob("histogram_*.db")}

    sent = 0
    # Concurrent, so several processes answer; on a busy machine one process may take a whole
    # batch, so batches go on (a bounded number) until a second process has answered.
    for _ in range(10):
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(lambda _: get(port, "/healthz")[0], range(REQUESTS))) == {200}
        sent += REQUESTS
        if len(writers()) >= 2:
            break
    # Whichever worker answers a scrape, it reports the sum over all of them.
    counts = {healthz_count(get(port, "/metrics", auth)[1]) for _ in range(6)}
    assert counts == {before + sent}
    assert len(writers()) >= 2, "the requests should have been spread over several processes"
    assert get(port, "/metrics")[0] == 401
