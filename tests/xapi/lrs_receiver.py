"""A small real LRS on 127.0.0.1 for forwarding tests: checks credentials, version and signature,
keeps statements by id (a repeated delivery changes nothing), answers as told."""
from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lms.webhooks.signing import SIGNATURE_HEADER, verify_signature


class ReceivingLrs:
    def __init__(self, username: str, password: str, status=200, delay=0.0):
        self.expected_auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self.status, self.delay, self.secret = status, delay, None
        self.statements: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lrs.lock:
                    lrs.requests.append({"path": self.path, "headers": dict(self.headers), "verified": bool(
                        lrs.secret and verify_signature(lrs.secret, body, self.headers.get(SIGNATURE_HEADER, ""),
                                                        now=time.time()))})
                    count = len(lrs.requests)
                time.sleep(lrs.delay(count) if callable(lrs.delay) else lrs.delay)
                status = lrs.status(count) if callable(lrs.status) else lrs.status
                if self.headers.get("Authorization") != lrs.expected_auth:
                    status = 401
                elif self.headers.get("X-Experience-API-Version") != "1.0.3":
                    status = 400
                if status == 200:
                    with lrs.lock:
                        for statement in json.loads(body):
                            lrs.statements.setdefault(statement["id"], statement)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the sending worker was killed while we waited
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi/statements"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the LRS got {len(self.requests)} of {count} requests")
            time.sleep(0.05)
