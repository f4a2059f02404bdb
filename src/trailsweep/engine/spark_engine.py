"""The Spark engine: the same compiled queries as DuckDB's, run by Spark, with the same results.

Each compiled query's statement is written as Spark SQL (`spark_sql`) and run over a temporary
view of the events: an Arrow events table shipped to the session, or any DataFrame with the
events table's columns (the event store's Parquet parts, read by Spark). Results come back as
Arrow and are converted to exactly what the DuckDB engine returns: naive UTC datetimes, ints,
floats, lists, in the query's ORDER BY order.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from trailsweep.engine.results import EVIDENCE_COLUMN, QueryResult, ResultRow
from trailsweep.engine.spark_kinds import INT, Kind, field_kind
from trailsweep.engine.spark_session import SparkSessionHandle, open_session
from trailsweep.engine.spark_sql import spark_sql
from trailsweep.engine.table import ROW_COLUMN, EventTable
from trailsweep.errors import EngineError
from trailsweep.esql import CompiledQuery
from trailsweep.esql.types import FieldSpec


class SparkEngine:
    """Runs compiled queries over one registered events view in a Spark session.

    `session`: a SparkSession to use; else the active one; else one started for `master` (see
    `spark_session.open_session`) and stopped by `close`. A session trailsweep did not start
    gets its settings back on `close`.
    """

    def __init__(self, master: str | None = None, session: Any = None) -> None:
        if session is not None:
            self._handle = SparkSessionHandle(session, started=False)
        else:
            self._handle = open_session(master)
        # A view per engine: two engines sharing a session never read each other's events.
        self._view = f"trailsweep_events_{uuid.uuid4().hex}"
        self._columns: dict[str, Kind] = {}

    @property
    def session(self) -> Any:
        """The SparkSession the engine runs in."""
        return self._handle.session

    @property
    def view(self) -> str:
        """The name of the temporary view compiled queries read as `events`."""
        return self._view

    def register(self, events: EventTable) -> None:
        """Make the events table the one that compiled queries read."""
        frame = self.session.createDataFrame(_spark_ready(events.table))
        self.register_frame(frame, events.schema)

    def register_frame(self, frame: Any, schema: Mapping[str, FieldSpec]) -> None:
        """Make a DataFrame what compiled queries read: the columns of `schema`, converted to
        their specs' types as the events table has them, and `__row`."""
        frame.createOrReplaceTempView(self._view)
        self._columns = {name: field_kind(spec) for name, spec in schema.items()}
        self._columns[ROW_COLUMN] = INT

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of any Spark SQL in this session."""
        self._handle.apply()
        try:
            return [tuple(row) for row in self.session.sql(sql).collect()]
        except Exception as exc:  # pyspark's errors share no base class with py4j's
            raise EngineError(f"Spark failed: {_message(exc)}") from exc

    def run(self, compiled: CompiledQuery) -> QueryResult:
        """Execute one compiled query and return its rows."""
        if compiled.statement is None:
            raise EngineError("the compiled query carries no statement for Spark")
        sql = spark_sql(compiled.statement, self._view, self._columns)
        self._handle.apply()
        try:
            table = self.session.sql(sql).toArrow()
        except Exception as exc:  # pyspark's errors share no base class with py4j's
            raise EngineError(f"Spark failed on the compiled query: {_message(exc)}") from exc
        rows = []
        for record in _duckdb_like(table).to_pylist():
            evidence = record.pop(EVIDENCE_COLUMN, None) or []
            rows.append(ResultRow(values=record, evidence=tuple(evidence)))
        return QueryResult(columns=compiled.columns, rows=tuple(rows))

    def close(self) -> None:
        """Drop the view; stop the session if this engine started it, else restore its
        settings."""
        try:
            self.session.catalog.dropTempView(self._view)
        finally:
            self._handle.release()


def _spark_ready(table: pa.Table) -> pa.Table:
    """The events table with its naive timestamps marked UTC, which Spark reads as TIMESTAMP
    (instants) without consulting any time zone."""
    fields = [pa.field(f.name, _utc(f.type), f.nullable) for f in table.schema]
    return table.cast(pa.schema(fields))


def _utc(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_timestamp(kind) and kind.tz is None:
        return pa.timestamp(kind.unit, tz="UTC")
    if pa.types.is_list(kind):
        return pa.list_(_utc(kind.value_type))
    return kind


def _duckdb_like(table: pa.Table) -> pa.Table:
    """Spark's result with DuckDB's types: timestamps naive UTC (DuckDB's TIMESTAMP)."""
    fields = [pa.field(f.name, _naive(f.type), f.nullable) for f in table.schema]
    return table.cast(pa.schema(fields))


def _naive(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_timestamp(kind):
        return pa.timestamp("us")
    if pa.types.is_list(kind):
        return pa.list_(_naive(kind.value_type))
    if pa.types.is_large_list(kind):
        return pa.list_(_naive(kind.value_type))
    return kind


def _message(exc: BaseException) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return first
