"""Aggregate functions (COUNT, COUNT_DISTINCT, VALUES, MIN, MAX, SUM, AVG) as SQL aggregates.

An aggregate over a multivalued input consumes every value of every row. The inputs are never
unnested for that (several UNNESTs in one SELECT would zip, not multiply): list columns are
aggregated as lists and flattened, or reduced per row first (LIST_MIN, LIST_SUM...).
"""

from __future__ import annotations

from sqlglot import exp

from trailsweep.esql import ast
from trailsweep.esql.context import CompileContext
from trailsweep.esql.expressions import ExpressionCompiler
from trailsweep.esql.ip_order import keyed, list_extreme_keyed, unkeyed
from trailsweep.esql.typed import NUMERIC, Typed, int_literal, length

_ORDERABLE = frozenset({"long", "double", "date", "keyword", "ip", "boolean", "null"})


class AggregateBuilder:
    """Builds one aggregate call over the rows of a group, with an optional FILTER."""

    def __init__(
        self, ctx: CompileContext, rows: ExpressionCompiler, where: exp.Expression | None
    ) -> None:
        self.ctx = ctx
        self.rows = rows
        self.where = where

    def _filtered(self, aggregate: exp.Expression) -> exp.Expression:
        if self.where is None:
            return aggregate
        return exp.Filter(this=aggregate, expression=exp.Where(this=self.where.copy()))

    def _argument(self, call: ast.Call, minimum: int = 1, maximum: int = 1) -> Typed:
        if call.star or not minimum <= len(call.args) <= maximum:
            raise self.ctx.invalid(
                call.span, f"{call.name.upper()} expects {minimum} to {maximum} argument(s)"
            )
        return self.rows.value(call.args[0])

    def build(self, call: ast.Call) -> Typed:
        """Compile one aggregate call."""
        method = getattr(self, f"_{call.name}")
        result: Typed = method(call)
        return result

    def _count(self, call: ast.Call) -> Typed:
        if call.star or not call.args:
            return Typed(self._filtered(exp.Count(this=exp.Star())), "long")
        value = self._argument(call)
        if not value.multivalued:
            return Typed(self._filtered(exp.Count(this=value.sql)), "long")
        # COUNT counts values, so a list of n values counts n.
        total = self._filtered(exp.Sum(this=length(value.sql)))
        counted = exp.Coalesce(this=total, expressions=[int_literal(0)])
        return Typed(exp.cast(counted, exp.DataType.build("BIGINT")), "long")

    def _count_distinct(self, call: ast.Call) -> Typed:
        value = self._argument(call, 1, 2)
        if len(call.args) == 2 and not isinstance(call.args[1], ast.Literal | ast.Param):
            raise self.ctx.invalid(call.args[1].span, "the precision must be a constant")
        # HyperLogLog++ in Elastic is exact well below its precision threshold (default 3000);
        # an exact distinct count is the faithful local equivalent.
        if not value.multivalued:
            distinct = exp.Count(this=exp.Distinct(expressions=[value.sql]))
            return Typed(self._filtered(distinct), "long")
        values = self._distinct_values(value)
        counted = exp.Coalesce(this=length(values), expressions=[int_literal(0)])
        return Typed(counted, "long")

    def _distinct_values(self, value: Typed) -> exp.Expression:
        collected = self._filtered(exp.ArrayAgg(this=value.sql))
        if value.multivalued:
            collected = exp.Flatten(this=collected)
        # LIST_DISTINCT also drops nulls.
        return exp.ArrayDistinct(this=collected)

    def _values(self, call: ast.Call) -> Typed:
        value = self._argument(call)
        # Elastic does not define the order of VALUES; trailsweep sorts them for determinism.
        values = exp.ArraySort(this=self._distinct_values(value))
        # No value at all is null, not an empty list.
        result = exp.Nullif(this=values, expression=exp.Array(expressions=[]))
        return Typed(result, value.type, multivalued=True)

    def _extreme(self, call: ast.Call, maximum: bool) -> Typed:
        value = self._argument(call)
        if value.type not in _ORDERABLE:
            raise self.ctx.unsupported(call.span, f"{call.name.upper()} over {value.type}")
        if value.type == "ip":
            # Ips order by address: the extreme of key-then-text, with the key dropped after.
            if value.multivalued:
                operand = list_extreme_keyed(value.sql, maximum)
            else:
                operand = keyed(value.sql)
            extreme = exp.Max(this=operand) if maximum else exp.Min(this=operand)
            return Typed(unkeyed(self._filtered(extreme)), "ip")
        operand = value.sql
        if value.multivalued:
            operand = (exp.ArrayMax if maximum else exp.ArrayMin)(this=operand)
        aggregate = exp.Max(this=operand) if maximum else exp.Min(this=operand)
        return Typed(self._filtered(aggregate), value.type)

    def _min(self, call: ast.Call) -> Typed:
        return self._extreme(call, maximum=False)

    def _max(self, call: ast.Call) -> Typed:
        return self._extreme(call, maximum=True)

    def _sum(self, call: ast.Call) -> Typed:
        value = self._argument(call)
        if value.type not in NUMERIC and value.type != "null":
            raise self.ctx.invalid(call.span, f"SUM needs numbers, not {value.type}")
        operand = exp.ArraySum(this=value.sql) if value.multivalued else value.sql
        total = self._filtered(exp.Sum(this=operand))
        if value.type == "double":
            return Typed(total, "double")
        # DuckDB sums BIGINT into HUGEINT; ES|QL's SUM of longs is a long.
        return Typed(exp.cast(total, exp.DataType.build("BIGINT")), "long")

    def _avg(self, call: ast.Call) -> Typed:
        value = self._argument(call)
        if value.type not in NUMERIC and value.type != "null":
            raise self.ctx.invalid(call.span, f"AVG needs numbers, not {value.type}")
        if value.multivalued:
            raise self.ctx.unsupported(call.span, "AVG over a multivalued column")
        operand = exp.cast(value.sql, exp.DataType.build("DOUBLE"))
        return Typed(self._filtered(exp.Avg(this=operand)), "double")
