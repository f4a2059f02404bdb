"""The processing commands of the reference evaluator, each a function from table to table.

Rows are always kept in the order the compiled SQL defines: by the current SORT keys, then by
evidence (the sorted input row numbers behind a row). Unsorted rows are in evidence order, a
SORT orders by its keys with evidence breaking ties (an earlier SORT's order is not kept, as in
the SQL), and STATS starts over in evidence order. ES|QL leaves all of these ties unspecified;
mirroring the compiler's choice is what makes a LIMIT pick the same rows in both.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, replace
from typing import Any

from trailsweep.esql import ast
from trailsweep.esql.reference.aggregates import aggregate
from trailsweep.esql.reference.context import Context
from trailsweep.esql.reference.expressions import Evaluator
from trailsweep.esql.reference.values import distinct, family, order_key, values_of


@dataclass(frozen=True)
class Row:
    """One row: its visible values by column name, and its evidence."""

    values: dict[str, Any]
    evidence: tuple[int, ...]


@dataclass(frozen=True)
class Table:
    """Rows and their visible columns in ES|QL order.

    `open` holds until KEEP or STATS: until then a KEEP/DROP pattern matching nothing is fine
    (a mapped field that this data never sets), afterwards it is an error, as in the compiler.
    """

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    open: bool = True


def row_evaluator(ctx: Context, row: Row) -> Evaluator:
    """An evaluator that reads the row's visible columns."""

    def lookup(ref: ast.FieldRef) -> Any:
        if ref.name not in row.values:
            raise ctx.invalid(ref.span, f"Unknown column [{ref.name}]")
        return row.values[ref.name]

    return Evaluator(ctx, lookup)


def where(ctx: Context, table: Table, command: ast.Where) -> Table:
    """WHERE keeps a row only when the condition is true (false and null both drop it)."""
    kept = [row for row in table.rows if row_evaluator(ctx, row).condition(command.condition)]
    return replace(table, rows=tuple(kept))


def eval_(ctx: Context, table: Table, command: ast.Eval) -> Table:
    """EVAL: each assignment sees the earlier ones; a reused name moves to the end."""
    columns = list(table.columns)
    for assignment in command.assignments:
        columns = [name for name in columns if name != assignment.name] + [assignment.name]
    rows = []
    for row in table.rows:
        values = dict(row.values)
        for assignment in command.assignments:
            current = Row(values, row.evidence)
            values[assignment.name] = row_evaluator(ctx, current).value(assignment.expr)
        rows.append(Row({name: values[name] for name in columns}, row.evidence))
    return replace(table, columns=tuple(columns), rows=tuple(rows))


def _project(table: Table, columns: list[str], open_: bool) -> Table:
    rows = tuple(Row({c: row.values[c] for c in columns}, row.evidence) for row in table.rows)
    return Table(tuple(columns), rows, open_)


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def _claims(
    ctx: Context, table: Table, patterns: tuple[ast.NamePattern, ...], drop: bool
) -> dict[str, int]:
    """The pattern that claims each column: exact name > partial wildcard > `*`, then rightmost."""
    best: dict[str, tuple[int, int]] = {}
    for index, pattern in enumerate(patterns):
        if "*" in pattern.text:
            matched = [c for c in table.columns if _wildcard(pattern.text).fullmatch(c)]
            rank = 0 if pattern.text == "*" else 1
            if not matched and not table.open:
                raise ctx.invalid(pattern.span, f"No matches found for pattern [{pattern.text}]")
        elif pattern.text in table.columns:
            matched, rank = [pattern.text], 2
        elif drop and table.open:
            continue
        else:
            raise ctx.invalid(pattern.span, f"Unknown column [{pattern.text}]")
        for name in matched:
            if name not in best or (rank, index) >= best[name]:
                best[name] = (rank, index)
    return {name: index for name, (_, index) in best.items()}


def keep(ctx: Context, table: Table, command: ast.Keep) -> Table:
    """KEEP: the claimed columns, in the order of the patterns that claim them."""
    claims = _claims(ctx, table, command.patterns, drop=False)
    columns = [
        name
        for index in range(len(command.patterns))
        for name in table.columns
        if claims.get(name) == index
    ]
    return _project(table, columns, open_=False)


def drop(ctx: Context, table: Table, command: ast.Drop) -> Table:
    """DROP: every named or matched column goes; the others keep their order."""
    claims = _claims(ctx, table, command.patterns, drop=True)
    return _project(table, [c for c in table.columns if c not in claims], table.open)


def rename(ctx: Context, table: Table, command: ast.Rename) -> Table:
    """RENAME old AS new: the column keeps its place; an existing `new` column is replaced."""
    # Each entry: (visible name, name of the column it holds in the input rows).
    entries = [(name, name) for name in table.columns]
    for pair in command.pairs:
        if pair.old not in [name for name, _ in entries]:
            raise ctx.invalid(pair.span, f"Unknown column [{pair.old}]")
        if pair.old == pair.new:
            continue
        entries = [
            (pair.new if name == pair.old else name, source)
            for name, source in entries
            if name != pair.new
        ]
    rows = tuple(
        Row({name: row.values[source] for name, source in entries}, row.evidence)
        for row in table.rows
    )
    return replace(table, columns=tuple(name for name, _ in entries), rows=rows)


