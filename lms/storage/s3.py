"""S3-compatible object storage (AWS, MinIO, Ceph, Yandex Object Storage …) through boto3.

``STORAGE_URL=s3://bucket/prefix`` keeps every key as ``prefix/<key>`` in ``bucket``. Uploads go
from a file on disk with boto3's managed transfer (multipart above 8 MiB, so a video is sent in
parts and never read whole); reads are a seekable stream that fetches from the current position
with an HTTP range, so a video seek or a ``Range`` request downloads only what it needs.
"""
from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from lms.config import ConfigurationError
from lms.storage.backends import Backend, ObjectInfo, check_key

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
PART_SIZE = 8 * 1024 * 1024


def backend_from_url(url: str, config) -> S3Backend:
    """``s3://bucket/prefix`` and the ``STORAGE_S3_*`` settings as a backend (no network yet)."""
    parts = urlsplit(url)
    bucket, prefix = parts.netloc, parts.path.strip("/")
    if not _BUCKET.fullmatch(bucket or "") or ".." in bucket:
        raise ConfigurationError(f"LMS_STORAGE_URL {url!r}: {bucket!r} is not an S3 bucket name "
                                 "(3-63 lower-case letters, digits, dots and dashes).")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"LMS_STORAGE_URL {url!r}: put the endpoint and credentials in the "
                                 "LMS_STORAGE_S3_* settings, not in the URL.")
    if prefix:
        try:
            check_key(prefix)
        except ValueError:
            raise ConfigurationError(f"LMS_STORAGE_URL {url!r}: the prefix {prefix!r} may hold only letters, "
                                     "digits, '-', '_', '.' and single slashes.") from None
    endpoint = config.get("STORAGE_S3_ENDPOINT_URL") or None
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ConfigurationError(f"LMS_STORAGE_S3_ENDPOINT_URL {endpoint!r} must start with https:// (or http://).")
    key_id = config.get("STORAGE_S3_ACCESS_KEY_ID") or None
    secret = config.get("STORAGE_S3_SECRET_ACCESS_KEY") or None
    if bool(key_id) != bool(secret):
        raise ConfigurationError("LMS_STORAGE_S3_ACCESS_KEY_ID and LMS_STORAGE_S3_SECRET_ACCESS_KEY are set together "
                                 "(or both left unset to use boto3's own credential chain).")
    options = {"endpoint_url": endpoint, "region_name": config.get("STORAGE_S3_REGION") or None,
               "aws_access_key_id": key_id, "aws_secret_access_key": secret}
    return S3Backend(bucket, prefix, options, url=f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}")


def _is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code")) in _MISSING


class S3Backend(Backend):
    """Objects in one bucket under one prefix; the boto3 client is made on first use and shared by threads."""

    def __init__(self, bucket: str, prefix: str, client_options: dict, *, url: str) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.url = url
        self._options = client_options
        self._client = None
        self._lock = threading.Lock()

    @property
    def client(self):
        with self._lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                self._client = boto3.session.Session().client(
                    "s3", config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                        connect_timeout=5, read_timeout=60, max_pool_connections=20),
                    **{name: value for name, value in self._options.items() if value is not None})
            return self._client

    def _full(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _transfer(self):
        from boto3.s3.transfer import TransferConfig

        # Two parts in flight: an upload holds at most ~2 x 8 MiB in memory, whatever the file's size.
        return TransferConfig(multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=2)

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self.client.upload_file(str(path), self.bucket, self._full(key), ExtraArgs=extra, Config=self._transfer())

    def put_stream(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self.client.upload_fileobj(stream, self.bucket, self._full(key), ExtraArgs=extra, Config=self._transfer())

    def open(self, key: str) -> BinaryIO:
        found = self.info(key)
        if found is None:
            raise FileNotFoundError(key)
        return _RangeReader(self.client, self.bucket, self._full(key), found.size)

    def info(self, key: str) -> ObjectInfo | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._full(key))
        except ClientError as error:
            if _is_missing(error):
                return None
            raise
        return ObjectInfo(key, int(head["ContentLength"]), head["LastModified"].timestamp())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._full(key))

    def keys(self, prefix: str) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                yield item["Key"][len(self.prefix):]


class _RangeReader(io.RawIOBase):
    """A seekable read-only view of an object: each read continues one ranged GET from the position.

    Seeking drops the open response, so a ``Range`` request for the end of a video fetches only
    that end, and nothing beyond what is read is ever buffered.
    """

    def __init__(self, client, bucket: str, key: str, size: int) -> None:
        super().__init__()
        self._client, self._bucket, self._key, self._size = client, bucket, key, size
        self._position = 0
        self._body = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        target = max(0, base + offset)
        if target != self._position:
            self._drop_body()
            self._position = target
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self._size or len(buffer) == 0:
            return 0
        if self._body is None:
            response = self._client.get_object(Bucket=self._bucket, Key=self._key, Range=f"bytes={self._position}-")
            self._body = response["Body"]
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop_body()
        super().close()
