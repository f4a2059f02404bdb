"""Hand-built CloudTrail records for scenario tests, and writers for every input format."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from trailsweep.normalize import normalize_record

POSTURE_APIS = (
    "GetBucketAcl",
    "GetBucketPublicAccessBlock",
    "GetBucketPolicy",
    "GetBucketPolicyStatus",
    "GetBucketVersioning",
)
ACCOUNT = "111122223333"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/mallory"
BASE_TIME = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)


@dataclass
class Counter:
    """Hands out unique event ids within one scenario."""

    value: int = 0

    def next(self) -> str:
        self.value += 1
        return f"00000000-0000-4000-8000-{self.value:012d}"


def posture_record(
    ids: Counter,
    bucket: str,
    *,
    second: float = 1.0,
    action: str = "GetBucketAcl",
    source_ip: str = "198.51.100.7",
    arn: str | None = USER_ARN,
    identity_type: str | None = "IAMUser",
    resources: Any = None,
    **extra: Any,
) -> dict[str, Any]:
    """One successful S3 posture call, as CloudTrail writes it."""
    when = BASE_TIME + timedelta(seconds=second)
    identity: dict[str, Any] = {
        "principalId": "AIDAEXAMPLEMALLORY",
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAEXAMPLEMALLORY01",
        "userName": "mallory",
    }
    if identity_type is not None:
        identity["type"] = identity_type
    if arn is not None:
        identity["arn"] = arn
    record: dict[str, Any] = {
        "eventVersion": "1.10",
        "userIdentity": identity,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "s3.amazonaws.com",
        "eventName": action,
        "awsRegion": "us-east-1",
        "sourceIPAddress": source_ip,
        "userAgent": "[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#6.1 md/arch#x86_64]",
        "requestParameters": {
            "bucketName": bucket,
            "Host": f"{bucket}.s3.amazonaws.com",
            "acl": "",
        },
        "responseElements": None,
        "requestID": f"REQ{ids.value:08d}",
        "eventID": ids.next(),
        "readOnly": True,
        "resources": resources
        if resources is not None
        else [{"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    record.update(extra)
    return record


def sweep(
    ids: Counter, count: int, *, start: float = 1.0, step: float = 0.25, **kw: Any
) -> list[dict[str, Any]]:
    """`count` posture calls on distinct buckets, cycling through the five APIs."""
    return [
        posture_record(
            ids,
            f"bucket-{i:03d}",
            second=start + i * step,
            action=POSTURE_APIS[i % len(POSTURE_APIS)],
            **kw,
        )
        for i in range(count)
    ]


def _s3_delivery(records: Sequence[dict[str, Any]], folder: Path) -> None:
    key = (
        f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/03/14/"
        f"{ACCOUNT}_CloudTrail_us-east-1_20260314T1005Z_abcdefghijklmnop.json.gz"
    )
    path = folder / key
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress(json.dumps({"Records": list(records)}).encode()))


def _json_array(records: Sequence[dict[str, Any]], folder: Path) -> None:
    (folder / "events.json").write_text(json.dumps(list(records), indent=1))


def _ndjson(records: Sequence[dict[str, Any]], folder: Path) -> None:
    (folder / "events.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


def _cloudwatch_export(records: Sequence[dict[str, Any]], folder: Path) -> None:
    lines = (f"{r['eventTime'].replace('Z', '.000Z')} {json.dumps(r)}\n" for r in records)
    (folder / "cloudwatch.log").write_text("".join(lines))


def _lookup_events(records: Sequence[dict[str, Any]], folder: Path) -> None:
    events = [
        {"EventId": r["eventID"], "EventName": r["eventName"], "CloudTrailEvent": json.dumps(r)}
        for r in records
    ]
    (folder / "lookup-events.json").write_text(json.dumps({"Events": events}))


def _ecs_ndjson(records: Sequence[dict[str, Any]], folder: Path) -> None:
    documents = [normalize_record(r).document for r in records]
    hits = [
        {"_index": "logs-aws.cloudtrail-default", "_id": str(i), "_source": d}
        for i, d in enumerate(documents)
    ]
    (folder / "ecs-export.ndjson").write_text("".join(json.dumps(h) + "\n" for h in hits))


FORMAT_WRITERS: dict[str, Callable[[Sequence[dict[str, Any]], Path], None]] = {
    "s3-delivery": _s3_delivery,
    "json-array": _json_array,
    "ndjson": _ndjson,
    "cloudwatch-export": _cloudwatch_export,
    "lookup-events": _lookup_events,
    "ecs-ndjson": _ecs_ndjson,
}
