"""Downloading S3 objects into the watcher's scratch folder, under names no key can steer.

A key is attacker-shaped text (`AWSLogs/../../etc/passwd`, `/abs/path`, a NUL byte): the local
name is the SHA-256 of the key plus a suffix picked from a fixed list by the key's ending, so
every download lands directly inside `scratch` whatever the key says. The reader detects gzip
by its magic bytes; the suffix is only a courtesy to people looking at the folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from trailsweep.sources.watch.aws import describe_failure, error_code
from trailsweep.sources.watch.model import MissingObjectError, SourceError

_SUFFIXES = (".json.gz", ".jsonl.gz", ".ndjson.gz", ".json", ".jsonl", ".ndjson", ".gz")
_GONE = frozenset({"NoSuchKey", "404", "NoSuchBucket"})
_CHUNK = 1 << 20


def split_s3_url(url: str) -> tuple[str, str]:
    """("bucket", "key") of `s3://bucket/key`; raises ValueError for anything else.

    >>> split_s3_url("s3://logs/AWSLogs/x.json.gz")
    ('logs', 'AWSLogs/x.json.gz')
    """
    if not url.startswith("s3://"):
        raise ValueError(f"not an s3:// URL: {url!r}")
    bucket, _, key = url[len("s3://") :].partition("/")
    if not bucket or not key:
        raise ValueError(f"not an s3://bucket/key URL: {url!r}")
    return bucket, key


def scratch_name(key: str) -> str:
    """The local file name of a download: a hash of the key plus a safe suffix.

    >>> scratch_name("AWSLogs/../../etc/passwd").endswith("passwd")
    False
    >>> scratch_name("a/b.JSON.GZ")[-8:]
    '.json.gz'
    """
    lowered = key.lower()
    suffix = next((ending for ending in _SUFFIXES if lowered.endswith(ending)), "")
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest() + suffix


class Downloads:
    """The files one source downloaded: only those are ever deleted by `discard`."""

    def __init__(self) -> None:
        self._paths: set[Path] = set()

    def fetch(self, client: Any, url: str, scratch: Path, description: str) -> Path:
        """Download `s3://bucket/key` into `scratch` (atomically: a partial file never shows
        under the final name); raises MissingObjectError when the object is gone."""
        try:
            bucket, key = split_s3_url(url)
        except ValueError as exc:
            raise SourceError(f"{description}: {exc}") from exc
        target = scratch / scratch_name(url)
        handle, temporary = tempfile.mkstemp(dir=scratch, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                response = client.get_object(Bucket=bucket, Key=key)
                with response["Body"] as body:
                    shutil.copyfileobj(body, out, _CHUNK)
            os.replace(temporary, target)
        except ClientError as exc:
            Path(temporary).unlink(missing_ok=True)
            if error_code(exc) in _GONE:
                raise MissingObjectError(f"{description}: {url} no longer exists") from exc
            raise SourceError(f"{description}: reading {url}: {describe_failure(exc)}") from exc
        except (BotoCoreError, OSError) as exc:
            Path(temporary).unlink(missing_ok=True)
            raise SourceError(f"{description}: reading {url}: {describe_failure(exc)}") from exc
        self._paths.add(target)
        return target

    def discard(self, path: Path) -> None:
        """Delete a file this source downloaded; any other path is left alone."""
        if path in self._paths:
            self._paths.discard(path)
            path.unlink(missing_ok=True)
