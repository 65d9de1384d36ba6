"""``lms worker --processes N`` runs N workers, each with its heartbeat, and SIGTERM stops them all."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from worker_processes import subprocess_env

from lms.coordination import heartbeat
from lms.extensions import db


def test_processes_runs_that_many_workers_and_stops_them_cleanly(app, database_url, tmp_path):
    lms = Path(sys.executable).with_name("lms")
    env = {**subprocess_env(), "LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(tmp_path),
           "LMS_SECRET_KEY": app.config["SECRET_KEY"]}
    with open(tmp_path / "workers.log", "wb") as log:
        supervisor = subprocess.Popen([str(lms), "worker", "--processes", "2", "--interval", "0.5"], env=env,
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, alive = time.monotonic() + 90, 0
        while time.monotonic() < deadline and alive < 2:
            with app.app_context():
                alive = heartbeat.workers_alive()
                db.session.rollback()
            time.sleep(0.3)
        assert alive == 2, (tmp_path / "workers.log").read_text()
        supervisor.send_signal(signal.SIGTERM)  # to the supervisor only: it passes it on
        assert supervisor.wait(60) == 0
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
            supervisor.wait(10)
    with app.app_context():  # each child removed its heartbeat on the way out
        assert heartbeat.workers_alive() == 0
    assert "Traceback" not in (tmp_path / "workers.log").read_text()
