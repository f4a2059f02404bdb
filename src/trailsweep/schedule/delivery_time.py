"""The `event.ingested` stand-in: when a CloudTrail file was delivered, from its key name.

Elastic's ingest pipeline stamps every document with `event.ingested` (the moment it was
indexed), and CloudTrail rules select each run's documents by it. Files on disk carry no such
stamp, but a trail's key names do: `<account>_CloudTrail_<region>_20260314T1035Z_<random>.json.gz`
names the minute the file was delivered, and Elastic's S3 input indexes a file shortly after it
lands. A file without that stamp (a JSON export, a renamed file) falls back to its modification
time, which `aws s3 cp`/`sync` set to the object's LastModified (its delivery time again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

_STAMP = re.compile(r"_(\d{8})T(\d{4})(\d{2})?Z(?=[_.A-Za-z0-9])")

IngestSource = Literal["key", "mtime"]


@dataclass(frozen=True)
class IngestTime:
    """When a file's records count as ingested, and where that time came from."""

    at: datetime
    """UTC, timezone-aware."""
    source: IngestSource
    """`key`: the delivery timestamp in the file name; `mtime`: the file's modification time."""


def delivery_stamp(name: str) -> datetime | None:
    """The delivery time a CloudTrail key name carries (`..._20260314T1035Z_...`), else None.

    >>> delivery_stamp("1111_CloudTrail_us-east-1_20260314T1035Z_abcdefghijklmnop.json.gz")
    datetime.datetime(2026, 3, 14, 10, 35, tzinfo=datetime.timezone.utc)
    >>> delivery_stamp("export.json") is None
    True
    """
    match = _STAMP.search(name)
    if match is None:
        return None
    day, minute, second = match[1], match[2], match[3] or "00"
    try:
        return datetime.strptime(day + minute + second, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def ingest_time(path: Path) -> IngestTime:
    """The `event.ingested` stand-in of every record of the file at `path`."""
    stamp = delivery_stamp(path.name)
    if stamp is not None:
        return IngestTime(stamp, "key")
    return IngestTime(datetime.fromtimestamp(path.stat().st_mtime, UTC), "mtime")
