"""A real webhook receiver on 127.0.0.1 for tests: verifies each signature like a host system would."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lms.webhooks.signing import SIGNATURE_HEADER, verify_signature


class Receiver:
    """Records every POST; answers with ``status`` (a callable may decide per request) after ``delay`` s."""

    def __init__(self, secret: str, status=204, delay: float = 0.0):
        self.secret, self.status, self.delay = secret, status, delay
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                record = {
                    "body": json.loads(body),
                    "headers": {name.lower(): value for name, value in self.headers.items()},
                    "verified": verify_signature(receiver.secret, body, self.headers.get(SIGNATURE_HEADER, ""),
                                                 now=time.time()),
                    "path": self.path,
                }
                with receiver.lock:
                    receiver.requests.append(record)
                    count = len(receiver.requests)
                time.sleep(receiver.delay(count) if callable(receiver.delay) else receiver.delay)
                status = receiver.status(count) if callable(receiver.status) else receiver.status
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the worker was killed while we waited
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/lms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def ids(self) -> list[str]:
        with self.lock:
            return [r["body"]["id"] for r in self.requests]

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.ids()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver got {len(self.ids())} of {count} deliveries")
            time.sleep(0.05)
