"""Two gunicorn nodes and two ``lms worker`` processes on one database and one storage folder, for tests.

Every process runs in its own session (process group), so a test can ``kill -9`` a whole node
(master and workers) at once, and the finalizer kills whatever is left: none outlives its test.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from worker_processes import ROOT, subprocess_env

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill_hard(self) -> None:
        """``kill -9`` of the whole process group (a gunicorn master and its workers together)."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(10)

    def stop(self, grace: float = 20) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                pass
            except ProcessLookupError:
                return
        try:  # whatever is left of the group (a worker that ignored SIGTERM) goes too
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.popen.poll() is None:
            self.popen.wait(10)

    def group_members(self) -> list[int]:
        """Live (not zombie) processes of this process group, read from /proc."""
        members = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it ended while we looked
            state, group = fields[0], int(fields[2])
            if group == self.popen.pid and state != "Z":
                members.append(int(stat.parent.name))
        return members

    def outlived(self, wait: float = 10) -> list[int]:
        """Processes of the group still running ``wait`` seconds after the stop (should be none)."""
        deadline = time.monotonic() + wait
        while (members := self.group_members()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return members

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _spawn(name: str, command: list[str], env: dict, log_path: Path, port: int | None = None) -> Process:
    with open(log_path, "wb") as log:
        popen = subprocess.Popen(command, env={**subprocess_env(), **env}, stdout=log, stderr=subprocess.STDOUT,
                                 cwd=ROOT, start_new_session=True)
    return Process(name, popen, log_path, port)


def start_node(name: str, env: dict, folder: Path) -> Process:
    """A gunicorn node (2 gthread workers) with its own instance folder; ``wait_ready`` before use."""
    instance = folder / name
    instance.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4",
               "-b", f"127.0.0.1:{port}", "--graceful-timeout", "5", "--error-logfile", "-", "wsgi:app"]
    return _spawn(name, command, {**env, "LMS_INSTANCE_PATH": str(instance)}, folder / f"{name}.log", port)


def wait_ready(node: Process) -> Process:
    """Return once the node's /healthz answers (nodes start side by side, then are waited for)."""
    name = node.name
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if node.popen.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{node.log()[-3000:]}")
        try:
            with urllib.request.urlopen(node.url + "/healthz", timeout=2) as reply:  # nosec B310 - loopback
                if reply.status == 200:
                    return node
        except OSError:
            time.sleep(0.3)
    node.stop()
    raise RuntimeError(f"{name} did not answer /healthz within 60 s:\n{node.log()[-3000:]}")


def start_worker(name: str, env: dict, folder: Path) -> Process:
    instance = folder / name
    instance.mkdir(parents=True, exist_ok=True)
    lms = Path(sys.executable).with_name("lms")
    return _spawn(name, [str(lms), "worker", "--interval", "0.5"], {**env, "LMS_INSTANCE_PATH": str(instance)},
                  folder / f"{name}.log")


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


# What no log of a healthy run contains: tracebacks, and WeasyPrint's native heap warnings and aborts.
TROUBLE = re.compile(r"GLib-WARNING|GLib-CRITICAL|corrupted|realloc\(\)|Aborted|double free|Segmentation|"
                     r"Rendering the PDF of certificate .* failed|Background work failed")
