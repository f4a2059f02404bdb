"""STATS ... BY: group keys (a multivalued key puts a row in every group), aggregates, evidence."""

from __future__ import annotations

from sqlglot import exp

from trailsweep.esql import ast
from trailsweep.esql.aggregates import AggregateBuilder
from trailsweep.esql.commands import row_compiler
from trailsweep.esql.context import CompileContext
from trailsweep.esql.expressions import ExpressionCompiler
from trailsweep.esql.relation import (
    EVIDENCE,
    ROW,
    Column,
    Relation,
    passthrough,
    project,
)
from trailsweep.esql.typed import Typed, alias, column, int_literal, paren, typed_null


def _kept_aggregates(command: ast.Stats) -> list[ast.AggregateField]:
    """ES|QL keeps the last of equally named aggregates and drops one named like a BY key."""
    group_names = {group.name for group in command.groups}
    seen: set[str] = set()
    kept: list[ast.AggregateField] = []
    for field in reversed(command.aggregates):
        name = field.assignment.name
        if name in group_names or name in seen:
            continue
        seen.add(name)
        kept.append(field)
    return kept[::-1]


def compile_stats(ctx: CompileContext, relation: Relation, command: ast.Stats) -> Relation:
    """STATS aggregates BY keys: one row per group; aggregates first, then keys, then evidence."""
    rows = row_compiler(ctx, relation)
    keys: list[tuple[str, Typed]] = [(g.name, rows.value(g.expr)) for g in command.groups]
    key_columns = [f"__g{index}" for index in range(len(keys))]

    # Group keys are computed once, as hidden columns, before any unnesting.
    current = _step(
        ctx,
        relation,
        project(
            relation,
            passthrough(relation),
            [(hidden, key.sql) for hidden, (_, key) in zip(key_columns, keys, strict=True)],
        ),
    )
    for index, (_, key) in enumerate(keys):
        if key.multivalued:
            current = _unnest_key(ctx, current, key_columns, index, key)

    def resolve_key(ref: ast.FieldRef) -> Typed:
        for (name, key), hidden in zip(keys, key_columns, strict=True):
            if name == ref.name:
                return Typed(column(hidden), key.type)
        raise ctx.invalid(
            ref.span, f"column [{ref.name}] must be a BY key or inside an aggregate function"
        )

    outputs: list[tuple[Column, exp.Expression]] = []
    grouped_rows = row_compiler(ctx, current)
    for field in _kept_aggregates(command):
        where = grouped_rows.condition(field.where) if field.where is not None else None
        builder = AggregateBuilder(ctx, grouped_rows, where)
        value = ExpressionCompiler(ctx, resolve_key, builder.build).value(field.assignment.expr)
        outputs.append(
            (Column(field.assignment.name, value.column_type, value.multivalued), value.sql)
        )
    for (name, key), hidden in zip(keys, key_columns, strict=True):
        outputs.append((Column(name, key.column_type), column(hidden)))

    items = [alias(sql, col.name) for col, sql in outputs]
    items.append(alias(_evidence(current), EVIDENCE))
    select = exp.select(*items).from_(current.table())
    if key_columns:
        select = select.group_by(*(column(hidden) for hidden in key_columns))
    return Relation(
        ctx.emit(select), tuple(col for col, _ in outputs), aggregated=True, sort=(), open=False
    )


def _step(ctx: CompileContext, relation: Relation, select: exp.Select) -> Relation:
    return relation.with_columns(relation.columns, ctx.emit(select))


def _unnest_key(
    ctx: CompileContext, relation: Relation, key_columns: list[str], index: int, key: Typed
) -> Relation:
    """One UNNEST per SELECT level, so several multivalued keys multiply instead of zipping.

    A row goes into the group of each distinct value; a null or empty key is the null group.
    """
    hidden = key_columns[index]
    distinct = exp.ArrayDistinct(this=column(hidden))
    nonempty = exp.GT(this=exp.ArraySize(this=distinct), expression=int_literal(0))
    values = exp.Case(
        ifs=[exp.If(this=paren(nonempty), true=distinct.copy())],
        default=exp.Array(expressions=[typed_null(key.type)]),
    )
    others = [(name, column(name)) for name in key_columns if name != hidden]
    extra = [*others, (hidden, exp.Explode(this=values))]
    return _step(ctx, relation, project(relation, passthrough(relation), extra))


def _evidence(relation: Relation) -> exp.Expression:
    """The sorted distinct input rows of the group (`[]` for the one row of an empty input)."""
    if relation.aggregated:
        rows: exp.Expression = exp.Flatten(this=exp.ArrayAgg(this=column(EVIDENCE)))
    else:
        rows = exp.ArrayAgg(this=column(ROW))
    listed = exp.ArraySort(this=exp.ArrayDistinct(this=rows))
    return exp.Coalesce(this=listed, expressions=[exp.Array(expressions=[])])
