"""A Redis counter over the plain RESP protocol: ``INCR`` and ``EXPIRE``, nothing else.

The rate limiter needs two commands; the Redis client library is not among the locked
dependencies, and RESP for them is a few lines. One connection per process, used under a lock
(gunicorn threads share it); any socket or protocol trouble raises ``RedisUnavailable``, and the
caller falls back to the database.
"""
from __future__ import annotations

import socket
import threading
from urllib.parse import unquote, urlsplit

TIMEOUT_SECONDS = 0.5


class RedisUnavailable(Exception):
    """Redis could not be reached or answered something unexpected."""


def _command(*args) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class RedisCounter:
    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme != "redis":
            raise ValueError(f"REDIS_URL must start with redis://, got {url!r}")
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 6379
        self.password = unquote(parts.password) if parts.password else None
        self.username = unquote(parts.username) if parts.username else None
        path = parts.path.strip("/")
        self.database = int(path) if path.isdigit() else 0
        self._lock = threading.Lock()
        self._socket = self._reader = None

    def _connect(self) -> None:
        self._socket = socket.create_connection((self.host, self.port), timeout=TIMEOUT_SECONDS)
        self._reader = self._socket.makefile("rb")
        if self.password:
            auth = ("AUTH", self.username, self.password) if self.username else ("AUTH", self.password)
            self._call(_command(*auth))
        if self.database:
            self._call(_command("SELECT", self.database))

    def _reply(self):
        line = self._reader.readline()
        if not line.endswith(b"\r\n"):
            raise RedisUnavailable("connection closed")
        kind, body = line[:1], line[1:-2]
        if kind == b":":
            return int(body)
        if kind == b"+":
            return body.decode()
        if kind == b"-":
            raise RedisUnavailable(body.decode(errors="replace"))
        raise RedisUnavailable(f"unexpected reply {line[:20]!r}")

    def _call(self, payload: bytes, replies: int = 1) -> list:
        self._socket.sendall(payload)
        return [self._reply() for _ in range(replies)]

    def close(self) -> None:
        for thing in (self._reader, self._socket):
            if thing is not None:
                try:
                    thing.close()
                except OSError:
                    pass
        self._socket = self._reader = None

    def __del__(self):  # an app dropped (a test's) closes its connection instead of leaking it
        self.close()

    def incr(self, key: str, ttl: int) -> int:
        """Add one to ``key`` and (re)set its expiry; the new count."""
        with self._lock:
            try:
                if self._socket is None:
                    self._connect()
                count, _ = self._call(_command("INCR", key) + _command("EXPIRE", key, ttl), replies=2)
                return int(count)
            except (OSError, ValueError, RedisUnavailable) as error:
                self.close()
                raise RedisUnavailable(str(error) or type(error).__name__) from error
