"""`evaluate`: run a parsed ES|QL query over rows of Python values, one row at a time, no SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trailsweep.esql import ast
from trailsweep.esql.query import Query
from trailsweep.esql.reference import commands
from trailsweep.esql.reference.commands import Row, Table
from trailsweep.esql.reference.context import Context
from trailsweep.esql.reference.values import export, load
from trailsweep.esql.types import FieldSpec

ROW = "__row"
EVIDENCE = "__evidence"
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000

# FROM ... METADATA fields ES|QL knows; the compiler accepts the same ones.
METADATA = frozenset(
    {"_id", "_index", "_version", "_score", "_ignored", "_index_mode", "_size", "_tier"}
)


@dataclass(frozen=True)
class Result:
    """A query result: the output columns in order (even when there are no rows) and the rows."""

    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def evaluate(
    query: Query,
    rows: Sequence[Mapping[str, Any]],
    params: Mapping[str, object] | None = None,
    *,
    schema: Mapping[str, FieldSpec],
) -> list[dict[str, Any]]:
    """The result of `query` over `rows`, with ES|QL's semantics, as a list of output rows.

    `rows[i]` is input row `i` (missing fields are null; multivalued fields are lists). Each
    output row maps the query's columns, in the compiler's column order, to values (ips as text,
    dates as naive UTC datetimes, multivalued values as lists, VALUES as a sorted list), plus
    `__evidence`: the sorted distinct numbers of the input rows behind it. Rows come in the
    compiled SQL's order and are capped at the implicit limit (1000 without a LIMIT command,
    10000 with one), where the SQL returns one row more to show the cut.

    A field the query reads that the schema lacks is null (a mapped, unset field).
    Raises EsqlUnsupportedError for constructs the reference does not evaluate and
    EsqlVerificationError for ones ES|QL rejects (met on the rows that reach them).
    """
    return run(query, rows, params, schema=schema).rows


def run(
    query: Query,
    rows: Sequence[Mapping[str, Any]],
    params: Mapping[str, object] | None = None,
    *,
    schema: Mapping[str, FieldSpec],
) -> Result:
    """`evaluate`, also returning the output column names (`__evidence` not included)."""
    ctx = Context.create(query, params)
    table = _source(ctx, rows, schema)
    for command in query.commands:
        table = _run(ctx, table, command)
    has_limit = any(isinstance(command, ast.Limit) for command in query.commands)
    cap = MAX_LIMIT if has_limit else DEFAULT_LIMIT
    output = [
        {**{name: export(row.values[name]) for name in table.columns}, EVIDENCE: list(row.evidence)}
        for row in table.rows[:cap]
    ]
    return Result(table.columns, output)


def _source(
    ctx: Context, rows: Sequence[Mapping[str, Any]], schema: Mapping[str, FieldSpec]
) -> Table:
    """FROM: the schema's fields, then the declared metadata, then unset fields the query reads."""
    specs = [spec for name, spec in schema.items() if name not in (ROW, EVIDENCE, *METADATA)]
    columns = [spec.name for spec in specs]
    for name in ctx.query.source.metadata:
        if name not in METADATA:
            raise ctx.unsupported(ctx.query.source.span, f"metadata field {name}")
        if name not in columns:
            columns.append(name)
            if name in schema:
                specs.append(schema[name])
    unset = sorted(ctx.query.source_fields() - set(columns))
    columns.extend(unset)
    table_rows = []
    for number, row in enumerate(rows):
        try:
            values = {spec.name: load(spec, row.get(spec.name)) for spec in specs}
        except ValueError as exc:
            raise ValueError(f"input row {number}: {exc}") from None
        table_rows.append(Row({name: values.get(name) for name in columns}, (number,)))
    return Table(tuple(columns), tuple(table_rows))


def _run(ctx: Context, table: Table, command: ast.Command) -> Table:
    if isinstance(command, ast.Where):
        return commands.where(ctx, table, command)
    if isinstance(command, ast.Eval):
        return commands.eval_(ctx, table, command)
    if isinstance(command, ast.Keep):
        return commands.keep(ctx, table, command)
    if isinstance(command, ast.Drop):
        return commands.drop(ctx, table, command)
    if isinstance(command, ast.Rename):
        return commands.rename(ctx, table, command)
    if isinstance(command, ast.Stats):
        return commands.stats(ctx, table, command)
    if isinstance(command, ast.Sort):
        return commands.sort(ctx, table, command)
    if isinstance(command, ast.Limit):
        return commands.limit(table, command)
    if isinstance(command, ast.MvExpand):
        return commands.mv_expand(ctx, table, command)
    keyword = command.keyword if isinstance(command, ast.OtherCommand) else type(command).__name__
    raise ctx.unsupported(command.span, f"the {keyword.upper()} command")
