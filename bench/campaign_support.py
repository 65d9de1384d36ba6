"""Support for bench/exam_campaign.py: a small asyncio HTTP/1.1 client, gunicorn control, statistics.

Stdlib only, so the benchmark runs on a fresh clone after ``pip install -e ".[test]"``. Also the
bare Flask "hello" app that the baseline serves under the same gunicorn settings
(``gunicorn --chdir bench "campaign_support:hello_app()"``).
"""
from __future__ import annotations

import asyncio
import math
import os
import platform
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSIENT = (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, OSError, EOFError)


# --- the bare Flask baseline ------------------------------------------------------------------

def hello_app():
    """The baseline: Flask with one JSON route and nothing else (no database, no session)."""
    from flask import Flask, jsonify, request

    app = Flask("hello")

    @app.route("/hello", methods=["GET", "POST"])
    def hello():
        data = request.get_json(silent=True) or {}
        return jsonify({"saved": True, "position": data.get("position")})

    @app.route("/healthz")
    def healthz():
        return "ok"

    return app


# --- the attempt page --------------------------------------------------------------------------

def slot_versions(html: str) -> dict[int, int]:
    """Each slot's question version, read from the attempt page as quizzes.js reads it (position -> version)."""
    return {int(p): int(v) for p, v in re.findall(r'data-position="(\d+)" data-version="(\d+)"', html)}


