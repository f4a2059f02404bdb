"""The default engine: compiled ES|QL (as SQL) run by an in-process DuckDB over Arrow tables."""

from __future__ import annotations

from typing import Any

import duckdb

from trailsweep.engine.results import EVIDENCE_COLUMN, TABLE_NAME, QueryResult, ResultRow
from trailsweep.engine.table import EventTable
from trailsweep.errors import EngineError
from trailsweep.esql import CompiledQuery

__all__ = ["EVIDENCE_COLUMN", "TABLE_NAME", "DuckDBEngine", "QueryResult", "ResultRow"]


class DuckDBEngine:
    """Runs compiled queries over one registered events table in a private DuckDB connection."""

    def __init__(self, threads: int | None = None) -> None:
        self._connection = duckdb.connect(":memory:")
        # Results must not depend on the machine's time zone: every timestamp is naive UTC.
        self._connection.execute("SET TimeZone = 'UTC'")
        if threads is not None:
            self._connection.execute(f"SET threads = {int(threads)}")

    def register(self, events: EventTable) -> None:
        """Make the table the one that compiled queries read (as `events`)."""
        self._connection.register(TABLE_NAME, events.table)

    def register_view(self, select_sql: str) -> None:
        """Make a SELECT the `events` that compiled queries read: a view, so that DuckDB pushes
        each query's filters and column choice into it (the event store reads Parquet so)."""
        self._connection.execute(f"CREATE OR REPLACE TEMP VIEW {TABLE_NAME} AS {select_sql}")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of any SQL on this connection (lookups beside the compiled queries)."""
        try:
            return self._connection.execute(sql).fetchall()
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB failed: {exc}") from exc

    def run(self, compiled: CompiledQuery) -> QueryResult:
        """Execute one compiled query and return its rows."""
        try:
            relation = self._connection.sql(compiled.sql)
            # DuckDB 2 renamed Relation.arrow() to to_arrow_table().
            fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
            table = fetch()
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB failed on the compiled query: {exc}") from exc
        rows = []
        for record in table.to_pylist():
            evidence = record.pop(EVIDENCE_COLUMN, None) or []
            rows.append(ResultRow(values=record, evidence=tuple(evidence)))
        return QueryResult(columns=compiled.columns, rows=tuple(rows))

    def close(self) -> None:
        """Release the connection."""
        self._connection.close()
