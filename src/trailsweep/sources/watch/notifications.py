"""Reading S3 "object created" notifications out of SQS message bodies.

Three shapes reach a queue:

- direct S3 -> SQS (also SNS with raw delivery): `{"Records": [{"eventSource": "aws:s3",
  "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": ...}, "object": {"key": ...}}}]}`,
  where the key is URL-encoded the form way (`+` is a space, `%2B` a plus);
- SNS-wrapped: `{"Type": "Notification", "Message": "<the above, as a JSON string>"}`;
- EventBridge: `{"detail-type": "Object Created", "source": "aws.s3", "detail": {"bucket":
  {"name": ...}, "object": {"key": ..., "size": ..., "etag": ...}}}`, whose key is not encoded.

S3 also sends `s3:TestEvent` once when a notification configuration is saved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus


class NotANotificationError(ValueError):
    """The message body is not an S3 event notification; the message says why."""


@dataclass(frozen=True)
class CreatedObject:
    """One object an "object created" event announced."""

    bucket: str
    key: str
    """Decoded: the object's real key."""
    size: int
    etag: str
    """Without quotes; "" when the event carried none."""
    event_time: datetime | None


@dataclass(frozen=True)
class Notification:
    """What one message announced."""

    created: tuple[CreatedObject, ...] = ()
    ignored: int = 0
    """Records of other events (deletions, restores, tagging): nothing to read."""
    problems: tuple[str, ...] = ()
    """Records that could not be read, each with the reason."""
    test_event: bool = False


def parse_notification(body: str) -> Notification:
    """The objects an SQS message body announces; raises NotANotificationError."""
    document = _load(body, "the message")
    if document.get("Type") == "Notification" and isinstance(document.get("Message"), str):
        document = _load(document["Message"], "the SNS message")
    if document.get("Event") == "s3:TestEvent":
        return Notification(test_event=True)
    if "Records" in document:
        return _from_records(document["Records"])
    if document.get("source") == "aws.s3" and "detail-type" in document:
        return _from_eventbridge(document)
    raise NotANotificationError(
        "no S3 event in it (expected Records, an SNS notification or an EventBridge event)"
    )


def _load(text: str, what: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise NotANotificationError(f"{what} is not JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise NotANotificationError(f"{what} is a JSON {type(document).__name__}, not an object")
    return document


def _from_records(records: object) -> Notification:
    if not isinstance(records, list) or not records:
        raise NotANotificationError("Records is not a non-empty list")
    created: list[CreatedObject] = []
    ignored = 0
    problems: list[str] = []
    for index, record in enumerate(records):
        if not isinstance(record, dict) or record.get("eventSource") != "aws:s3":
            problems.append(f"record {index} is not an S3 event")
            continue
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            ignored += 1
            continue
        s3 = record.get("s3")
        bucket = _dig(s3, "bucket", "name")
        obj = _dig(s3, "object")
        key = _dig(obj, "key")
        if not _named(bucket, key) or not isinstance(obj, dict):
            problems.append(f"record {index} names no bucket or key")
            continue
        created.append(
            CreatedObject(
                str(bucket),
                unquote_plus(str(key)),
                _size(obj.get("size")),
                str(obj.get("eTag") or "").strip('"'),
                _time(record.get("eventTime")),
            )
        )
    return Notification(tuple(created), ignored, tuple(problems))


def _from_eventbridge(event: dict[str, Any]) -> Notification:
    if event["detail-type"] != "Object Created":
        return Notification(ignored=1)
    detail = event.get("detail")
    bucket = _dig(detail, "bucket", "name")
    obj = _dig(detail, "object")
    key = _dig(obj, "key")
    if not _named(bucket, key) or not isinstance(obj, dict):
        return Notification(problems=("the EventBridge event names no bucket or key",))
    etag = str(obj.get("etag") or "").strip('"')
    size = _size(obj.get("size"))
    created = CreatedObject(str(bucket), str(key), size, etag, _time(event.get("time")))
    return Notification((created,))


def _dig(value: object, *names: str) -> object:
    for name in names:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _named(*values: object) -> bool:
    return all(isinstance(value, str) and value for value in values)


def _size(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
