"""Lazy (simdjson) reading of delivery documents: what it passes over, when it steps aside."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trailsweep.errors import Location
from trailsweep.normalize import SCREENED_KEYS, RecordRejected, plainly_valid, screen_record
from trailsweep.sources import PassedOver, RecordGate, Rejection, SourceRecord, lazy_available
from trailsweep.sources.lazy import gated_items

pytestmark = pytest.mark.skipif(not lazy_available(), reason="pysimdjson is not installed")

WANTED = "GetBucketAcl"


def _screen(fields: dict[str, Any]) -> str | None:
    try:
        screen_record(fields)
    except RecordRejected as exc:
        return exc.reason
    return None


GATE = RecordGate(frozenset({WANTED}), plainly_valid, _screen, SCREENED_KEYS)


def _record(name: object, **extra: object) -> dict[str, object]:
    return {
        "eventVersion": "1.09",
        "eventTime": "2026-03-14T10:00:01Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": name,
        "eventID": f"id-{name}",
        **extra,
    }


def _items(records: list[object]) -> list[object] | None:
    content = json.dumps({"Records": records}).encode()
    return gated_items(content, "f.json", GATE)


def test_unwanted_records_are_counted_not_built() -> None:
    records = [
        _record("ListBuckets", eventTime="2026-03-14T10:04:00Z"),
        _record(WANTED),
        _record("PutObject", eventTime="2026-03-14T10:02:00Z"),
        _record(WANTED, eventTime="2026-03-14T11:00:00Z"),
    ]
    items = _items(list(records))
    assert items is not None
    built = [item for item in items if isinstance(item, SourceRecord)]
    assert [item.data for item in built] == [records[1], records[3]]
    assert [item.location for item in built] == [
        Location("f.json", record=1),
        Location("f.json", record=3),
    ]
    # The latest time among the records passed over (what a watermark follows).
    assert items[-1] == PassedOver(2, "2026-03-14T10:04:00Z")


def test_an_unwanted_record_without_usable_time_is_still_rejected_with_its_place() -> None:
    items = _items([_record("ListBuckets", eventTime="redacted"), _record("ListBuckets")])
    assert items is not None
    rejection, passed = items
    assert isinstance(rejection, Rejection)
    assert rejection.location == Location("f.json", record=0)
    assert "redacted" in rejection.reason
    assert passed == PassedOver(1, "2026-03-14T10:00:01Z")


def test_shipper_timestamp_keeps_an_unwanted_record_valid() -> None:
    record = _record("ListBuckets", **{"@timestamp": "2026-03-14T10:00:01.000Z"})
    del record["eventTime"]
    assert _items([record]) == [PassedOver(1, None, ("2026-03-14T10:00:01.000Z",))]


@pytest.mark.parametrize(
    "name", [None, 5, ["GetBucketAcl"], {"x": 1}], ids=["null", "number", "list", "object"]
)
def test_records_whose_name_is_not_text_are_built(name: object) -> None:
    items = _items([_record(name)])
    assert items is not None
    assert len(items) == 1
    assert isinstance(items[0], SourceRecord)
    assert items[0].data["eventName"] == name


def test_records_that_are_not_objects_are_classified_as_before() -> None:
    items = _items([7, "text", _record("ListBuckets")])
    assert items is not None
    assert [type(item).__name__ for item in items] == ["Rejection", "Rejection", "PassedOver"]


@pytest.mark.parametrize(
    "content",
    [
        b'{"Records": [{"eventName": "ListBuckets"',  # truncated
        b'{"Records": [{"eventName": "ListBuckets", "n": 123456789012345678901234567890}]}',
        b'{"Records": [{"eventName": "\\ud800"}]}',  # lone surrogate
        b'{"Events": [{"EventName": "ListBuckets"}]}',  # lookup-events wrapper
        b'[{"eventName": "ListBuckets"}]',  # a bare array
        b'{"Records": {"eventName": "ListBuckets"}}',  # Records is not a list
        b'{"generator": "trailsweep.simulate", "Records": []}',  # the simulator's manifest
    ],
    ids=["truncated", "bigint", "surrogate", "events", "array", "records-object", "manifest"],
)
def test_steps_aside_for_what_the_full_decode_must_judge(content: bytes) -> None:
    assert gated_items(content, "f.json", GATE) is None


def test_read_file_with_a_gate_on_a_gzip_delivery_file(tmp_path: Path) -> None:
    import gzip

    from trailsweep.sources import read_file

    path = tmp_path / "x_CloudTrail_us-east-1_x.json.gz"
    body = {"Records": [_record("ListBuckets"), _record(WANTED)]}
    path.write_bytes(gzip.compress(json.dumps(body).encode()))
    items = list(read_file(path, GATE))
    assert [type(item).__name__ for item in items] == ["SourceRecord", "PassedOver"]
    assert [type(item).__name__ for item in read_file(path)] == ["SourceRecord", "SourceRecord"]
