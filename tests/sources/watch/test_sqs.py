"""The SQS source against real S3 and SQS APIs (moto's server): notifications in every shape,
acknowledgement by deletion, duplicates, bad messages, limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.sources.watch import notices
from tests.sources.watch.moto_server import unique_name
from trailsweep.sources.watch import (
    DeliveredObject,
    Poll,
    SourceError,
    SqsSource,
    open_watch_source,
)
from trailsweep.sources.watch.opening import _region_of

DAY = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14"

pytestmark = pytest.mark.usefixtures("fake_aws")


class _Diagnostics:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, level: str, message: str) -> None:
        self.seen.append((level, message))


def _open(queue_url: str, endpoint: str, report: _Diagnostics | None = None) -> SqsSource:
    source = open_watch_source(queue_url, endpoint_url=endpoint, wait_seconds=0, report=report)
    assert isinstance(source, SqsSource)
    return source


def _counts(sqs_client: Any, queue_url: str) -> tuple[int, int]:
    """(visible, in flight) messages of the queue."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs_client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)
    return tuple(int(attributes["Attributes"][name]) for name in names)  # type: ignore[return-value]


def _nothing_known(key: str) -> bool:
    return False


def _send(sqs_client: Any, queue_url: str, *bodies: str) -> list[str]:
    return [
        str(sqs_client.send_message(QueueUrl=queue_url, MessageBody=body)["MessageId"])
        for body in bodies
    ]


def test_real_s3_notifications_are_delivered_fetched_and_deleted(
    s3_client: Any, sqs_client: Any, bucket: str, queue_url: str, moto_endpoint: str, tmp_path: Path
) -> None:
    arn = sqs_client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    s3_client.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": arn["Attributes"]["QueueArn"], "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )  # S3 sends an s3:TestEvent now
    key = f"{DAY}/with space+plus.json.gz"
    s3_client.put_object(Bucket=bucket, Key=key, Body=b"trail bytes")
    name = queue_url.rsplit("/", 1)[1]
    source = open_watch_source(f"sqs://{name}", endpoint_url=moto_endpoint, wait_seconds=1)
    assert isinstance(source, SqsSource) and source.queue_url == queue_url
    poll = source.poll(None, _nothing_known, 10)
    (obj,) = poll.objects
    assert obj.key == obj.display == f"s3://{bucket}/{key}"
    assert obj.size == len(b"trail bytes") and obj.handle is not None
    assert poll.cursor is None and poll.backlog is None and poll.known == ()
    assert _counts(sqs_client, queue_url) == (0, 1)  # the TestEvent is gone already
    path = source.fetch(obj, tmp_path)
    assert path.parent == tmp_path and path.read_bytes() == b"trail bytes"
    source.discard(path)
    assert not path.exists()
    source.acknowledge(poll.objects)
    assert _counts(sqs_client, queue_url) == (0, 0)
    source.close()


def test_every_shape_and_what_is_not_a_notification(
    sqs_client: Any, queue_url: str, moto_endpoint: str
) -> None:
    ids = _send(
        sqs_client,
        queue_url,
        notices.direct("trail", f"{DAY}/direct.json.gz"),
        notices.via_sns(notices.direct("trail", f"{DAY}/via sns.json.gz")),
        notices.eventbridge("trail", f"{DAY}/bridge+it.json.gz"),
        notices.TEST_EVENT,
        "this is not json",
        notices.direct("trail", "AWSLogs/1/CloudTrail-Digest/us-east-1/2026/03/14/d.json.gz"),
        notices.direct("trail", f"{DAY}/removed.json.gz", event="ObjectRemoved:Delete"),
    )
    report = _Diagnostics()
    source = _open(queue_url, moto_endpoint, report)
    poll = source.poll(None, _nothing_known, 100)
    assert sorted(obj.key for obj in poll.objects) == [
        f"s3://trail/{DAY}/bridge+it.json.gz",
        f"s3://trail/{DAY}/direct.json.gz",
        f"s3://trail/{DAY}/via sns.json.gz",
    ]
    assert [obj.key.rsplit("/", 1)[1] for obj in poll.objects] == [
        "direct.json.gz",  # 10:35:00
        "via sns.json.gz",  # 10:35:00 too: the key decides
        "bridge+it.json.gz",  # 10:36:00
    ]
    assert len(report.seen) == 1
    level, message = report.seen[0]
    assert level == "error"
    assert f"message {ids[4]} is not an S3 event notification" in message
    assert "deleted" in message and "this is not json" in message
    # The junk, the TestEvent, the digest-only and the deletion messages are gone already.
    assert _counts(sqs_client, queue_url) == (0, 3)
    source.acknowledge(poll.objects)
    assert _counts(sqs_client, queue_url) == (0, 0)
    source.close()