# --- HTTP client ----------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One simulated browser: a keep-alive connection to 127.0.0.1 and its own cookie jar."""

    def __init__(self, port: int, timeout: float = 30.0, idle_limit: float | None = None):
        self.port, self.timeout = port, timeout
        # The server's keep-alive: a connection idle that long is closed by the server, so a browser
        # opens a new one rather than send into it (and retries on a stale one). None: no limit.
        self.idle_limit = idle_limit
        self.cookies: dict[str, str] = {}
        self._reader = self._writer = None
        self._last_used = 0.0

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except Exception:  # noqa: BLE001 - the peer may be gone (killed worker)
                pass
        self._reader = self._writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> Response:
        """Send one request (reconnecting when needed); raises a TRANSIENT error when the server goes away."""
        return await asyncio.wait_for(self._request(method, path, body, headers or {}), self.timeout)

    async def _request(self, method, path, body, headers) -> Response:
        if self._writer is not None and self.idle_limit is not None and (
                self._reader.at_eof() or time.monotonic() - self._last_used >= self.idle_limit - 1):
            await self.close()
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Accept-Language: ru",
                 f"Content-Length: {len(body)}"]
        if method not in ("GET", "HEAD"):
            # What a browser sends with every same-origin write (the portal may check either).
            origin = f"http://127.0.0.1:{self.port}"
            headers = {"Origin": origin, "Referer": origin + "/", **headers}
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines += [f"{k}: {v}" for k, v in headers.items()]
        try:
            self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await self._writer.drain()
            response = await self._read_response()
        except BaseException:
            await self.close()
            raise
        self._last_used = time.monotonic()
        if (response.header("Connection") or "").lower() == "close":
            await self.close()
        for key, value in response.headers:
            if key.lower() == "set-cookie":
                self._store_cookie(value)
        return response

    async def _read_response(self) -> Response:
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in header_lines if ":" in line]
        response = Response(status, headers, b"")
        if (response.header("Transfer-Encoding") or "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self._reader.readuntil(b"\r\n")
                    break
                chunks.append(await self._reader.readexactly(size))
                await self._reader.readexactly(2)
            response.body = b"".join(chunks)
        else:
            response.body = await self._reader.readexactly(int(response.header("Content-Length") or 0))
        return response

    def _store_cookie(self, value: str) -> None:
        pair, *attributes = [part.strip() for part in value.split(";")]
        name, _, cookie = pair.partition("=")
        expired = any(a.lower().startswith("max-age=0") or a.lower().startswith("expires=thu, 01 jan 1970")
                      for a in attributes)
        if expired or cookie == "":
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = cookie


# --- statistics ------------------------------------------------------------------------------

@dataclass
class StepStats:
    """Latencies (ms) of one step's requests, and every failed try counted as what it was.

    A request that succeeds after retries is timed from its first try, so the time lost to the
    failed tries reaches the percentiles. Each failed try counts where it happens: ``timeouts``
    (no answer within the client's timeout), ``server_errors`` (any 5xx), ``dropped`` (the
    connection closed or reset); ``errors`` counts requests given up after all their tries.
    """

    samples: list[float] = field(default_factory=list)
    retries: int = 0
    errors: int = 0
    timeouts: int = 0
    server_errors: int = 0
    dropped: int = 0
    first: float | None = None
    last: float | None = None

    @property
    def failures(self) -> int:
        """Everything that went wrong: failed tries (retried or not) and requests given up."""
        return self.timeouts + self.server_errors + self.dropped + self.errors

    def add(self, started: float, ended: float) -> None:
        self.samples.append((ended - started) * 1000)
        self.first = started if self.first is None else min(self.first, started)
        self.last = ended if self.last is None else max(self.last, ended)

    def summary(self) -> dict:
        window = (self.last - self.first) if self.samples and self.last > self.first else 0.0
        return {"n": len(self.samples), "retries": self.retries, "errors": self.errors,
                "timeouts": self.timeouts, "server_errors": self.server_errors, "dropped": self.dropped,
                "p50_ms": percentile(self.samples, 0.50), "p95_ms": percentile(self.samples, 0.95),
                "p99_ms": percentile(self.samples, 0.99), "max_ms": max(self.samples) if self.samples else None,
                "window_s": round(window, 3), "per_s": round(len(self.samples) / window, 1) if window else None}


def percentile(samples: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None without samples."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = math.ceil(fraction * len(ordered))
    return round(ordered[min(len(ordered), max(1, rank)) - 1], 2)


def print_table(title: str, stats: dict[str, StepStats]) -> None:
    print(f"\n{title}")
    print(f"{'step':<16}{'n':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'retries':>9}"
          f"{'timeout':>8}{'5xx':>6}{'dropped':>8}{'gave up':>8}")
    for step, stat in stats.items():
        s = stat.summary()
        fmt = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
        print(f"{step:<16}{s['n']:>7}{fmt(s['per_s']):>9}{fmt(s['p50_ms']):>9}{fmt(s['p95_ms']):>9}"
              f"{fmt(s['p99_ms']):>9}{fmt(s['max_ms']):>9}{s['retries']:>9}{s['timeouts']:>8}{s['server_errors']:>6}"
              f"{s['dropped']:>8}{s['errors']:>8}")


# --- gunicorn ----------------------------------------------------------------------------------

@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path
    command: list[str]
    outlived: list[int] = field(default_factory=list)  # workers still running after the master stopped

    def worker_pids(self) -> list[int]:
        """The master's children (the workers), read from /proc."""
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            children = (task / "children").read_text().split()
            pids.extend(int(pid) for pid in children)
        return sorted(pids)

    def stop(self) -> None:
        """Stop gunicorn; workers that outlive their master are recorded in ``outlived``, then killed."""
        children = self.worker_pids() if self.process.poll() is None else []
        terminate(self.process)
        time.sleep(0.5)
        self.outlived = [pid for pid in children if running(pid)]
        for pid in self.outlived:
            os.kill(pid, signal.SIGKILL)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def cpu_seconds(pids) -> float:
    """User + system CPU seconds the processes ``pids`` have used so far (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """The local PostgreSQL server's processes (postmaster and backends), by their command name."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().startswith("postgres"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_now(servers: dict) -> dict:
    """CPU seconds so far of each server's workers, of PostgreSQL, and of this client process."""
    used = {name: cpu_seconds(server.worker_pids()) for name, server in servers.items()}
    used["PostgreSQL"] = cpu_seconds(postgres_pids())
    used["client"] = time.process_time()
    return used


def cpu_per_request(before: dict, after: dict, requests: int) -> dict:
    """Milliseconds of CPU per request, by process, between two ``cpu_now`` readings."""
    return {name: round((after[name] - before[name]) * 1000 / max(requests, 1), 3) for name in before}


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app_spec: str, *, workers: int, threads: int, keepalive: int, env: dict, log_path: Path,
                   chdir: Path = ROOT, nice: int = 0) -> Server:
    """Start gunicorn (gthread workers) on a free 127.0.0.1 port and wait until /healthz answers;
    ``nice``: run it at that lower priority (a page pool that yields to the hot pool)."""
    port = free_port()
    command = (["nice", "-n", str(nice)] if nice else []) + [
        sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "gthread", "--threads", str(threads),
        "--keep-alive", str(keepalive), "--backlog", "2048", "-b", f"127.0.0.1:{port}",
        "--chdir", str(chdir), "--error-logfile", "-", app_spec]
    log = open(log_path, "wb")  # noqa: SIM115 - gunicorn writes to it until stop()
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    server = Server(process, port, log_path, command)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:  # nosec B310 - loopback
                if reply.status == 200 and len(server.worker_pids()) >= workers:
                    return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer on /healthz within 90 s:\n{server.log_text()[-3000:]}")


def terminate(process: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM (gunicorn and lms worker finish what they hold), then SIGKILL after ``grace`` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path | None = None

    def stop(self) -> None:
        terminate(self.process)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""


def start_worker(env: dict, log_path: Path) -> Worker:
    """``nice -n 10 lms worker``, as docs/configuration.md recommends: PDFs use only the CPU the web workers leave."""
    lms = Path(sys.executable).with_name("lms")
    log = open(log_path, "wb")  # noqa: SIM115 - the worker writes to it until stop()
    command = ["nice", "-n", "10", str(lms), "worker", "--interval", "0.5"]
    return Worker(subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT), log_path)


def machine() -> dict:
    """What the figures were measured on."""
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) // 1024} MiB"
    except OSError:
        pass
    cpu = None
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), None)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": memory, "python": platform.python_version(),
            "platform": platform.platform()}
