"""Hand-built CloudTrail for the triage scenarios: a sweep and the calls around it."""

from __future__ import annotations

from typing import Any

from tests.scenarios.builders import ACCOUNT, Counter, posture_record

BOB_ARN = f"arn:aws:iam::{ACCOUNT}:user/bob"
DAY = 86400.0


def call(
    ids: Counter,
    action: str,
    second: float,
    *,
    provider: str = "s3.amazonaws.com",
    resources: list[dict[str, str]] | None = None,
    read_only: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """One call by mallory (unless overridden) that is not a posture read."""
    return posture_record(
        ids,
        "unused",
        second=second,
        action=action,
        resources=resources if resources is not None else [],
        eventSource=provider,
        readOnly=read_only,
        **extra,
    )


def bucket(name: str) -> dict[str, str]:
    """A bucket resource."""
    return {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{name}"}


def obj(name: str, key: str) -> dict[str, str]:
    """An object resource."""
    return {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{name}/{key}"}


def follow_on(ids: Counter) -> list[dict[str, Any]]:
    """Mallory's calls after the sweep, one of each kind the context tells apart, plus calls
    that must stay out (too late, someone else's)."""
    return [
        call(ids, "ListBuckets", 60),
        call(ids, "GetObject", 120, resources=[obj("bucket-001", "a.csv"), bucket("bucket-001")]),
        call(ids, "GetObject", 121, resources=[obj("bucket-001", "b.csv"), bucket("bucket-001")]),
        call(
            ids,
            "GetObject",
            122,
            resources=[obj("bucket-001", "c.csv"), bucket("bucket-001")],
            errorCode="AccessDenied",
            errorMessage="Access Denied",
        ),
        call(ids, "PutBucketPolicy", 180, resources=[bucket("bucket-001")], read_only=False),
        call(ids, "PutBucketAcl", 200, resources=[bucket("other-bucket")], read_only=False),
        call(ids, "AssumeRole", 240, provider="sts.amazonaws.com"),
        call(ids, "CreateAccessKey", 300, provider="iam.amazonaws.com", read_only=False),
        call(ids, "GetUser", 310, provider="iam.amazonaws.com"),
        call(ids, "DeleteBucket", 320, resources=[bucket("bucket-002")], read_only=False),
        call(
            ids,
            "GetBucketAcl",
            400,
            resources=[bucket("bucket-003")],
            sourceIPAddress="203.0.113.9",
        ),
        call(ids, "ListBuckets", 1900),
        call(
            ids,
            "ListBuckets",
            100,
            sourceIPAddress="192.0.2.1",
            userIdentity={
                "type": "IAMUser",
                "arn": BOB_ARN,
                "accountId": ACCOUNT,
                "accessKeyId": "AKIAEXAMPLEBOB000001",
            },
        ),
    ]
