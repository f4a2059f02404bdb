"""Aggregate functions over the rows of one STATS group.

Every aggregate consumes every value of every row (a multivalued input counts value by value)
and skips nulls; with nothing to aggregate COUNT is 0 and the others are null.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trailsweep.esql import ast
from trailsweep.esql.reference.context import Context
from trailsweep.esql.reference.values import (
    checked_double,
    checked_long,
    distinct,
    family,
    is_number,
    order_key,
    storage_key,
    values_of,
)

ArgumentValues = Callable[[ast.Expr], list[Any]]
"""Evaluates an argument expression for every row of the group (after the aggregate's WHERE)."""

_ORDERABLE = frozenset({"numeric", "keyword", "ip", "date", "boolean"})


def aggregate(ctx: Context, call: ast.Call, rows: int, argument: ArgumentValues) -> Any:
    """The value of one aggregate call over a group of `rows` rows."""
    name = call.name
    if name == "count" and (call.star or not call.args):
        return rows
    low, high = (1, 2) if name == "count_distinct" else (1, 1)
    if call.star or not low <= len(call.args) <= high:
        raise ctx.invalid(call.span, f"{name.upper()} expects {low} to {high} argument(s)")
    if len(call.args) == 2 and not isinstance(call.args[1], ast.Literal | ast.Param):
        raise ctx.invalid(call.args[1].span, "the precision must be a constant")
    values = [value for row_value in argument(call.args[0]) for value in values_of(row_value)]
    if name == "count":
        return len(values)
    if name == "count_distinct":
        # HyperLogLog++ is exact well below its precision threshold: an exact count.
        return len(distinct(values))
    if name == "values":
        found = distinct(values)
        # Elastic leaves the order open; trailsweep sorts (by the stored form) for determinism.
        return sorted(found, key=storage_key) if found else None
    if name in ("min", "max"):
        return _extreme(ctx, call, values, largest=name == "max")
    return _sum_or_avg(ctx, call, values, average=name == "avg")


def _extreme(ctx: Context, call: ast.Call, values: Sequence[Any], largest: bool) -> Any:
    families = {family(value) for value in values}
    if not families <= _ORDERABLE or len(families) > 1:
        raise ctx.invalid(call.span, f"{call.name.upper()} over {', '.join(sorted(families))}")
    if not values:
        return None
    return (max if largest else min)(values, key=order_key)


def _sum_or_avg(ctx: Context, call: ast.Call, values: Sequence[Any], average: bool) -> Any:
    if not all(is_number(value) for value in values):
        raise ctx.invalid(call.span, f"{call.name.upper()} needs numbers")
    if not values:
        return None
    if average:
        return checked_double(sum(values) / len(values))
    if all(isinstance(value, int) for value in values):
        # A long sum that overflows is null (plus a warning) in ES|QL.
        return checked_long(sum(values))
    return checked_double(float(sum(values)))
