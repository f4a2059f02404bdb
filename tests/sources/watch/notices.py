"""S3 notification bodies in the three shapes a queue receives, for the SQS tests."""

from __future__ import annotations

import json
from urllib.parse import quote_plus


def direct(bucket: str, *keys: str, event: str = "ObjectCreated:Put", when: str = "") -> str:
    """An S3 -> SQS notification; keys are URL-encoded the way S3 does (`+` for a space)."""
    records = [
        {
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": "us-east-1",
            "eventTime": when or f"2026-03-14T10:35:{index:02d}.000Z",
            "eventName": event,
            "s3": {
                "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                "object": {"key": quote_plus(key, safe="/"), "size": 7, "eTag": f"etag{index}"},
            },
        }
        for index, key in enumerate(keys)
    ]
    return json.dumps({"Records": records})


def via_sns(inner: str) -> str:
    """The same notification wrapped by an SNS topic (raw delivery off)."""
    return json.dumps(
        {
            "Type": "Notification",
            "MessageId": "5f1c",
            "TopicArn": "arn:aws:sns:us-east-1:111122223333:trail",
            "Subject": "Amazon S3 Notification",
            "Message": inner,
        }
    )


def eventbridge(bucket: str, key: str, detail_type: str = "Object Created") -> str:
    """An EventBridge event delivered to the queue by a rule (its key is not encoded)."""
    return json.dumps(
        {
            "version": "0",
            "id": "17793124-05d4-b198-2fde-7ededc63b103",
            "detail-type": detail_type,
            "source": "aws.s3",
            "account": "111122223333",
            "time": "2026-03-14T10:36:00Z",
            "region": "us-east-1",
            "resources": [f"arn:aws:s3:::{bucket}"],
            "detail": {
                "version": "0",
                "bucket": {"name": bucket},
                "object": {
                    "key": key,
                    "size": 9,
                    "etag": '"abc"',
                    "sequencer": "0062E99A88DC407460",
                },
                "reason": "PutObject",
            },
        }
    )


TEST_EVENT = json.dumps(
    {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": "2026-03-14T10:00:00.000Z",
        "Bucket": "trail",
        "RequestId": "5582815E1AEA5ADF",
        "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
    }
)
