"""Column types across files and batches: the store reads back what a direct scan builds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from tests.scenarios.builders import Counter, posture_record
from trailsweep.engine.table import ROW_COLUMN, EventTableBuilder
from trailsweep.errors import Location
from trailsweep.esql.types import FieldSpec
from trailsweep.normalize import flatten_document, normalize_record
from trailsweep.store import EventStore, IngestOptions, TimeRange
from trailsweep.store.columns import conform_column, merged_spec, merged_type, sql_conversion


def test_merged_type_is_inferred_types_rule() -> None:
    assert merged_type([]) == "null"
    assert merged_type(["null", "long"]) == "long"
    assert merged_type(["long", "double"]) == "double"
    assert merged_type(["long", "double", "keyword"]) == "keyword"
    assert merged_type(["boolean", "long"]) == "keyword"
    assert merged_spec("source.ip", []) == FieldSpec("source.ip", "ip")
    assert merged_spec("tags", []) == FieldSpec("tags", "null", True)
    x, y = FieldSpec("x", "long"), FieldSpec("x", "keyword", True)
    assert merged_spec("x", [x, y]) == FieldSpec("x", "keyword", True)


CASES: list[tuple[list[Any], FieldSpec | None, FieldSpec, list[Any]]] = [
    ([1, None, 3], FieldSpec("x", "long"), FieldSpec("x", "keyword"), ["1", None, "3"]),
    ([1, None, 3], FieldSpec("x", "long"), FieldSpec("x", "double"), [1.0, None, 3.0]),
    ([1.5, 5.0, None], FieldSpec("x", "double"), FieldSpec("x", "keyword"), ["1.5", "5.0", None]),
    ([True, None], FieldSpec("x", "boolean"), FieldSpec("x", "keyword"), ["true", None]),
    (["a", None], FieldSpec("x", "keyword"), FieldSpec("x", "keyword", True), [["a"], None]),
    ([7, None], FieldSpec("x", "long"), FieldSpec("x", "keyword", True), [["7"], None]),
    (
        [[1, 2], None, [3]],
        FieldSpec("x", "long", True),
        FieldSpec("x", "keyword", True),
        [["1", "2"], None, ["3"]],
    ),
    ([None, None], None, FieldSpec("x", "date"), [None, None]),
]


@pytest.mark.parametrize(("values", "stored", "target", "expected"), CASES)
def test_sql_and_arrow_conversions_agree(
    values: list[Any], stored: FieldSpec | None, target: FieldSpec, expected: list[Any]
) -> None:
    """Merging parts into a batch (Arrow) and batches into a scan (SQL) convert alike, as the
    events table builder converts values (Python's string forms)."""
    builder = EventTableBuilder(["x"])
    for value in values:
        builder.add({"x": value}, Location("f"))
    built = builder.build().table.column("x") if stored is not None else None
    via_arrow = conform_column(built, len(values), stored, target).to_pylist()
    connection = duckdb.connect()
    connection.register("t", pa.table({"x": builder.build().table.column("x")}))
    sql = f"SELECT {sql_conversion('x', stored, target)} FROM t"
    via_sql = [row[0] for row in connection.execute(sql).fetchall()]
    assert via_arrow == via_sql == expected


def _ecs_file(path: Path, documents: list[dict[str, Any]]) -> Path:
    hits = [
        {"_index": "logs-aws.cloudtrail-default", "_id": str(i), "_source": d}
        for i, d in enumerate(documents)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(hit) + "\n" for hit in hits))
    return path


def test_store_reads_back_what_a_direct_scan_builds(tmp_path: Path) -> None:
    ids = Counter()
    labels: list[dict[str, Any]] = [
        {"n": 5, "tags": "a"},
        {"n": 1.5, "tags": ["b", "c"]},
        {"n": "x", "only_here": True},
        {"n": 7},
    ]
    files = []
    for index, extra in enumerate(labels):
        document = normalize_record(posture_record(ids, f"bucket-{index}")).document
        document["labels"] = extra
        files.append(_ecs_file(tmp_path / "in" / f"{index}.ndjson", [document]))
    store = EventStore(tmp_path / "store")
    store.ingest(files, IngestOptions(batch_rows=1))  # one batch (one part) per file
    # What a direct scan builds from the same documents, every field.
    builder = EventTableBuilder((), ("*",))
    for index, extra in enumerate(labels):
        document = normalize_record(posture_record(Counter(index), f"bucket-{index}")).document
        document["labels"] = extra
        builder.add(flatten_document(document), Location(str(files[index]), line=1))
    expected = builder.build()
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    got = store.relation(connection, fields=list(expected.schema)).order(ROW_COLUMN)
    table = got.to_arrow_table()
    snapshot = store.snapshot()
    schema = snapshot.schema(snapshot.parts(TimeRange()), list(expected.schema))
    assert schema == expected.schema
    assert schema["labels.n"] == FieldSpec("labels.n", "keyword")
    assert schema["labels.tags"] == FieldSpec("labels.tags", "keyword", True)
    for name in expected.schema:
        assert table.column(name).to_pylist() == expected.table.column(name).to_pylist(), name
    assert table.column("__origin").to_pylist() == [str(path) for path in files]
    assert table.column("__record").to_pylist() == [0, 0, 0, 0]  # one-document files
    assert table.column(ROW_COLUMN).to_pylist() == [0, 1, 2, 3]
