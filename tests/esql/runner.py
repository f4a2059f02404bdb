"""Test helpers: build small events tables and run compiled ES|QL queries on DuckDB."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from trailsweep.engine.table import ARROW_TYPES
from trailsweep.esql import CompiledQuery, FieldSpec, compile_query, parse_query


def events_table(fields: Sequence[FieldSpec], rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """An events table: one column per field (lists when multivalued) plus `__row`."""
    arrays = []
    for spec in fields:
        arrow_type = ARROW_TYPES[spec.type]
        if spec.multivalued:
            arrow_type = pa.list_(arrow_type)
        arrays.append(pa.array([row.get(spec.name) for row in rows], type=arrow_type))
    arrays.append(pa.array(range(len(rows)), type=pa.int64()))
    return pa.Table.from_arrays(arrays, names=[*(f.name for f in fields), "__row"])


class EsqlRunner:
    """Compiles a query for a table and runs it on a private DuckDB connection."""

    def __init__(self) -> None:
        self.connection = duckdb.connect(":memory:")
        self.compiled: CompiledQuery | None = None

    def compile(
        self,
        query: str,
        fields: Sequence[FieldSpec],
        params: Mapping[str, object] | None = None,
    ) -> CompiledQuery:
        schema = {spec.name: spec for spec in fields}
        self.compiled = compile_query(parse_query(query), schema, params)
        return self.compiled

    def run(
        self,
        query: str,
        fields: Sequence[FieldSpec],
        rows: Sequence[Mapping[str, Any]],
        params: Mapping[str, object] | None = None,
    ) -> list[dict[str, Any]]:
        compiled = self.compile(query, fields, params)
        self.connection.register("events", events_table(fields, rows))
        result: list[dict[str, Any]] = (
            self.connection.sql(compiled.sql).to_arrow_table().to_pylist()
        )
        return result
