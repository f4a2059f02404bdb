"""Writing one batch of events as Parquet parts, one per day, laid out for fast rule scans.

Within a part, rows are sorted by (event.provider, event.action, @timestamp) and written in
small row groups: a rule's `event.provider == ... AND event.action IN (...)` then matches the
min/max statistics of a few row groups only, and DuckDB skips the others without reading them.
A part is written under a temporary name, synced, then renamed; it only becomes part of the
store when the catalogue that lists it is committed (see `catalogue`).
"""

from __future__ import annotations

import os
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from trailsweep.engine.table import ROW_COLUMN
from trailsweep.esql.types import FieldSpec
from trailsweep.store.catalogue import NO_DAY, Part, sync_folder
from trailsweep.store.columns import conform_table, merge_schemas

EVENTS_FOLDER = "events"
TIMESTAMP = "@timestamp"
SORT_KEYS = ("event.provider", "event.action", TIMESTAMP)
TEMPORARY_SUFFIX = ".tmp"
ROW_INDEX_SUFFIX = ".rows"


@dataclass(frozen=True)
class LayoutOptions:
    """How parts are written."""

    row_group_rows: int = 16_384
    """Rows per row group: smaller groups skip more precisely, larger ones scan faster."""
    compression: str = "zstd"


@dataclass(frozen=True)
class FileEvents:
    """The events of one source file, as written by the events table builder."""

    table: pa.Table
    schema: Mapping[str, FieldSpec]


def write_batch(
    folder: Path,
    batch_id: str,
    files: Sequence[FileEvents],
    first_row: int,
    layout: LayoutOptions,
) -> tuple[Part, ...]:
    """Write the events of these files (in this order, numbered from `first_row`) as one part
    per day; returns the parts, not yet committed."""
    schema = merge_schemas(item.schema for item in files)
    table = pa.concat_tables([conform_table(item.table, item.schema, schema) for item in files])
    rows = pa.array(range(first_row, first_row + table.num_rows), type=pa.int64())
    table = table.append_column(ROW_COLUMN, rows)
    parts = []
    for day, mask in _days(table):
        part_table = _without_empty_columns(table.filter(mask), schema)
        parts.append(write_part(folder, batch_id, day, part_table, schema, layout))
    return tuple(parts)


def write_part(
    folder: Path,
    batch_id: str,
    day: str,
    table: pa.Table,
    schema: Mapping[str, FieldSpec],
    layout: LayoutOptions,
) -> Part:
    """Sort and write one day's events of a batch: temporary file, sync, rename."""
    table = table.sort_by([(key, "ascending") for key in _sort_keys(table, schema)])
    relative = Path(EVENTS_FOLDER) / f"day={day}" / f"{batch_id}.parquet"
    index_relative = relative.with_suffix(ROW_INDEX_SUFFIX)
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    row_range = pc.min_max(table.column(ROW_COLUMN)).as_py()
    row_min, row_max = int(row_range["min"]), int(row_range["max"])
    index = _row_index(table.column(ROW_COLUMN).to_pylist(), row_min, row_max)
    _write_durably(folder / index_relative, index.tobytes())
    temporary = target.with_name(target.name + TEMPORARY_SUFFIX)
    pq.write_table(
        table,
        temporary,
        row_group_size=layout.row_group_rows,
        compression=layout.compression,
    )
    _commit_file(temporary, target)
    time_min, time_max = _time_range(table)
    return Part(
        path=relative.as_posix(),
        day=day,
        rows=table.num_rows,
        row_min=row_min,
        row_max=row_max,
        time_min=time_min,
        time_max=time_max,
        columns={name: spec for name, spec in schema.items() if name in table.column_names},
        row_index=index_relative.as_posix(),
    )


def read_row_index(path: Path) -> array[int]:
    """A part's row index (see `Part.row_index`)."""
    index = array("i")
    index.frombytes(path.read_bytes())
    if sys.byteorder == "big":
        index.byteswap()
    return index


def _row_index(rows: list[int], row_min: int, row_max: int) -> array[int]:
    # Rows are sorted for scans, not in `__row` order: finding an alert's events by `__row`
    # would read every row group of the part; this index names the one row group to read.
    index = array("i", [-1]) * (row_max - row_min + 1)
    for position, row in enumerate(rows):
        index[row - row_min] = position
    if sys.byteorder == "big":
        index.byteswap()
    return index


def _write_durably(target: Path, payload: bytes) -> None:
    temporary = target.with_name(target.name + TEMPORARY_SUFFIX)
    with temporary.open("wb") as handle:
        handle.write(payload)
    _commit_file(temporary, target)


def _commit_file(temporary: Path, target: Path) -> None:
    """Sync a written file and rename it to its final name (still uncommitted: only the
    catalogue makes it part of the store)."""
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    sync_folder(target.parent)


def _days(table: pa.Table) -> list[tuple[str, pa.Array]]:
    """Each day of the batch (UTC, from @timestamp) with the mask of its rows."""
    if TIMESTAMP not in table.column_names:
        return [(NO_DAY, pa.array([True] * table.num_rows))]
    timestamps = table.column(TIMESTAMP)
    if not pa.types.is_timestamp(timestamps.type):
        # A list-typed @timestamp would be malformed input; keep such events, unscanned by day.
        return [(NO_DAY, pa.array([True] * table.num_rows))]
    days = pc.cast(timestamps, pa.date32())
    result: list[tuple[str, pa.Array]] = []
    for day in sorted(value for value in pc.unique(days).to_pylist() if value is not None):
        result.append((day.isoformat(), pc.fill_null(pc.equal(days, pa.scalar(day)), False)))
    if days.null_count:
        result.append((NO_DAY, pc.is_null(days)))
    return result


def _without_empty_columns(table: pa.Table, schema: Mapping[str, FieldSpec]) -> pa.Table:
    """A part keeps only the fields its own events have (so a scan of its days alone infers
    the types a direct scan of those events would)."""
    empty = [
        name
        for name in schema
        if name in table.column_names and table.column(name).null_count == table.num_rows
    ]
    return table.drop_columns(empty) if empty else table


def _sort_keys(table: pa.Table, schema: Mapping[str, FieldSpec]) -> list[str]:
    return [
        key
        for key in SORT_KEYS
        if key in table.column_names and key in schema and not schema[key].multivalued
    ]


def _time_range(table: pa.Table) -> tuple[datetime | None, datetime | None]:
    if TIMESTAMP not in table.column_names or not pa.types.is_timestamp(
        table.column(TIMESTAMP).type
    ):
        return None, None
    bounds = pc.min_max(table.column(TIMESTAMP)).as_py()
    return bounds["min"], bounds["max"]