def test_known_objects_and_duplicates_within_a_poll(
    sqs_client: Any, queue_url: str, moto_endpoint: str
) -> None:
    old = f"{DAY}/processed-before.json.gz"
    twice = f"{DAY}/announced-twice.json.gz"
    _send(
        sqs_client,
        queue_url,
        notices.direct("trail", old),
        notices.direct("trail", twice),
        notices.direct("trail", twice),
    )
    source = _open(queue_url, moto_endpoint)
    poll = source.poll(None, lambda key: key == f"s3://trail/{old}", 10)
    assert [obj.key for obj in poll.objects] == [f"s3://trail/{twice}"]
    assert sorted(obj.key for obj in poll.known) == [f"s3://trail/{twice}", f"s3://trail/{old}"]
    source.acknowledge(poll.known)  # the watcher acknowledges known objects at once
    assert _counts(sqs_client, queue_url) == (0, 1)
    source.acknowledge(poll.objects)
    assert _counts(sqs_client, queue_url) == (0, 0)


def test_a_message_goes_once_all_its_objects_are_acknowledged(
    sqs_client: Any, queue_url: str, moto_endpoint: str
) -> None:
    _send(sqs_client, queue_url, notices.direct("trail", f"{DAY}/a.json.gz", f"{DAY}/b.json.gz"))
    source = _open(queue_url, moto_endpoint)
    first, second = source.poll(None, _nothing_known, 10).objects
    assert first.handle == second.handle
    source.acknowledge([first])
    assert _counts(sqs_client, queue_url) == (0, 1)
    source.acknowledge([first])  # again: still waiting for the other
    assert _counts(sqs_client, queue_url) == (0, 1)
    source.acknowledge([second])
    assert _counts(sqs_client, queue_url) == (0, 0)
    source.acknowledge([DeliveredObject("s3://x/y", "", 0, "s3://x/y", "stale-handle")])


def test_limit_never_splits_a_message(sqs_client: Any, queue_url: str, moto_endpoint: str) -> None:
    _send(
        sqs_client,
        queue_url,
        notices.direct("trail", f"{DAY}/1.json.gz"),
        notices.direct("trail", f"{DAY}/2.json.gz", f"{DAY}/3.json.gz"),
    )
    source = _open(queue_url, moto_endpoint)
    first = source.poll(None, _nothing_known, 2)
    # Both messages were received; the second did not fit and is visible again at once.
    assert len(first.objects) in (1, 2)
    assert _counts(sqs_client, queue_url) == (1, 1)
    source.acknowledge(first.objects)
    second = source.poll(None, _nothing_known, 2)
    assert len(first.objects) + len(second.objects) == 3
    source.acknowledge(second.objects)
    delivered = sorted(obj.key.rsplit("/", 1)[1] for obj in first.objects + second.objects)
    assert delivered == ["1.json.gz", "2.json.gz", "3.json.gz"]
    assert _counts(sqs_client, queue_url) == (0, 0)
    assert source.poll(None, _nothing_known, 0) == Poll((), None, None)


def test_close_makes_unacknowledged_messages_visible_again(
    sqs_client: Any, queue_url: str, moto_endpoint: str
) -> None:
    _send(sqs_client, queue_url, notices.direct("trail", f"{DAY}/a.json.gz"))
    source = _open(queue_url, moto_endpoint)
    assert len(source.poll(None, _nothing_known, 10).objects) == 1
    source.close()
    assert _counts(sqs_client, queue_url) == (1, 0)
    again = _open(queue_url, moto_endpoint)
    assert [obj.key for obj in again.poll(None, _nothing_known, 10).objects] == [
        f"s3://trail/{DAY}/a.json.gz"
    ]


def test_a_queue_url_is_used_as_it_is(sqs_client: Any, queue_url: str) -> None:
    _send(sqs_client, queue_url, json.dumps({"Records": "nope"}))
    report = _Diagnostics()
    # No endpoint_url: a non-AWS queue URL names the service itself.
    source = open_watch_source(queue_url, wait_seconds=0, report=report)
    assert source.description == f"sqs {queue_url}"
    assert source.poll(None, _nothing_known, 10).objects == ()
    assert "Records is not a non-empty list" in report.seen[0][1]
    assert _counts(sqs_client, queue_url) == (0, 0)


def test_unusable_queues_are_source_errors(moto_endpoint: str) -> None:
    missing = unique_name("missing")
    with pytest.raises(SourceError, match=f"sqs sqs://{missing}: opening the queue: no such queue"):
        open_watch_source(f"sqs://{missing}", endpoint_url=moto_endpoint)
    url = f"{moto_endpoint}/123456789012/{missing}"
    with pytest.raises(SourceError, match=f"sqs {url}: opening the queue: no such queue"):
        open_watch_source(url)
    with pytest.raises(SourceError, match="not a queue URL"):
        open_watch_source(f"{moto_endpoint}/just-a-name")
    with pytest.raises(SourceError, match="expected sqs://<queue-name>"):
        open_watch_source("sqs://")


def test_aws_queue_hosts_name_their_region() -> None:
    assert _region_of("sqs.eu-west-1.amazonaws.com") == "eu-west-1"
    assert _region_of("eu-west-1.queue.amazonaws.com") == "eu-west-1"
    assert _region_of("sqs.cn-north-1.amazonaws.com.cn") == "cn-north-1"
    assert _region_of("127.0.0.1") is None
    assert _region_of("localhost") is None
