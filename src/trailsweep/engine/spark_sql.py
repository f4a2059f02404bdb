"""A compiled query's statement (sqlglot's tree, DuckDB's semantics) written as Spark SQL.

The statement the ES|QL compiler builds is the plan both engines run. DuckDB gets it through
sqlglot's DuckDB generator; Spark gets it through this one, which writes every node the
compiler uses with DuckDB's semantics where Spark's differ:

- lists: DuckDB's LIST_DISTINCT drops NULLs, ARRAY_AGG keeps them and is NULL over no rows,
  FLATTEN skips NULL lists, `list[i]` out of range is NULL; written with `filter`, `get`...
- order: ORDER BY and LIST_SORT put NULLs last in both directions, as DuckDB does.
- regular expressions: RE2 patterns rewritten for Java (`spark_regex`).
- casts and text functions whose results depend on the value's type or form
  (`spark_casts`, `spark_functions`).
- the unsigned 64-bit arithmetic of hex-float parsing runs in BIGINT, where only the mask
  `(1 << 63) - 1` would overflow: it is written as an unsigned shift.
- TO_LOWER / TO_UPPER: Spark maps a few characters otherwise than DuckDB (`ß`, `İ`, final
  sigma...; `spark_text`): text holding one of them raises an error, not another value.

Every node class, function name and type of the statement is checked against what is written
here first: anything else raises EngineError naming it, so the Spark engine never runs a
construct whose meaning was not checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlglot import ErrorLevel, exp
from sqlglot.dialects.spark import Spark
from sqlglot.generators.spark import SparkGenerator

from trailsweep.engine.spark_casts import CastError, cast_sql, try_cast_sql
from trailsweep.engine.spark_functions import (
    FUNCTIONS,
    FunctionError,
    constant_int,
    once,
    quote,
    raise_error,
    regex,
)
from trailsweep.engine.spark_kinds import Kind, KindInference
from trailsweep.engine.spark_text import differing_class
from trailsweep.errors import EngineError

SOURCE_TABLE = "events"

# Classes sqlglot's Spark generator writes as Spark does what DuckDB does for the operand types
# the compiler gives them (checked by the agreement tests).
_PLAIN = (
    exp.Select,
    exp.From,
    exp.Where,
    exp.Group,
    exp.Order,
    exp.Limit,
    exp.With,
    exp.TableAlias,
    exp.Alias,
    exp.Column,
    exp.Identifier,
    exp.Star,
    exp.Paren,
    exp.Literal,
    exp.Null,
    exp.Boolean,
    exp.Distinct,
    exp.If,
    exp.Var,
    exp.DataType,
    exp.Lambda,
    exp.PropertyEQ,
    exp.And,
    exp.Or,
    exp.Not,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Mod,
    exp.Neg,
    exp.BitwiseAnd,
    exp.Like,
    exp.Escape,
    exp.Case,
    exp.Coalesce,
    exp.Nullif,
    exp.Array,
    exp.Count,
    exp.Sum,
    exp.Avg,
    exp.Min,
    exp.Max,
    exp.Length,
    exp.Pow,
    exp.StartsWith,
    exp.EndsWith,
    exp.ArraySize,
    exp.ArrayMax,
    exp.ArrayMin,
    exp.Explode,
)


def _spark_error(construct: str) -> EngineError:
    return EngineError(f"the Spark engine cannot run {construct} of the compiled query")


def spark_sql(statement: exp.Expression, table: str, columns: Mapping[str, Kind]) -> str:
    """Spark SQL for a compiled statement, reading the events from `table`, whose columns have
    the given kinds.

    Raises EngineError naming the first construct that is not written for Spark.
    """
    check_statement(statement)
    # The generator may rewrite the tree it writes: it writes a copy, whose nodes the kinds
    # are computed for (by node identity).
    statement = statement.copy()
    writer = _Writer(table, KindInference(statement, SOURCE_TABLE, columns))
    try:
        sql: str = writer.generate(statement, copy=False)
    except (CastError, FunctionError) as exc:
        raise _spark_error(str(exc)) from None
    return sql


def check_statement(statement: exp.Expression) -> None:
    """Raise EngineError for the first node that this module does not write for Spark."""
    for node in statement.walk():
        if isinstance(node, exp.Anonymous):
            name = node.name.lower()
            if name not in FUNCTIONS:
                raise _spark_error(f"the function {name.upper()}")
        elif isinstance(node, exp.ArrayAgg):
            _check_aggregated_list(node)
        elif type(node) not in _WRITTEN and not isinstance(node, _PLAIN):
            raise _spark_error(f"the construct {type(node).__name__}")


def _check_aggregated_list(node: exp.ArrayAgg) -> None:
    """ARRAY_AGG keeps NULLs and an order neither engine defines: its values must only be
    read as a set (through LIST_DISTINCT), which is how the compiler uses it."""
    parent = node.parent
    while isinstance(parent, exp.Filter | exp.Flatten):
        parent = parent.parent
    if not isinstance(parent, exp.ArrayDistinct):
        raise _spark_error("ARRAY_AGG outside LIST_DISTINCT")


class _Writer(SparkGenerator):
    """Spark's generator with DuckDB's meaning for every node the compiler writes."""

    def __init__(self, table: str, kinds: KindInference) -> None:
        super().__init__(dialect=Spark, unsupported_level=ErrorLevel.RAISE)
        self._table = table
        self._kinds = kinds

    # Registered in TRANSFORMS below (a class body cannot refer to the methods' class).
    def _render(self, node: exp.Expression) -> str:
        text: str = self.sql(node)
        return text

    def write_table(self, node: exp.Table) -> str:
        name = node.name
        if name == SOURCE_TABLE and not node.args.get("db"):
            name = self._table
        return "`" + name.replace("`", "``") + "`"

    def write_cte(self, node: exp.CTE) -> str:
        # MATERIALIZED is DuckDB's planning hint; Spark plans CTEs itself.
        return f"{self.sql(node, 'alias')} AS ({self.sql(node, 'this')})"

    def write_ordered(self, node: exp.Ordered) -> str:
        # DuckDB sorts NULLs last in both directions (the compiler sorts nulls itself first).
        direction = "DESC" if node.args.get("desc") else "ASC"
        return f"{self.sql(node, 'this')} {direction} NULLS LAST"

    def write_cast(self, node: exp.Cast) -> str:
        return cast_sql(node, self._render, self._kinds.of)

    def write_try_cast(self, node: exp.TryCast) -> str:
        return try_cast_sql(node, self._render, self._kinds.of)

    def write_anonymous(self, node: exp.Anonymous) -> str:
        return FUNCTIONS[node.name.lower()](list(node.expressions), self._render)

    def write_bracket(self, node: exp.Bracket) -> str:
        # `list[i]`: NULL out of range, as DuckDB's; `get` takes a 0-based index.
        if len(node.expressions) != 1:
            raise FunctionError("a slice or a multi-index")
        index = constant_int(node.expressions[0], "a list index") - int(
            node.args.get("offset") or 0
        )
        if index < 0:
            raise FunctionError("a negative list index")
        return f"get({self.sql(node, 'this')}, {index})"

    def write_dot(self, node: exp.Dot) -> str:
        field = node.expression
        if not isinstance(field, exp.Identifier):
            raise FunctionError("a field access by expression")
        return f"({self.sql(node, 'this')}).`{field.name.replace('`', '``')}`"

    def write_struct(self, node: exp.Struct) -> str:
        parts: list[str] = []
        for item in node.expressions:
            if not isinstance(item, exp.PropertyEQ):
                raise FunctionError("a struct without field names")
            parts += [quote(item.this.name), self.sql(item, "expression")]
        return f"named_struct({', '.join(parts)})"

    def write_dpipe(self, node: exp.DPipe) -> str:
        # `||` of text or of lists: NULL when either side is NULL in both engines.
        return f"concat({self.sql(node, 'this')}, {self.sql(node, 'expression')})"

    def write_int_div(self, node: exp.IntDiv) -> str:
        # Both truncate toward zero.
        return f"({self.sql(node, 'this')} DIV {self.sql(node, 'expression')})"

    def write_array_distinct(self, node: exp.ArrayDistinct) -> str:
        return f"array_distinct(filter({self.sql(node, 'this')}, __nn -> __nn IS NOT NULL))"

    def write_flatten(self, node: exp.Flatten) -> str:
        # DuckDB skips NULL lists; Spark's flatten would be NULL.
        return f"flatten(filter({self.sql(node, 'this')}, __nl -> __nl IS NOT NULL))"

    def write_array_agg(self, node: exp.ArrayAgg, where: str = "") -> str:
        # NULL over no rows, as DuckDB's; the NULLs it keeps are dropped by LIST_DISTINCT.
        rows = f"count(1){where}"
        return (
            f"CASE WHEN {rows} = 0 THEN NULL ELSE collect_list({self.sql(node, 'this')}){where} END"
        )

    def write_filter(self, node: exp.Filter) -> str:
        where = f" FILTER (WHERE {self.sql(node.expression, 'this')})"
        if isinstance(node.this, exp.ArrayAgg):
            return self.write_array_agg(node.this, where)
        return f"{self.sql(node, 'this')}{where}"

    def write_array_sort(self, node: exp.ArraySort) -> str:
        values = self.sql(node, "this")
        if node.args.get("asc") == exp.false():
            return f"sort_array({values}, false)"
        return f"array_sort({values})"

    def write_array_sum(self, node: exp.ArraySum) -> str:
        # The sum of the non-NULL values, NULL when there is none (DuckDB's LIST_SUM).
        present = f"filter({self.sql(node, 'this')}, __ns -> __ns IS NOT NULL)"
        return once(
            present,
            lambda values: (
                f"aggregate(slice({values}, 2, size({values})), get({values}, 0), "
                "(__sum, __item) -> __sum + __item)"
            ),
        )

    def write_substring(self, node: exp.Substring) -> str:
        # Spark and DuckDB agree from a start of 1 on with a length of 0 or more only (DuckDB
        # reads a start of 0 as one character less and a negative length backwards): a start
        # or length that is no such constant is checked.
        text = self.sql(node, "this")
        start, length = node.args["start"], node.args.get("length")
        start_known = _is_int_at_least(start, 1)
        length_known = length is None or _is_int_at_least(length, 0)

        def call(first: str, size: str | None) -> str:
            args = first if size is None else f"{first}, {size}"
            checks = [] if start_known else [f"{first} >= 1"]
            checks += [] if length_known or size is None else [f"{size} >= 0"]
            if not checks:
                return f"substring({text}, {args})"
            nulls = " OR ".join(f"{value} IS NULL" for value in (first, size) if value)
            failure = raise_error("SUBSTRING from a position before 1 or of a negative length")
            return (
                f"CASE WHEN ({' AND '.join(checks)}) OR {nulls} "
                f"THEN substring({text}, {args}) ELSE {failure} END"
            )

        def sized(first: str) -> str:
            if length is None:
                return call(first, None)
            if length_known:
                return call(first, self.sql(length))
            return once(self.sql(length), lambda size: call(first, size))

        return sized(self.sql(start)) if start_known else once(self.sql(start), sized)

    def write_str_position(self, node: exp.StrPosition) -> str:
        if node.args.get("position") is not None:
            raise FunctionError("STRPOS from a position")
        return f"locate({self.sql(node, 'substr')}, {self.sql(node, 'this')})"

    def write_left(self, node: exp.Left) -> str:
        count = constant_int(node.expression, "LEFT of a count")
        if count < 0:
            raise FunctionError("LEFT of a negative count")
        return f"left({self.sql(node, 'this')}, {count})"

    def write_case_mapping(self, node: exp.Lower | exp.Upper) -> str:
        # Spark maps a few characters otherwise than DuckDB (see spark_text).
        upper = isinstance(node, exp.Upper)
        name = "upper" if upper else "lower"
        text = self.sql(node, "this")
        failure = raise_error(f"{name.upper()} of text with a character Spark maps otherwise")
        return (
            f"CASE WHEN {text} RLIKE {quote(differing_class(upper))} THEN {failure} "
            f"ELSE {name}({text}) END"
        )

    def write_regexp_like(self, node: exp.RegexpLike) -> str:
        return f"rlike({self.sql(node, 'this')}, {regex(node.expression)})"

    def write_regexp_extract(self, node: exp.RegexpExtract) -> str:
        text, pattern = self.sql(node, "this"), regex(node.expression)
        group = node.args.get("group")
        if isinstance(group, exp.Array):
            # DuckDB names the struct's fields after the groups, in pattern order.
            fields: list[str] = []
            for number, name in enumerate(group.expressions, start=1):
                if not (isinstance(name, exp.Literal) and name.is_string):
                    raise FunctionError("REGEXP_EXTRACT of computed group names")
                fields += [quote(name.this), f"regexp_extract({text}, {pattern}, {number})"]
            return f"named_struct({', '.join(fields)})"
        index = 0 if group is None else constant_int(group, "REGEXP_EXTRACT of a group")
        return f"regexp_extract({text}, {pattern}, {index})"

    def write_unix_millis(self, node: exp.UnixMillis) -> str:
        return f"unix_millis({self.sql(node, 'this')})"

    def write_unix_to_time(self, node: exp.UnixToTime) -> str:
        if node.args.get("scale") != exp.UnixToTime.MILLIS:
            raise FunctionError("an epoch in another unit than milliseconds")
        return f"timestamp_millis({self.sql(node, 'this')})"

    def write_timestamp_trunc(self, node: exp.TimestampTrunc) -> str:
        unit = node.args.get("unit")
        name = unit.name.upper() if isinstance(unit, exp.Var) else ""
        if name not in ("WEEK", "MONTH", "QUARTER", "YEAR"):
            raise FunctionError(f"DATE_TRUNC to {name or 'a computed unit'}")
        return f"date_trunc('{name}', {self.sql(node, 'this')})"

    def write_time_to_str(self, node: exp.TimeToStr) -> str:
        form = node.args.get("format")
        text = form.this if isinstance(form, exp.Literal) and form.is_string else None
        if text not in _STRFTIME:
            raise FunctionError(f"STRFTIME with the format {text!r}")
        return f"date_format({self.sql(node, 'this')}, {quote(_STRFTIME[text])})"

    def write_interval(self, node: exp.Interval) -> str:
        unit = node.args.get("unit")
        name = unit.name.upper() if isinstance(unit, exp.Var) else ""
        amount = node.this
        if name not in ("MILLISECOND", "MONTH") or not (
            isinstance(amount, exp.Literal) and amount.this.lstrip("-").isdigit()
        ):
            raise FunctionError("an INTERVAL other than whole milliseconds or months")
        return f"INTERVAL '{amount.this}' {name}"

    def write_shift_left(self, node: exp.BitwiseLeftShift) -> str:
        # Only `1 << s` is written, below 2^63 (BIGINT stands for DuckDB's UBIGINT here).
        if not _is_unsigned_one(node.this):
            raise FunctionError("a left shift of anything but an unsigned 1")
        failure = raise_error("a left shift beyond 62 bits")
        return once(
            self.sql(node, "expression"),
            lambda shift: (
                f"CASE WHEN {shift} BETWEEN 0 AND 62 THEN shiftleft(CAST(1 AS BIGINT), {shift}) "
                f"ELSE {failure} END"
            ),
        )

    def write_shift_right(self, node: exp.BitwiseRightShift) -> str:
        value = self.sql(node, "this")
        failure = raise_error("a right shift beyond 63 bits")
        return once(
            self.sql(node, "expression"),
            lambda shift: (
                f"CASE WHEN {shift} BETWEEN 0 AND 63 THEN shiftright({value}, {shift}) "
                f"ELSE {failure} END"
            ),
        )

    def write_sub(self, node: exp.Sub) -> str:
        # `(1 << s) - 1`, the mask of s low bits, reaches 2^63 - 1 through 2^63: written as
        # the unsigned shift of all ones, which never leaves BIGINT.
        left = node.this.this if isinstance(node.this, exp.Paren) else node.this
        if isinstance(left, exp.BitwiseLeftShift) and _is_unsigned_one(node.expression):
            if not _is_unsigned_one(left.this):
                raise FunctionError("a left shift of anything but an unsigned 1")
            failure = raise_error("a mask of more than 63 bits")
            return once(
                self.sql(left, "expression"),
                lambda shift: (
                    f"CASE WHEN {shift} BETWEEN 1 AND 63 THEN "
                    f"shiftrightunsigned(CAST(-1 AS BIGINT), 64 - {shift}) ELSE {failure} END"
                ),
            )
        return self.binary(node, "-")


def _is_int_at_least(node: exp.Expression, low: int) -> bool:
    return isinstance(node, exp.Literal) and node.is_int and int(node.this) >= low


def _is_unsigned_one(node: exp.Expression) -> bool:
    return (
        isinstance(node, exp.Cast)
        and node.to.this == exp.DataType.Type.UBIGINT
        and isinstance(node.this, exp.Literal)
        and node.this.this == "1"
    )


# DuckDB strftime formats the compiler writes, as Spark (Java) datetime patterns.
_STRFTIME: dict[str, str] = {"%Y-%m-%dT%H:%M:%S.%gZ": "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"}


def _method(name: str) -> Any:
    def write(generator: _Writer, node: exp.Expression) -> str:
        text: str = getattr(generator, name)(node)
        return text

    return write


_WRITTEN: dict[Any, Any] = {
    exp.Table: _method("write_table"),
    exp.CTE: _method("write_cte"),
    exp.Ordered: _method("write_ordered"),
    exp.Cast: _method("write_cast"),
    exp.TryCast: _method("write_try_cast"),
    exp.Anonymous: _method("write_anonymous"),
    exp.Bracket: _method("write_bracket"),
    exp.Dot: _method("write_dot"),
    exp.Struct: _method("write_struct"),
    exp.DPipe: _method("write_dpipe"),
    exp.IntDiv: _method("write_int_div"),
    exp.ArrayDistinct: _method("write_array_distinct"),
    exp.Flatten: _method("write_flatten"),
    exp.ArrayAgg: _method("write_array_agg"),
    exp.Filter: _method("write_filter"),
    exp.ArraySort: _method("write_array_sort"),
    exp.ArraySum: _method("write_array_sum"),
    exp.Substring: _method("write_substring"),
    exp.StrPosition: _method("write_str_position"),
    exp.Left: _method("write_left"),
    exp.Lower: _method("write_case_mapping"),
    exp.Upper: _method("write_case_mapping"),
    exp.RegexpLike: _method("write_regexp_like"),
    exp.RegexpExtract: _method("write_regexp_extract"),
    exp.UnixMillis: _method("write_unix_millis"),
    exp.UnixToTime: _method("write_unix_to_time"),
    exp.TimestampTrunc: _method("write_timestamp_trunc"),
    exp.TimeToStr: _method("write_time_to_str"),
    exp.Interval: _method("write_interval"),
    exp.BitwiseLeftShift: _method("write_shift_left"),
    exp.BitwiseRightShift: _method("write_shift_right"),
    exp.Sub: _method("write_sub"),
}
_Writer.TRANSFORMS = {
    **{
        key: value
        for key, value in SparkGenerator.TRANSFORMS.items()
        # Spark's Select preprocessing (QUALIFY, DISTINCT ON...) has nothing to do here.
        if key is not exp.Select
    },
    **_WRITTEN,
}
__all__ = ["SOURCE_TABLE", "check_statement", "spark_sql"]
