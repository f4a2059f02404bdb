"""Column types across batches: one spec per field, and converting stored columns to it.

Each batch of the store is written with the types the events table builder gives its own
values (a field's mapped type, else the type its values have). A scan over several batches
must see one type per field, the one a direct scan of all those events would have inferred:
multi-valued when any batch holds it as a list; the mapped type; else long+double → double, any
other mix → keyword, and `null` (no value anywhere) only when no batch has a value. The same
rule merges per-file tables into a batch (in Arrow) and batches into a scan (in SQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from trailsweep.engine.fields import MULTIVALUED_FIELDS, declared_type
from trailsweep.engine.table import ARROW_TYPES
from trailsweep.esql.types import SQL_TYPES, EsqlType, FieldSpec


def merged_type(types: Iterable[EsqlType]) -> EsqlType:
    """The type of values of several types together (`inferred_type`'s rule over batches)."""
    kinds = {kind for kind in types if kind != "null"}
    if not kinds:
        return "null"
    if kinds == {"long", "double"}:
        return "double"
    return kinds.pop() if len(kinds) == 1 else "keyword"


def merged_spec(name: str, specs: Iterable[FieldSpec]) -> FieldSpec:
    """One field's spec over the batches that hold it (none: a field read but never seen)."""
    seen = list(specs)
    multivalued = name in MULTIVALUED_FIELDS or any(spec.multivalued for spec in seen)
    kind = declared_type(name) or merged_type(spec.type for spec in seen)
    return FieldSpec(name, kind, multivalued)


def merge_schemas(schemas: Iterable[Mapping[str, FieldSpec]]) -> dict[str, FieldSpec]:
    """Every field of the given schemas under its merged spec, in order of first appearance."""
    grouped: dict[str, list[FieldSpec]] = {}
    for schema in schemas:
        for name, spec in schema.items():
            grouped.setdefault(name, []).append(spec)
    return {name: merged_spec(name, specs) for name, specs in grouped.items()}


def sql_type(spec: FieldSpec) -> str:
    """The DuckDB type of a column of this spec."""
    base = SQL_TYPES[spec.type]
    return f"{base}[]" if spec.multivalued else base


def arrow_type(spec: FieldSpec) -> pa.DataType:
    """The Arrow type of a column of this spec (as the events table builder makes it)."""
    base = ARROW_TYPES[spec.type]
    return pa.list_(base) if spec.multivalued else base


def conform_column(
    column: pa.ChunkedArray | None, rows: int, stored: FieldSpec | None, target: FieldSpec
) -> pa.Array | pa.ChunkedArray:
    """A stored column as a column of the target spec (absent: all null)."""
    if column is None or stored is None:
        return pa.nulls(rows, type=arrow_type(target))
    if stored.type != target.type:
        column = _retyped(column, stored, target)
    if target.multivalued and not stored.multivalued:
        return _as_lists(column, arrow_type(target))
    return column


def conform_table(
    table: pa.Table, stored: Mapping[str, FieldSpec], target: Mapping[str, FieldSpec]
) -> pa.Table:
    """A table with exactly the target's columns (then its own `__` columns), each converted."""
    names = list(target)
    arrays = [
        conform_column(
            table.column(name) if name in stored else None,
            table.num_rows,
            stored.get(name),
            spec,
        )
        for name, spec in target.items()
    ]
    for name in table.column_names:
        if name.startswith("__"):
            names.append(name)
            arrays.append(table.column(name))
    return pa.Table.from_arrays(arrays, names=names)


def sql_conversion(name: str, stored: FieldSpec | None, target: FieldSpec) -> str:
    """SQL reading a stored column as the target spec (the SQL twin of `conform_column`)."""
    wanted = sql_type(target)
    if stored is None:
        return f"CAST(NULL AS {wanted})"
    quoted = quote_identifier(name)
    if target.multivalued and not stored.multivalued:
        element = SQL_TYPES[target.type]
        # ES|QL: a single value is a list of one; null stays null (never a list holding null).
        return f"CASE WHEN {quoted} IS NULL THEN NULL ELSE [CAST({quoted} AS {element})] END"
    if stored.type == target.type and target.type != "date":
        return quoted
    return f"CAST({quoted} AS {wanted})"


def quote_identifier(name: str) -> str:
    """A DuckDB identifier, quoted (ECS names hold dots and `@`)."""
    return '"' + name.replace('"', '""') + '"'


def _retyped(column: pa.ChunkedArray, stored: FieldSpec, target: FieldSpec) -> pa.ChunkedArray:
    """Values converted as the events table builder converts them, element by element (Python
    string forms, not Arrow's: a double 5.0 becomes "5.0" exactly as in a direct scan)."""
    convert: Callable[[Any], Any] = _CONVERTERS.get(target.type, _nothing)
    element = ARROW_TYPES[target.type]
    values: list[Any] = []
    for value in column.to_pylist():
        if value is None:
            values.append(None)
        elif isinstance(value, list):
            items = [convert(item) for item in value if item is not None]
            values.append([item for item in items if item is not None] or None)
        else:
            values.append(convert(value))
    kind = pa.list_(element) if stored.multivalued else element
    return pa.chunked_array([pa.array(values, type=kind)], type=kind)


def _as_lists(column: pa.Array | pa.ChunkedArray, kind: pa.DataType) -> pa.Array:
    """Scalars as one-value lists; a null stays a null list."""
    flat = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    valid = pc.is_valid(flat)
    lengths = pc.cast(valid, pa.int32())
    offsets = pa.concat_arrays(
        [pa.array([0], type=pa.int32()), pc.cumulative_sum(lengths).cast(pa.int32())]
    )
    values = flat.filter(valid)
    return pa.ListArray.from_arrays(offsets, values, type=kind, mask=pc.invert(valid))


def _nothing(value: Any) -> None:
    return None


def _keyword(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _double(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _long(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Only merges that `merged_type` can produce: anything → keyword, long → double, and a typed
# column from an all-null one (which has no values to convert).
_CONVERTERS: dict[EsqlType, Callable[[Any], Any]] = {
    "keyword": _keyword,
    "ip": _keyword,
    "double": _double,
    "long": _long,
}
