"""Building the events table (Arrow) that compiled queries run on, from flattened ECS documents."""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from trailsweep.engine.fields import (
    MULTIVALUED_FIELDS,
    declared_type,
    inferred_type,
    type_of_kinds,
    value_kinds,
)
from trailsweep.engine.row_origins import LocationColumn, StringColumn
from trailsweep.errors import Location
from trailsweep.esql.types import EsqlType, FieldSpec

ROW_COLUMN = "__row"
ARROW_TYPES: dict[EsqlType, pa.DataType] = {
    "keyword": pa.string(),
    "ip": pa.string(),
    "date": pa.timestamp("ms"),
    "long": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "null": pa.string(),
}


# Rows are turned into Arrow this many at a time: Python values never pile up for long.
CHUNK_ROWS = 4096


@dataclass(frozen=True)
class EventTable:
    """The events as one Arrow table, with what is needed to trace a row back to its record."""

    table: pa.Table
    schema: Mapping[str, FieldSpec]
    event_ids: Sequence[str | None]
    locations: Sequence[Location]

    @property
    def rows(self) -> int:
        """How many events the table holds."""
        return len(self.event_ids)


class EventTableBuilder:
    """Collects the wanted fields of flattened documents, then builds an EventTable.

    Rows are converted to Arrow every `chunk_rows` rows, each column as lists of its type: the
    mapped type, else keyword while the values seen are text (the usual case). A chunk of an
    unmapped field holding other values waits as Python values until the end, when the type is
    inferred from all chunks. At the end, a column is made single-valued unless some row held
    more than one value.
    """

    def __init__(
        self, fields: Iterable[str], patterns: Iterable[str] = (), chunk_rows: int = CHUNK_ROWS
    ) -> None:
        self._columns: dict[str, list[Any]] = {name: [] for name in fields}
        self._chunks: dict[str, list[pa.Array | list[Any]]] = {name: [] for name in self._columns}
        self._kinds: dict[str, set[EsqlType]] = {name: set() for name in self._columns}
        self._multivalued = {name: name in MULTIVALUED_FIELDS for name in self._columns}
        self._patterns = tuple(patterns)
        self._chunk_rows = chunk_rows
        self._flushed_rows = 0
        self._pending_ids: list[str | None] = []
        self._id_chunks: list[pa.Array] = []
        self._locations = LocationColumn()
        self._built: EventTable | None = None

    def add(self, flat: Mapping[str, Any], location: Location) -> None:
        """Append one flattened document."""
        if self._built is not None:
            raise RuntimeError("EventTableBuilder.add() after build(): start a new builder")
        if self._patterns:
            for name in flat:
                if name not in self._columns and self._matches_pattern(name):
                    self._start_column(name)
        for name, column in self._columns.items():
            column.append(flat.get(name))
        event_id = flat.get("event.id")
        self._pending_ids.append(event_id if isinstance(event_id, str) else None)
        self._locations.append(location)
        if len(self._pending_ids) >= self._chunk_rows:
            self._flush()

    def _start_column(self, name: str) -> None:
        """A column first seen now: null in every row so far."""
        self._columns[name] = [None] * len(self._pending_ids)
        self._chunks[name] = [pa.nulls(self._flushed_rows, _KEYWORD_LISTS)]
        self._kinds[name] = set()
        self._multivalued[name] = name in MULTIVALUED_FIELDS

    def _flush(self) -> None:
        for name, values in self._columns.items():
            types = set(map(type, values))  # (at C speed: most columns hold text and None)
            if not self._multivalued[name] and list in types:
                self._multivalued[name] = any(
                    isinstance(value, list) and len(value) > 1 for value in values
                )
            kind = declared_type(name)
            if kind is None:
                kinds: set[EsqlType]
                if types <= _TEXT_AND_NONE:
                    kinds = {"keyword"} if str in types else set()
                else:
                    kinds = value_kinds(values)
                self._kinds[name] |= kinds
                kind = "keyword" if kinds <= {"keyword"} else None
            chunk = (
                list(values) if kind is None else _arrow_array(FieldSpec(name, kind, True), values)
            )
            self._chunks[name].append(chunk)
            values.clear()
        self._flushed_rows += len(self._pending_ids)
        self._id_chunks.append(pa.array(self._pending_ids, type=pa.string()))
        self._pending_ids.clear()

    def build(self) -> EventTable:
        """The Arrow table and its schema (types from the ECS mapping, else from the values).
        Building again gives the same table; the rows' Python values are released."""
        if self._built is None:
            self._built = self._build()
        return self._built

    def _build(self) -> EventTable:
        self._flush()
        arrays: list[pa.ChunkedArray] = []
        names: list[str] = []
        schema: dict[str, FieldSpec] = {}
        for name in self._columns:
            kind = declared_type(name) or type_of_kinds(self._kinds[name])
            spec = FieldSpec(name, kind, self._multivalued[name])
            schema[name] = spec
            names.append(name)
            arrays.append(_joined(self._chunks.pop(name), spec))
        names.append(ROW_COLUMN)
        rows = len(self._locations)
        arrays.append(pa.chunked_array([pa.array(range(rows), type=pa.int64())]))
        return EventTable(
            table=pa.Table.from_arrays(arrays, names=names),
            schema=schema,
            event_ids=StringColumn(self._id_chunks),
            locations=self._locations,
        )

    def _matches_pattern(self, name: str) -> bool:
        return _matches_any(name, self._patterns)


