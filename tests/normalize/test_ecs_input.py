"""Input already in ECS form (Elastic exports)."""

from __future__ import annotations

import pytest

from trailsweep.errors import InputError
from trailsweep.normalize import ecs_document_from, is_ecs_document

_SOURCE = {
    "@timestamp": "2024-11-01T14:43:10.000Z",
    "event": {"action": "GetBucketAcl", "provider": "s3.amazonaws.com"},
    "aws": {"cloudtrail": {"resources": [{"arn": "arn:aws:s3:::b"}]}},
}


def test_search_hit() -> None:
    hit = {"_index": ".ds-logs-aws.cloudtrail-default", "_id": "abc", "_source": _SOURCE}
    assert is_ecs_document(hit)
    assert ecs_document_from(hit) == _SOURCE


def test_bare_source() -> None:
    assert is_ecs_document(_SOURCE)
    assert ecs_document_from(_SOURCE) == _SOURCE


def test_dotted_keys_are_nested() -> None:
    dotted = {
        "@timestamp": "2024-11-01T14:43:10.000Z",
        "event.action": "GetBucketAcl",
        "event.provider": "s3.amazonaws.com",
        "aws.cloudtrail.resources": [{"arn": "arn:aws:s3:::b"}],
    }
    assert is_ecs_document(dotted)
    assert ecs_document_from(dotted) == _SOURCE


def test_data_stream_alone_is_enough() -> None:
    assert is_ecs_document({"@timestamp": "t", "data_stream": {"dataset": "aws.cloudtrail"}})


@pytest.mark.parametrize(
    "obj",
    [
        {"eventVersion": "1.08", "eventName": "GetBucketAcl", "eventSource": "s3.amazonaws.com"},
        {"@timestamp": "t", "@version": "1", "eventName": "X", "eventSource": "s3.amazonaws.com"},
        {"event": {"action": "A"}},
        {"_source": "not a document", "_id": "1"},
    ],
)
def test_not_ecs(obj: dict[str, object]) -> None:
    assert not is_ecs_document(obj)


def test_not_ecs_cannot_be_taken() -> None:
    with pytest.raises(InputError, match="not an ECS document"):
        ecs_document_from({"eventName": "X"})
