"""Start and stop real worker processes for the tests; none outlives its test (own process groups)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def subprocess_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "plugins"), env.get("PYTHONPATH", "")])
    return env


def start_counting_worker(render_log: Path, config: dict, output: Path) -> subprocess.Popen:
    with open(output, "ab") as out:
        return subprocess.Popen([sys.executable, str(HERE / "render_counting_worker.py"), str(render_log),
                                 json.dumps(config)], stdout=out, stderr=subprocess.STDOUT,
                                env=subprocess_env(), start_new_session=True)


def stop(process: subprocess.Popen, *, hard: bool = False, grace: float = 20) -> None:
    """SIGTERM (or SIGKILL) the process's whole group, and wait; SIGKILL if it does not stop."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL if hard else signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass
