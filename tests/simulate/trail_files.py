"""Reading a simulated trail back, and an independent re-statement of the seed rule for checks."""

from __future__ import annotations

import gzip
import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

POSTURE_APIS = frozenset(
    (
        "GetBucketAcl",
        "GetBucketPublicAccessBlock",
        "GetBucketPolicy",
        "GetBucketPolicyStatus",
        "GetBucketVersioning",
    )
)
# Elastic's remove-nulls script drops these values before anything else sees them.
_ABSENT = (None, "", "-", "none")


def log_files(root: Path) -> list[Path]:
    """Every log file (not digests) under `root`, sorted."""
    return sorted(
        p for p in (root / "AWSLogs").rglob("*.json.gz") if "/CloudTrail/" in p.as_posix()
    )


def digest_files(root: Path) -> list[Path]:
    """Every digest file under `root`, sorted."""
    return sorted(
        p for p in (root / "AWSLogs").rglob("*.json.gz") if "/CloudTrail-Digest/" in p.as_posix()
    )


def read_json_gz(path: Path) -> Any:
    """Gunzip with the standard library (not the writer's isal) and parse."""
    return orjson.loads(gzip.decompress(path.read_bytes()))


def records_by_file(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Records of each log file, keyed by the path relative to `root`."""
    return {p.relative_to(root).as_posix(): read_json_gz(p)["Records"] for p in log_files(root)}


def all_records(files: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """Every record of every file, duplicates included."""
    for records in files.values():
        yield from records


def epoch(event_time: str) -> int:
    """`YYYY-MM-DDTHH:MM:SSZ` → epoch seconds."""
    return int(datetime.strptime(event_time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def _present(value: Any) -> bool:
    return value not in _ABSENT


def _source_ip(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def rule_row(record: dict[str, Any]) -> tuple[str, str, int, list[str]] | None:
    """(arn, source.ip, window start, bucket ARNs) when the rule's WHERE keeps the record."""
    if record.get("eventSource") != "s3.amazonaws.com":
        return None
    if record.get("eventName") not in POSTURE_APIS:
        return None
    if _present(record.get("errorCode")) or _present(record.get("errorMessage")):
        return None  # event.outcome == "failure"
    identity = record.get("userIdentity") or {}
    kind = identity.get("type")
    if not _present(kind) or kind == "AWSService":
        return None  # a missing type makes `!= "AWSService"` null, which drops the row
    arn = identity.get("arn")
    if not isinstance(arn, str) or not _present(arn):
        return None
    ip = _source_ip(record.get("sourceIPAddress"))
    if ip is None:
        return None
    arns = [
        r["ARN"]
        for r in record.get("resources") or []
        if isinstance(r, dict) and _present(r.get("ARN"))
    ]
    if not arns:
        return None
    if _present(record.get("sessionCredentialFromConsole")):
        return None
    ts = epoch(record["eventTime"])
    return arn, ip, ts - ts % 10, arns


@dataclass
class Group:
    """One `stats ... by window, arn, ip` group."""

    buckets: set[str] = field(default_factory=set)
    event_ids: set[str] = field(default_factory=set)


def posture_groups(records: Iterable[dict[str, Any]]) -> dict[tuple[str, str, int], Group]:
    """The rule's grouping over `records`, before the `> 15` filter."""
    groups: dict[tuple[str, str, int], Group] = defaultdict(Group)
    for record in records:
        row = rule_row(record)
        if row is None:
            continue
        arn, ip, window, arns = row
        group = groups[(arn, ip, window)]
        group.buckets.update(arns)
        group.event_ids.add(record["eventID"])
    return dict(groups)


def iso_millis(ts: int) -> str:
    """Elastic's rendering of a date."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
