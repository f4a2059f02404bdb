"""Plain Python: a `json.loads` loop over every record, on one core.

What a script written without any library would do: decompress (isal, to be kind to it), parse
the whole file, test each record, and keep a set of resource ARNs per (window, identity, IP).
The source IP is validated and canonicalized with `ipaddress`, as Elastic's `ip` field does.
"""

from __future__ import annotations

import ipaddress
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from contenders.rule import (
    POSTURE_ACTIONS,
    PROVIDER,
    THRESHOLD,
    WINDOW_SECONDS,
    ContenderResult,
    gunzip,
    trail_files,
)

_POSTURE = frozenset(POSTURE_ACTIONS)


def _canonical_ip(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def run(folder: Path) -> ContenderResult:
    """Count the rule's alerts with dicts and sets."""
    groups: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    records_seen = 0
    for path in trail_files(folder):
        records = json.loads(gunzip(path))["Records"]
        records_seen += len(records)
        for r in records:
            if r.get("eventSource") != PROVIDER or r.get("eventName") not in _POSTURE:
                continue
            if r.get("errorCode") or r.get("errorMessage"):
                continue
            if r.get("sessionCredentialFromConsole") is not None:
                continue
            identity = r.get("userIdentity") or {}
            if identity.get("type") in (None, "AWSService") or not identity.get("arn"):
                continue
            ip = _canonical_ip(r.get("sourceIPAddress"))
            if ip is None:
                continue
            arns = [x["ARN"] for x in r.get("resources") or () if x.get("ARN")]
            if not arns:
                continue
            when = datetime.fromisoformat(r["eventTime"]).timestamp()
            groups[(int(when // WINDOW_SECONDS), identity["arn"], ip)].update(arns)
    alerts = sum(1 for arns in groups.values() if len(arns) > THRESHOLD)
    return ContenderResult(alerts=alerts, detail=f"{records_seen:,} records parsed on one core")