_KEYWORD_LISTS = pa.list_(pa.string())


def _joined(chunks: list[pa.Array | list[Any]], spec: FieldSpec) -> pa.ChunkedArray:
    """One column from its chunks, as lists of the column's type (a chunk converted as text
    for a column that turned out otherwise held no value at all), kept as chunks: as lists
    when multivalued, else each list's only value (see EventTableBuilder)."""
    lists_type = pa.list_(ARROW_TYPES[spec.type])
    pieces = [
        _arrow_array(replace(spec, multivalued=True), chunk)
        if isinstance(chunk, list)
        else chunk
        if chunk.type == lists_type
        else pa.nulls(len(chunk), lists_type)
        for chunk in chunks
    ]
    lists = pa.chunked_array(pieces, type=lists_type)
    if spec.multivalued:
        return lists
    if not len(lists):
        return pa.chunked_array([], type=ARROW_TYPES[spec.type])
    return pc.list_element(lists, 0)


def _field_spec(name: str, values: list[Any]) -> FieldSpec:
    multivalued = name in MULTIVALUED_FIELDS or any(
        isinstance(value, list) and len(value) > 1 for value in values
    )
    kind = declared_type(name) or inferred_type(values)
    return FieldSpec(name, kind, multivalued)


def _arrow_array(spec: FieldSpec, values: list[Any]) -> pa.Array:
    convert = _CONVERTERS[spec.type]
    if spec.multivalued and spec.type in _TEXT_TYPES and _all_text(values):
        # The usual column: one text value or none per row. Arrow converts the texts at once
        # and each row becomes a list of its one value (a missing value, a null list), as
        # _as_list would make it, without a Python list per row.
        scalars = pa.array(values, type=pa.string())
        offsets = pa.array(range(len(values) + 1), type=pa.int32())
        return pa.ListArray.from_arrays(offsets, scalars, mask=scalars.is_null())
    if spec.multivalued:
        lists = [_as_list(value, convert) for value in values]
        return pa.array(lists, type=pa.list_(ARROW_TYPES[spec.type]))
    scalars = [_as_scalar(value, convert) for value in values]
    return pa.array(scalars, type=ARROW_TYPES[spec.type])


_TEXT_TYPES = frozenset({"keyword", "ip"})


_TEXT_AND_NONE: frozenset[type] = frozenset({str, type(None)})


def _all_text(values: list[Any]) -> bool:
    return set(map(type, values)) <= _TEXT_AND_NONE


def _as_list(value: Any, convert: Callable[[Any], Any]) -> list[Any] | None:
    items = value if isinstance(value, list) else [value]
    converted = [c for c in (convert(item) for item in items if item is not None) if c is not None]
    return converted or None


def _as_scalar(value: Any, convert: Callable[[Any], Any]) -> Any:
    if isinstance(value, list):
        # A one-element list is that value in ES|QL; longer lists only reach here for columns
        # declared single-valued, which _field_spec prevents.
        value = value[0] if value else None
    return None if value is None else convert(value)


def _to_keyword(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _to_date(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC).replace(tzinfo=None)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _to_long(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _to_double(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _to_boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    return True if text == "true" else False if text == "false" else None


_CONVERTERS: dict[EsqlType, Callable[[Any], Any]] = {
    "keyword": _to_keyword,
    "ip": _to_keyword,
    "date": _to_date,
    "long": _to_long,
    "double": _to_double,
    "boolean": _to_boolean,
    "null": lambda value: None,
}


def select_fields(
    flat: Mapping[str, Any], fields: Iterable[str], patterns: Iterable[str] = ()
) -> dict[str, Any]:
    """The wanted part of a flattened document: named fields, and fields matching a pattern."""
    selected = {name: flat[name] for name in fields if name in flat}
    pattern_list = tuple(patterns)
    if pattern_list:
        for name, value in flat.items():
            if name not in selected and _matches_any(name, pattern_list):
                selected[name] = value
    return selected


@functools.lru_cache(maxsize=65536)
def _matches_any(name: str, patterns: tuple[str, ...]) -> bool:
    # Field names repeat across records: decide each (name, patterns) pair once.
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
