"""Building the events table (Arrow) that compiled queries run on, from flattened ECS documents."""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from trailsweep.engine.fields import MULTIVALUED_FIELDS, declared_type, inferred_type
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


@dataclass(frozen=True)
class EventTable:
    """The events as one Arrow table, with what is needed to trace a row back to its record."""

    table: pa.Table
    schema: Mapping[str, FieldSpec]
    event_ids: tuple[str | None, ...]
    locations: tuple[Location, ...]

    @property
    def rows(self) -> int:
        """How many events the table holds."""
        return len(self.event_ids)


class EventTableBuilder:
    """Collects the wanted fields of flattened documents, then builds an EventTable."""

    def __init__(self, fields: Iterable[str], patterns: Iterable[str] = ()) -> None:
        self._columns: dict[str, list[Any]] = {name: [] for name in fields}
        self._patterns = tuple(patterns)
        self._event_ids: list[str | None] = []
        self._locations: list[Location] = []

    def add(self, flat: Mapping[str, Any], location: Location) -> None:
        """Append one flattened document."""
        count = len(self._event_ids)
        if self._patterns:
            for name in flat:
                if name not in self._columns and self._matches_pattern(name):
                    self._columns[name] = [None] * count
        for name, column in self._columns.items():
            column.append(flat.get(name))
        event_id = flat.get("event.id")
        self._event_ids.append(event_id if isinstance(event_id, str) else None)
        self._locations.append(location)

    def build(self) -> EventTable:
        """The Arrow table and its schema (types from the ECS mapping, else from the values)."""
        arrays: list[pa.Array] = []
        names: list[str] = []
        schema: dict[str, FieldSpec] = {}
        for name, values in self._columns.items():
            spec = _field_spec(name, values)
            schema[name] = spec
            names.append(name)
            arrays.append(_arrow_array(spec, values))
        names.append(ROW_COLUMN)
        arrays.append(pa.array(range(len(self._event_ids)), type=pa.int64()))
        return EventTable(
            table=pa.Table.from_arrays(arrays, names=names),
            schema=schema,
            event_ids=tuple(self._event_ids),
            locations=tuple(self._locations),
        )

    def _matches_pattern(self, name: str) -> bool:
        return _matches_any(name, self._patterns)


def _field_spec(name: str, values: list[Any]) -> FieldSpec:
    multivalued = name in MULTIVALUED_FIELDS or any(
        isinstance(value, list) and len(value) > 1 for value in values
    )
    kind = declared_type(name) or inferred_type(values)
    return FieldSpec(name, kind, multivalued)


def _arrow_array(spec: FieldSpec, values: list[Any]) -> pa.Array:
    convert = _CONVERTERS[spec.type]
    if spec.multivalued:
        lists = [_as_list(value, convert) for value in values]
        return pa.array(lists, type=pa.list_(ARROW_TYPES[spec.type]))
    scalars = [_as_scalar(value, convert) for value in values]
    return pa.array(scalars, type=ARROW_TYPES[spec.type])


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
