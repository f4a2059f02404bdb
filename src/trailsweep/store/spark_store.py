"""The event store read by Spark: the Parquet parts of a time range as the events DataFrame.

The Spark twin of `Snapshot.select_sql`: the same parts (from the catalogue, never a glob),
grouped the same way (parts whose columns have the same stored types, and whether the time range
covers them), each column converted to the scan's spec and the rows outside the range filtered
out, so every rule sees the values and `__row` numbers a DuckDB store-scan sees. Spark reads the
files itself, on its executors: this is the path that scales past one machine (the store must
then be on storage every executor can read).

A conversion whose Spark result could differ from DuckDB's (a DOUBLE or a date stored in one
batch and read as keyword in another) raises EngineError naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from trailsweep.engine.spark_engine import SparkEngine
from trailsweep.engine.table import ROW_COLUMN
from trailsweep.errors import EngineError
from trailsweep.esql.types import EsqlType, FieldSpec
from trailsweep.store.catalogue import Part
from trailsweep.store.events import Snapshot, TimeRange
from trailsweep.store.writer import TIMESTAMP

_SPARK_TYPES: dict[EsqlType, str] = {
    "keyword": "STRING",
    "ip": "STRING",
    "null": "STRING",
    "date": "TIMESTAMP",
    "long": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
}
# Stored type → read type conversions whose Spark CAST gives DuckDB's value.
_EXACT_CONVERSIONS = frozenset(
    {("long", "double"), ("long", "keyword"), ("boolean", "keyword"), ("ip", "keyword")}
)


def register_store(
    engine: SparkEngine,
    snapshot: Snapshot,
    parts: Sequence[Part],
    schema: Mapping[str, FieldSpec],
    window: TimeRange,
) -> int:
    """Make the parts' events in range what the engine's compiled queries read; returns how
    many events that is (whole parts from the catalogue, the others counted by Spark)."""
    session = engine.session
    groups: dict[tuple[tuple[FieldSpec | None, ...], bool], list[Part]] = {}
    for part in parts:
        signature = (tuple(part.columns.get(name) for name in schema), window.covers(part))
        groups.setdefault(signature, []).append(part)
    frames = []
    counted = 0
    for (stored, covered), members in groups.items():
        frame = session.read.parquet(*(str(snapshot.folder / part.path) for part in members))
        if not covered:
            frame = frame.where(_time_filter(window))
            counted += frame.count()
        else:
            counted += sum(part.rows for part in members)
        items = [
            f"{_conversion(name, spec, schema[name])} AS {_quoted(name)}"
            for name, spec in zip(schema, stored, strict=True)
        ]
        frames.append(frame.selectExpr(*items, _quoted(ROW_COLUMN)))
    if frames:
        events = frames[0]
        for frame in frames[1:]:
            events = events.unionByName(frame)
    else:
        events = session.sql(_empty_select(schema))
    engine.register_frame(events, schema)
    return counted


def _spark_type(spec: FieldSpec) -> str:
    base = _SPARK_TYPES[spec.type]
    return f"ARRAY<{base}>" if spec.multivalued else base


def _conversion(name: str, stored: FieldSpec | None, target: FieldSpec) -> str:
    """A stored column read as the target spec (`columns.sql_conversion` for Spark)."""
    wanted = _spark_type(target)
    if stored is None:
        return f"CAST(NULL AS {wanted})"
    if stored.type != target.type and stored.type != "null":
        if (stored.type, target.type) not in _EXACT_CONVERSIONS:
            raise EngineError(
                f"the Spark engine cannot read the store's field {name!r}, stored as "
                f"{stored.type} and read as {target.type} (Spark converts it otherwise)"
            )
    quoted = _quoted(name)
    if target.multivalued and not stored.multivalued:
        element = _SPARK_TYPES[target.type]
        # ES|QL: a single value is a list of one; null stays null (never a list holding null).
        return f"CASE WHEN {quoted} IS NULL THEN NULL ELSE array(CAST({quoted} AS {element})) END"
    return f"CAST({quoted} AS {wanted})"


def _time_filter(window: TimeRange) -> str:
    column = _quoted(TIMESTAMP)
    conditions = [f"{column} IS NOT NULL"]
    if window.since is not None:
        conditions.append(f"{column} >= {_timestamp(window.since)}")
    if window.until is not None:
        conditions.append(f"{column} < {_timestamp(window.until)}")
    return " AND ".join(conditions)


def _timestamp(value: datetime) -> str:
    # The store holds naive UTC timestamps, which Spark reads as TIMESTAMP_NTZ.
    return f"TIMESTAMP_NTZ '{value.isoformat(sep=' ', timespec='microseconds')}'"


def _empty_select(schema: Mapping[str, FieldSpec]) -> str:
    items = [f"CAST(NULL AS {_spark_type(spec)}) AS {_quoted(n)}" for n, spec in schema.items()]
    items.append(f"CAST(NULL AS BIGINT) AS {_quoted(ROW_COLUMN)}")
    return f"SELECT {', '.join(items)} WHERE false"


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


__all__ = ["register_store"]
