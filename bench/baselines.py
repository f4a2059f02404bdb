"""The baselines `bench_scan.py` measures `trailsweep scan` against, one per sub-command.

floor:  decompress every file with isal on all cores, nothing else (no reader can beat it).
duckdb: a hand-written DuckDB `read_json` query doing the rule's aggregation.
plain:  a plain `json.loads` loop doing the rule's aggregation on one core.
"""

from __future__ import annotations

import ipaddress
import json
import multiprocessing
import sys
from collections import defaultdict
from pathlib import Path

from isal import igzip

POSTURE = {
    "GetBucketAcl",
    "GetBucketPublicAccessBlock",
    "GetBucketPolicy",
    "GetBucketPolicyStatus",
    "GetBucketVersioning",
}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.json.gz") if "CloudTrail-Digest" not in p.parts)


def _decompressed_size(path: Path) -> int:
    with igzip.open(path, "rb") as handle:
        return len(handle.read())


def floor(folder: Path) -> str:
    with multiprocessing.Pool() as pool:
        total = sum(pool.map(_decompressed_size, _files(folder), chunksize=4))
    return f"{total / 1e6:.0f} MB of JSON decompressed"


def plain(folder: Path) -> str:
    groups: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    from datetime import datetime

    for path in _files(folder):
        with igzip.open(path, "rb") as handle:
            records = json.loads(handle.read())["Records"]
        for r in records:
            if r.get("eventSource") != "s3.amazonaws.com" or r.get("eventName") not in POSTURE:
                continue
            if r.get("errorCode") or r.get("errorMessage") or r.get("sessionCredentialFromConsole"):
                continue
            identity = r.get("userIdentity") or {}
            if identity.get("type") in (None, "AWSService") or not identity.get("arn"):
                continue
            try:
                ip = str(ipaddress.ip_address(r.get("sourceIPAddress", "")))
            except ValueError:
                continue
            arns = [x.get("ARN") for x in r.get("resources") or [] if x.get("ARN")]
            if not arns:
                continue
            when = datetime.fromisoformat(r["eventTime"]).timestamp()
            groups[(int(when // 10), identity["arn"], ip)].update(arns)
    alerts = sum(1 for arns in groups.values() if len(arns) > 15)
    return f"{alerts} alerts"


def duckdb_query(folder: Path) -> str:
    import duckdb

    record = (
        "STRUCT(eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, errorCode VARCHAR, "
        "errorMessage VARCHAR, sourceIPAddress VARCHAR, sessionCredentialFromConsole VARCHAR, "
        "userIdentity STRUCT(type VARCHAR, arn VARCHAR), resources STRUCT(ARN VARCHAR)[])"
    )
    pattern = str(folder / "AWSLogs" / "*" / "CloudTrail" / "**" / "*.json.gz")
    sql = f"""
    SET TimeZone = 'UTC';
    WITH r AS (
      SELECT unnest(Records) AS e
      FROM read_json('{pattern}', columns = {{Records: '{record}[]'}}, format = 'auto')
    ), f AS (
      SELECT e.userIdentity.arn AS arn, e.sourceIPAddress AS ip,
             epoch_ms(e.eventTime::TIMESTAMP) // 10000 AS w, e.resources AS res
      FROM r
      WHERE e.eventSource = 's3.amazonaws.com'
        AND e.eventName IN ('GetBucketAcl','GetBucketPublicAccessBlock','GetBucketPolicy',
                            'GetBucketPolicyStatus','GetBucketVersioning')
        AND e.errorCode IS NULL AND e.errorMessage IS NULL
        AND e.userIdentity.type != 'AWSService' AND e.userIdentity.arn IS NOT NULL
        AND e.sessionCredentialFromConsole IS NULL
        AND regexp_full_match(e.sourceIPAddress, '[0-9.]+|[0-9a-fA-F:]+')
    )
    SELECT count(*) FROM (
      SELECT w, arn, ip FROM f, unnest(res) AS t(x)
      GROUP BY ALL HAVING count(DISTINCT x.ARN) > 15
    )
    """
    connection = duckdb.connect()
    *_, last = [connection.execute(statement).fetchall() for statement in sql.split(";")]
    return f"{last[0][0]} alerts"


if __name__ == "__main__":
    command, target = sys.argv[1], Path(sys.argv[2])
    runner = {"floor": floor, "plain": plain, "duckdb": duckdb_query}[command]
    print(runner(target))