def sort(ctx: Context, table: Table, command: ast.Sort) -> Table:
    """SORT: by each key (a multivalued key by its min ascending, max descending), then evidence.

    NULL sorts above every value: last ascending, first descending, unless NULLS FIRST/LAST.
    """
    keyed: list[tuple[list[Any], Row]] = []
    for row in table.rows:
        evaluator = row_evaluator(ctx, row)
        keys = []
        for order in command.orders:
            values = values_of(evaluator.value(order.expr))
            pick = max if order.descending else min
            keys.append(pick(values, key=order_key) if values else None)
        keyed.append((keys, row))
    for position, order in enumerate(command.orders):
        families = {family(keys[position]) for keys, _ in keyed if keys[position] is not None}
        if len(families) > 1:
            raise ctx.invalid(order.span, f"SORT key mixes {', '.join(sorted(families))}")

    def compare(a: tuple[list[Any], Row], b: tuple[list[Any], Row]) -> int:
        for order, left, right in zip(command.orders, a[0], b[0], strict=True):
            nulls_first = order.descending if order.nulls_first is None else order.nulls_first
            if left is None and right is None:
                continue
            if left is None:
                return -1 if nulls_first else 1
            if right is None:
                return 1 if nulls_first else -1
            x, y = order_key(left), order_key(right)
            if x != y:
                return (1 if x > y else -1) * (-1 if order.descending else 1)
        return (a[1].evidence > b[1].evidence) - (a[1].evidence < b[1].evidence)

    keyed.sort(key=functools.cmp_to_key(compare))
    return replace(table, rows=tuple(row for _, row in keyed))


def limit(table: Table, command: ast.Limit) -> Table:
    """LIMIT n: the first n rows in the current order."""
    return replace(table, rows=table.rows[: command.count])


def mv_expand(ctx: Context, table: Table, command: ast.MvExpand) -> Table:
    """MV_EXPAND: one row per value; a null or empty value keeps its row with null."""
    if command.name not in table.columns:
        raise ctx.invalid(command.span, f"Unknown column [{command.name}]")
    rows = []
    for row in table.rows:
        value = row.values[command.name]
        for item in (value or [None]) if isinstance(value, list) else [value]:
            rows.append(Row({**row.values, command.name: item}, row.evidence))
    return replace(table, rows=tuple(rows))


def _kept_aggregates(command: ast.Stats) -> list[ast.AggregateField]:
    """The last of equally named aggregates; none named like a BY key (ES|QL drops those)."""
    groups = {group.name for group in command.groups}
    kept: list[ast.AggregateField] = []
    for field in reversed(command.aggregates):
        name = field.assignment.name
        if name not in groups and name not in {f.assignment.name for f in kept}:
            kept.append(field)
    return kept[::-1]


def stats(ctx: Context, table: Table, command: ast.Stats) -> Table:
    """STATS aggregates BY keys: a row joins the group of every combination of its key values.

    A multivalued key puts the row in the group of each distinct value; a null or empty key
    is the null group. Output columns: the aggregates, then the keys.
    """
    groups: dict[tuple[Any, ...], tuple[list[Any], list[Row]]] = {}
    for row in table.rows:
        evaluator = row_evaluator(ctx, row)
        options = []
        for group in command.groups:
            values = distinct(values_of(evaluator.value(group.expr)))
            options.append(values or [None])
        for combination in itertools.product(*options):
            groups.setdefault(combination, (list(combination), []))[1].append(row)
    if not command.groups and not groups:
        groups[()] = ([], [])  # no BY: exactly one row, even over no input

    fields = _kept_aggregates(command)
    names = [field.assignment.name for field in fields] + [g.name for g in command.groups]
    rows = []
    for keys, members in groups.values():
        outputs = {
            field.assignment.name: _aggregate_field(ctx, command, field, keys, members)
            for field in fields
        }
        outputs.update(zip((g.name for g in command.groups), keys, strict=True))
        evidence = tuple(sorted({number for row in members for number in row.evidence}))
        rows.append(Row({name: outputs[name] for name in names}, evidence))
    rows.sort(key=lambda row: row.evidence)
    return Table(tuple(names), tuple(rows), open=False)


def _aggregate_field(
    ctx: Context,
    command: ast.Stats,
    field: ast.AggregateField,
    keys: list[Any],
    members: list[Row],
) -> Any:
    if field.where is not None:
        condition = field.where
        members = [row for row in members if row_evaluator(ctx, row).condition(condition)]

    def lookup(ref: ast.FieldRef) -> Any:
        for group, key in zip(command.groups, keys, strict=True):
            if group.name == ref.name:
                return key
        raise ctx.invalid(
            ref.span, f"column [{ref.name}] must be a BY key or inside an aggregate function"
        )

    def hook(call: ast.Call) -> Any:
        def argument(expr: ast.Expr) -> list[Any]:
            return [row_evaluator(ctx, row).value(expr) for row in members]

        return aggregate(ctx, call, len(members), argument)

    return Evaluator(ctx, lookup, hook).value(field.assignment.expr)
