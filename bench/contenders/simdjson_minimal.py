"""A minimal detector, as the issue's reference: pysimdjson on all cores, lazily decoding only
the fields the rule needs, and nothing else.

Each worker decompresses a file (isal), parses it with simdjson, asks each record for its
eventName and reads the rest of a record only when it is one of the five posture calls; it
returns the (window, identity ARN, IP, bucket ARN) tuples it found, and the parent counts the
groups over the threshold. No normalization, no validation of the records it skips, no
evidence, no ES|QL: the least a Python detector of this rule can do, so its speed bounds what
any Python reader of these files reaches on this machine.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import simdjson

from contenders.rule import (
    IP_REGEX,
    POSTURE_ACTIONS,
    PROVIDER,
    THRESHOLD,
    WINDOW_SECONDS,
    ContenderResult,
    gunzip,
    trail_files,
)

_POSTURE = frozenset(POSTURE_ACTIONS)
Found = tuple[int, str, str, str]


def _file_hits(path: Path) -> tuple[int, list[Found]]:
    parser = simdjson.Parser()
    records = parser.parse(gunzip(path))["Records"]
    hits: list[Found] = []
    for record in records:
        if record.get("eventName") not in _POSTURE or record.get("eventSource") != PROVIDER:
            continue
        if record.get("errorCode") or record.get("errorMessage"):
            continue
        if record.get("sessionCredentialFromConsole") is not None:
            continue
        identity = record.get("userIdentity")
        if identity is None or identity.get("type") in (None, "AWSService"):
            continue
        arn = identity.get("arn")
        ip = record.get("sourceIPAddress")
        if not arn or not isinstance(ip, str) or not IP_REGEX.fullmatch(ip):
            continue
        when = datetime.fromisoformat(record.get("eventTime")).timestamp()
        window = int(when // WINDOW_SECONDS)
        for resource in record.get("resources") or ():
            bucket = resource.get("ARN")
            if bucket:
                hits.append((window, str(arn), ip.lower(), str(bucket)))
    return len(records), hits


def run(folder: Path) -> ContenderResult:
    """Find the rule's alerts with a minimal lazy simdjson reader, one worker per core."""
    groups: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    records_seen = 0
    with multiprocessing.Pool() as pool:
        for count, hits in pool.imap_unordered(_file_hits, trail_files(folder), chunksize=8):
            records_seen += count
            for window, arn, ip, bucket in hits:
                groups[(window, arn, ip)].add(bucket)
    alerts = sum(1 for buckets in groups.values() if len(buckets) > THRESHOLD)
    detail = f"{records_seen:,} records on {multiprocessing.cpu_count()} cores"
    return ContenderResult(alerts=alerts, detail=detail)
