"""Compile a parsed ES|QL query to one SQL statement over the events table (DuckDB dialect).

The statement is a chain of CTEs, one per command, built with sqlglot's expression builders.
It returns the query's columns in ES|QL order plus `__evidence`, the sorted `__row` numbers of
the input events behind each output row.

Implicit LIMIT: ES|QL caps every result: at 1000 rows when the query has no LIMIT, at 10000
(result_truncation_max_size) when it has one. `CompiledQuery.implicit_limit` is that cap and the
SQL returns up to `implicit_limit + 1` rows, so a caller can tell that Elastic would have
truncated (and warn) instead of silently losing rows. Rows come in SORT order when the query
sorts; ties and unsorted results are ordered by their evidence, which makes every result (and
which rows a LIMIT keeps) deterministic where Elastic leaves the order unspecified.

Time: every date is a naive UTC TIMESTAMP and fixed-interval DATE_TRUNC is epoch arithmetic,
so the DuckDB session's TimeZone cannot move a window; NOW() is a constant (parameter
`__now__`, default: the time of compilation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlglot import exp

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql import ast
from trailsweep.esql.commands import (
    compile_drop,
    compile_eval,
    compile_keep,
    compile_limit,
    compile_mv_expand,
    compile_rename,
    compile_sort,
    compile_where,
    order_by,
)
from trailsweep.esql.context import NOW_PARAMETER, CompileContext
from trailsweep.esql.dialect import PinnedDuckDB
from trailsweep.esql.extract import compile_dissect, compile_grok
from trailsweep.esql.query import Query
from trailsweep.esql.relation import EVIDENCE, ROW, Column, Relation
from trailsweep.esql.stats import compile_stats
from trailsweep.esql.typed import alias, column, int_literal, sql_type, typed_null
from trailsweep.esql.types import EsqlType, FieldSpec

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000

# Metadata fields ES|QL can select with FROM ... METADATA, and their types.
METADATA_TYPES: dict[str, tuple[EsqlType, bool]] = {
    "_id": ("keyword", False),
    "_index": ("keyword", False),
    "_version": ("long", False),
    "_score": ("double", False),
    "_ignored": ("keyword", True),
    "_index_mode": ("keyword", False),
    "_size": ("long", False),
    "_tier": ("keyword", False),
}


@dataclass(frozen=True)
class CompiledQuery:
    """The SQL for a query and the shape of its result."""

    sql: str
    columns: tuple[FieldSpec, ...]
    group_by: tuple[str, ...]
    aggregating: bool
    implicit_limit: int | None = DEFAULT_LIMIT
    statement: exp.Select | None = field(default=None, compare=False, repr=False)
    """The statement `sql` renders (sqlglot's tree, DuckDB's semantics), for engines that
    write it in another dialect (the Spark engine)."""


def compile_query(
    query: Query,
    schema: Mapping[str, FieldSpec],
    params: Mapping[str, object] | None = None,
    *,
    table: str = "events",
) -> CompiledQuery:
    """Compile a query for an events table with the given columns.

    A field the query reads that the schema lacks is an always-null column of type `null` (a
    mapped but unset field in Elastic). `params` binds `?name` parameters; `params["__now__"]`
    fixes NOW().
    """
    values = dict(params or {})
    ctx = CompileContext(query, values, _now(values.get(NOW_PARAMETER)))
    relation = _source(ctx, schema, table)
    last_stats: ast.Stats | None = None
    for command in query.commands:
        relation = _command(ctx, relation, command)
        if isinstance(command, ast.Stats):
            last_stats = command
    has_limit = any(isinstance(command, ast.Limit) for command in query.commands)
    cap = MAX_LIMIT if has_limit else DEFAULT_LIMIT

    evidence = column(EVIDENCE) if relation.aggregated else exp.Array(expressions=[column(ROW)])
    items = [alias(column(col.name), col.name) for col in relation.columns]
    items.append(alias(evidence, EVIDENCE))
    final = exp.select(*items).from_(relation.table()).order_by(*order_by(relation))
    final = final.limit(int_literal(cap + 1))
    for name, select in ctx.ctes:
        # copy=False: the CTEs are built for this query alone; copying the growing query on
        # every CTE made compiling quadratic in the number of commands.
        final = final.with_(
            name, as_=select, materialized=name in ctx.materialized or None, copy=False
        )
    return CompiledQuery(
        sql=final.sql(dialect=PinnedDuckDB, pretty=False),
        columns=tuple(col.spec() for col in relation.columns),
        group_by=tuple(group.name for group in last_stats.groups) if last_stats else (),
        aggregating=last_stats is not None,
        implicit_limit=cap,
        statement=final,
    )


def _now(value: object) -> datetime:
    """NOW() for this compilation: `__now__` (a datetime or ISO text), else the clock."""
    if value is None:
        return datetime.now(UTC)
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        raise TypeError(f"parameter {NOW_PARAMETER} must be a datetime, not {value!r}")
    return value


def _source(ctx: CompileContext, schema: Mapping[str, FieldSpec], table: str) -> Relation:
    """The FROM relation: every schema field, the declared metadata, and unset fields read."""
    query = ctx.query
    columns: list[Column] = []
    items: list[exp.Expression] = []
    for name, spec in schema.items():
        if name in (ROW, EVIDENCE) or name in METADATA_TYPES:
            continue
        columns.append(Column(name, spec.type, spec.multivalued))
        items.append(alias(_read(name, spec), name))
    for name in query.source.metadata:
        if name not in METADATA_TYPES:
            raise ctx.unsupported(query.source.span, f"metadata field {name}")
        meta_type, multivalued = METADATA_TYPES[name]
        present = schema.get(name)
        if present is not None:
            columns.append(Column(name, present.type, present.multivalued))
            items.append(alias(_read(name, present), name))
        else:
            columns.append(Column(name, meta_type, multivalued))
            items.append(alias(typed_null(meta_type, multivalued), name))
    known = {col.name for col in columns}
    for name in sorted(query.source_fields() - known):
        # Read but absent: a mapped but unset field in Elastic, of a type the data does not
        # tell. It is always null, of ES|QL's `null` type, which every function and operator
        # accepts (a keyword would make DATE_TRUNC(1 hour, @timestamp) a type error).
        columns.append(Column(name, "null"))
        items.append(alias(typed_null("null"), name))
    items.append(column(ROW))
    select = exp.select(*items).from_(exp.to_table(table))
    return Relation(ctx.emit(select), tuple(columns))


def _read(name: str, spec: FieldSpec) -> exp.Expression:
    if spec.type != "date":
        return column(name)
    # Arrow millisecond timestamps arrive as TIMESTAMP_MS, which not every DuckDB date function
    # takes: every date is read as a plain (naive, UTC) TIMESTAMP.
    return exp.cast(column(name), sql_type("date", spec.multivalued))


def _command(ctx: CompileContext, relation: Relation, command: ast.Command) -> Relation:
    if isinstance(command, ast.Where):
        return compile_where(ctx, relation, command)
    if isinstance(command, ast.Eval):
        return compile_eval(ctx, relation, command)
    if isinstance(command, ast.Keep):
        return compile_keep(ctx, relation, command)
    if isinstance(command, ast.Drop):
        return compile_drop(ctx, relation, command)
    if isinstance(command, ast.Rename):
        return compile_rename(ctx, relation, command)
    if isinstance(command, ast.Stats):
        return compile_stats(ctx, relation, command)
    if isinstance(command, ast.Sort):
        return compile_sort(ctx, relation, command)
    if isinstance(command, ast.Limit):
        return compile_limit(ctx, relation, command)
    if isinstance(command, ast.MvExpand):
        return compile_mv_expand(ctx, relation, command)
    if isinstance(command, ast.Dissect):
        return compile_dissect(ctx, relation, command)
    if isinstance(command, ast.Grok):
        return compile_grok(ctx, relation, command)
    keyword = command.keyword if isinstance(command, ast.OtherCommand) else _keyword(command)
    raise _unsupported_command(ctx, command.span, keyword)


def _keyword(command: ast.Command) -> str:
    return type(command).__name__.upper()


def _unsupported_command(ctx: CompileContext, span: ast.Span, keyword: str) -> EsqlUnsupportedError:
    return ctx.unsupported(span, f"the {keyword} command is not supported")
