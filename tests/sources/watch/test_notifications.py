"""Parsing S3 notifications in each shape a queue receives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.sources.watch import notices
from trailsweep.sources.watch.notifications import (
    CreatedObject,
    NotANotificationError,
    Notification,
    parse_notification,
)

KEY = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/a b+c.json.gz"


def test_direct_records_decode_form_encoded_keys() -> None:
    body = notices.direct("trail", KEY, "x/plain.json.gz")
    assert "/a+b%2Bc.json.gz" in body
    parsed = parse_notification(body)
    assert parsed == Notification(
        created=(
            CreatedObject("trail", KEY, 7, "etag0", datetime(2026, 3, 14, 10, 35, 0, tzinfo=UTC)),
            CreatedObject(
                "trail", "x/plain.json.gz", 7, "etag1", datetime(2026, 3, 14, 10, 35, 1, tzinfo=UTC)
            ),
        )
    )


def test_sns_wrapped_records_are_unwrapped() -> None:
    parsed = parse_notification(notices.via_sns(notices.direct("trail", KEY)))
    assert [item.key for item in parsed.created] == [KEY]


def test_eventbridge_object_created_keys_are_taken_as_they_are() -> None:
    parsed = parse_notification(notices.eventbridge("trail", "logs/a+b c.json"))
    assert parsed.created == (
        CreatedObject(
            "trail", "logs/a+b c.json", 9, "abc", datetime(2026, 3, 14, 10, 36, tzinfo=UTC)
        ),
    )
    assert parse_notification(notices.eventbridge("trail", "k", "Object Deleted")) == Notification(
        ignored=1
    )


def test_test_events_and_other_event_kinds() -> None:
    assert parse_notification(notices.TEST_EVENT).test_event
    assert parse_notification(notices.via_sns(notices.TEST_EVENT)).test_event
    removed = parse_notification(notices.direct("trail", KEY, event="ObjectRemoved:Delete"))
    assert removed == Notification(ignored=1)


def test_unreadable_records_are_problems_beside_the_good_ones() -> None:
    body = (
        '{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {}},'
        ' {"eventSource": "aws:sqs"}, '
        '{"eventSource": "aws:s3", "eventName": "ObjectCreated:Copy",'
        ' "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}}]}'
    )
    parsed = parse_notification(body)
    assert parsed.created == (CreatedObject("b", "k", 0, "", None),)
    assert parsed.problems == ("record 0 names no bucket or key", "record 1 is not an S3 event")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("hello", "the message is not JSON"),
        ("[1, 2]", "the message is a JSON list, not an object"),
        ('{"Records": []}', "Records is not a non-empty list"),
        ('{"Type": "Notification", "Message": "nope"}', "the SNS message is not JSON"),
        ('{"greeting": "hi"}', "no S3 event in it"),
    ],
)
def test_bodies_that_are_not_notifications(body: str, reason: str) -> None:
    with pytest.raises(NotANotificationError, match=reason):
        parse_notification(body)
