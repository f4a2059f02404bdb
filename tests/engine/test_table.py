"""The events table builder: converting rows to Arrow in chunks gives the table built at once."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from trailsweep.engine.table import EventTable, EventTableBuilder
from trailsweep.errors import Location

FIELDS = (
    "@timestamp",
    "event.id",
    "event.action",
    "source.ip",
    "cloud.region",
    "aws.cloudtrail.resources.arn",
    "aws.cloudtrail.read_only",
    "custom.unmapped",
)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "@timestamp": st.sampled_from(["2026-03-14T10:00:01.000Z", "2026-03-14T10:00:02.500Z"]),
    "event.id": st.uuids().map(str),
    "event.action": st.sampled_from(["GetBucketAcl", "ListBuckets"]),
    "source.ip": st.sampled_from(["192.0.2.1", "2001:db8::1"]),
    "cloud.region": st.one_of(
        st.sampled_from(["us-east-1", "eu-west-1"]),
        st.just(["us-east-1", "eu-west-1"]),  # a multi-value: the column becomes a list
        st.just(["us-east-1"]),
    ),
    "aws.cloudtrail.resources.arn": st.lists(
        st.sampled_from(["arn:aws:s3:::a", "arn:aws:s3:::b"]), min_size=1, max_size=2
    ),
    "aws.cloudtrail.read_only": st.booleans(),
    "custom.unmapped": st.one_of(st.integers(0, 9), st.sampled_from(["x", "y"])),
}


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    present = draw(st.sets(st.sampled_from(FIELDS)))
    return {name: draw(VALUES[name]) for name in present}


def _build(rows: list[dict[str, Any]], chunk_rows: int) -> EventTable:
    builder = EventTableBuilder(FIELDS, chunk_rows=chunk_rows)
    for number, flat in enumerate(rows):
        builder.add(flat, Location(f"file-{number % 3}.json", line=number or None, record=number))
    return builder.build()


@settings(max_examples=120, deadline=None)
@given(st.lists(documents(), max_size=12), st.integers(1, 5))
def test_chunked_build_equals_one_chunk(rows: list[dict[str, Any]], chunk_rows: int) -> None:
    chunked = _build(rows, chunk_rows)
    whole = _build(rows, chunk_rows=10_000)
    assert chunked.schema == whole.schema
    assert chunked.table.equals(whole.table)
    assert list(chunked.event_ids) == list(whole.event_ids)
    assert list(chunked.locations) == list(whole.locations)


def test_values_types_and_origins_survive_chunking() -> None:
    rows = [
        {"event.id": "a", "cloud.region": "us-east-1", "aws.cloudtrail.resources.arn": ["x"]},
        {"event.id": 7, "cloud.region": ["eu-west-1", "us-east-1"]},
        {"source.ip": "192.0.2.9", "custom.unmapped": 3},
    ]
    table = _build(rows, chunk_rows=1)
    assert table.schema["cloud.region"].multivalued
    assert not table.schema["source.ip"].multivalued
    assert table.schema["custom.unmapped"].type == "long"
    assert table.table.column("cloud.region").to_pylist() == [
        ["us-east-1"],
        ["eu-west-1", "us-east-1"],
        None,
    ]
    assert table.table.column("source.ip").to_pylist() == [None, None, "192.0.2.9"]
    assert table.table.column("aws.cloudtrail.resources.arn").to_pylist() == [["x"], None, None]
    assert list(table.event_ids) == ["a", None, None]
    assert table.locations[2] == Location("file-2.json", line=2, record=2)
    assert table.locations[0] == Location("file-0.json", record=0)
    assert table.rows == 3


TEXTISH = st.one_of(st.none(), st.text(max_size=3), st.lists(st.text(max_size=2), max_size=2))


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXTISH, max_size=20), st.sampled_from(["keyword", "ip"]))
def test_text_columns_convert_as_the_row_by_row_path_does(values: list[Any], kind: Any) -> None:
    """The shortcut for columns of text and nulls gives exactly the lists _as_list makes."""
    import pyarrow as pa

    from trailsweep.engine.table import _arrow_array, _as_list, _to_keyword
    from trailsweep.esql.types import FieldSpec

    fast = _arrow_array(FieldSpec("f", kind, True), values)
    slow = pa.array([_as_list(v, _to_keyword) for v in values], type=pa.list_(pa.string()))
    assert fast.type == slow.type
    assert fast.to_pylist() == slow.to_pylist()
    assert fast.null_count == slow.null_count
