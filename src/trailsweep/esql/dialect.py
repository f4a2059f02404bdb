"""The SQL dialect compiled queries are written in: DuckDB, pinned against session settings.

DuckDB's `default_order` and `default_null_order` settings change what a bare `LIST_SORT(x)`
returns; here every list sort states its direction, so a session cannot reorder VALUES().
(ORDER BY clauses state ASC/DESC and sort nulls with an explicit `IS NULL` key.)
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB


def _list_sort(generator: Any, expression: exp.ArraySort) -> str:
    descending = expression.args.get("asc") == exp.false()
    direction = exp.Literal.string("DESC" if descending else "ASC")
    sql: str = generator.func(
        "LIST_SORT", expression.this, direction, exp.Literal.string("NULLS LAST")
    )
    return sql


class PinnedDuckDB(DuckDB):
    """DuckDB whose generated SQL gives the same answer under any session settings."""

    class Generator(DuckDB.Generator):  # type: ignore[misc,valid-type]
        """DuckDB's generator with explicit list-sort directions."""

        TRANSFORMS = {**DuckDB.Generator.TRANSFORMS, exp.ArraySort: _list_sort}
