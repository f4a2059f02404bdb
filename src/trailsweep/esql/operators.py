"""ES|QL operators as SQL: comparison, arithmetic, IN, LIKE/RLIKE, with ES|QL's null rules.

SQL's three-valued logic already matches ES|QL's for AND, OR, NOT, comparisons and IN with
scalar operands; the work here is typing and the multivalued rule (a multivalued operand makes
the result null, see `typed.single`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlglot import exp

from trailsweep.esql import ast
from trailsweep.esql.context import CompileContext
from trailsweep.esql.ip_order import constant_key, ip_key
from trailsweep.esql.patterns import PatternError, like_pattern, rlike_pattern
from trailsweep.esql.temporal import shift, timestamp_literal
from trailsweep.esql.timespan import TimeSpan, parse_timespan
from trailsweep.esql.typed import (
    NUMERIC,
    TEXTUAL,
    Const,
    Typed,
    ValueType,
    coerce,
    int_literal,
    is_null,
    paren,
    single,
    typed_null,
)

_COMPARISONS: dict[str, Callable[..., exp.Expression]] = {
    "==": exp.EQ,
    "!=": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}


def _family(value_type: ValueType) -> str:
    if value_type in NUMERIC:
        return "numeric"
    if value_type in TEXTUAL:
        return "text"
    return value_type


def _as_date(ctx: CompileContext, value: Typed, span: ast.Span) -> Typed:
    """A string constant compared with a date is read as a date, as ES|QL does."""
    if value.const is None or not isinstance(value.const.value, str):
        raise ctx.invalid(span, f"cannot compare a date with a {value.type} expression")
    text = value.const.value.replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ctx.invalid(span, f"{value.const.value!r} is not a date") from None
    return Typed(timestamp_literal(moment), "date", const=Const(moment))


def comparison(ctx: CompileContext, node: ast.BinaryOp, left: Typed, right: Typed) -> Typed:
    """`left op right`; null if either side is null or multivalued."""
    if node.op == "=~":
        raise ctx.unsupported(node.span, "the case-insensitive equality operator =~")
    if left.type == "date" and right.type in TEXTUAL:
        right = _as_date(ctx, right, node.right.span)
    elif right.type == "date" and left.type in TEXTUAL:
        left = _as_date(ctx, left, node.left.span)
    families = {_family(left.type), _family(right.type)} - {"null"}
    if len(families) > 1:
        raise ctx.invalid(node.span, f"cannot compare {left.type} with {right.type} ({node.op})")
    left, right = coerce(left, right.type), coerce(right, left.type)
    if "boolean" in families and node.op not in ("==", "!="):
        raise ctx.unsupported(node.span, f"ordering comparison {node.op} on booleans")
    make = _COMPARISONS[node.op]
    if node.op not in ("==", "!=") and "ip" in (left.type, right.type):
        # Ips order by address, which their text does not: compare their 16-byte forms.
        left_key = _ip_order(ctx, node, node.left, left)
        right_key = _ip_order(ctx, node, node.right, right)
        return Typed(make(this=paren(left_key), expression=paren(right_key)), "boolean")
    return Typed(make(this=paren(single(left)), expression=paren(single(right))), "boolean")


def _ip_order(
    ctx: CompileContext, node: ast.BinaryOp, side: ast.Expr, value: Typed
) -> exp.Expression:
    """An operand of an ordering comparison with an ip, as its address-ordered key."""
    if value.type == "ip":
        return ip_key(single(value))
    if value.const is not None and isinstance(value.const.value, str):
        # ES|QL reads a string literal beside an ip as an ip.
        key = constant_key(value.const.value)
        if key is None:
            raise ctx.invalid(side.span, f"{value.const.value!r} is not an ip address")
        return exp.Literal.string(key)
    raise ctx.unsupported(node.span, f"ordering comparison {node.op} of an ip with {value.type}")


def arithmetic(ctx: CompileContext, node: ast.BinaryOp, left: Typed, right: Typed) -> Typed:
    """`+ - * / %` on numbers, and `date ± time span`."""
    if node.op in "+-":
        span_side = _time_span(left) if right.type == "date" else _time_span(right)
        if left.type == "date" and span_side is not None:
            return shift(left, span_side, subtract=node.op == "-")
        if right.type == "date" and node.op == "+" and span_side is not None:
            return shift(right, span_side, subtract=False)
    for side, operand in ((node.left, left), (node.right, right)):
        if operand.type not in NUMERIC and operand.type != "null":
            raise ctx.invalid(side.span, f"{node.op} needs numbers, not {operand.type}")
    result_type: ValueType = "double" if "double" in (left.type, right.type) else "long"
    left, right = coerce(left, result_type), coerce(right, result_type)
    a, b = paren(single(left)), paren(single(right))
    if node.op == "+":
        return Typed(exp.Add(this=a, expression=b), result_type)
    if node.op == "-":
        return Typed(exp.Sub(this=a, expression=b), result_type)
    if node.op == "*":
        return Typed(exp.Mul(this=a, expression=b), result_type)
    # Division or modulo by zero is null (plus a warning) in ES|QL, an error in DuckDB.
    divisor = exp.Nullif(this=b, expression=int_literal(0))
    if node.op == "%":
        return Typed(exp.Mod(this=a, expression=divisor), result_type)
    if result_type == "long":
        # Integer division truncates toward zero, as Java's does.
        return Typed(exp.IntDiv(this=a, expression=divisor), "long")
    return Typed(exp.Div(this=a, expression=divisor), "double")


def _time_span(value: Typed) -> TimeSpan | None:
    if value.const is None:
        return None
    if isinstance(value.const.value, TimeSpan):
        return value.const.value
    if isinstance(value.const.value, str):
        try:
            return parse_timespan(value.const.value)
        except ValueError:
            return None
    return None


def in_list(ctx: CompileContext, node: ast.InList, value: Typed, items: list[Typed]) -> Typed:
    """`value [NOT] IN (items)` with In.java's decision tree.

    With scalar items SQL's IN is exactly that tree. A multivalued item is skipped (it neither
    matches nor makes the result null) and if every item is multivalued the result is null.
    """
    for item, item_node in zip(items, node.items, strict=True):
        families = {_family(value.type), _family(item.type)} - {"null"}
        if len(families) > 1:
            raise ctx.invalid(item_node.span, f"IN list item of type {item.type} for {value.type}")
    typed = next((item.type for item in items if item.type != "null"), value.type)
    value = coerce(value, typed)
    items = [coerce(item, value.type) for item in items]
    target = paren(single(value))
    if not any(item.multivalued for item in items):
        result: exp.Expression = exp.In(this=target, expressions=[single(i) for i in items])
    else:
        result = _in_with_multivalued_items(target, items)
    if node.negated:
        result = exp.Not(this=exp.Paren(this=result))
    return Typed(result, "boolean")


def _in_with_multivalued_items(target: exp.Expression, items: list[Typed]) -> exp.Expression:
    def is_multi(item: Typed) -> exp.Expression:
        if not item.multivalued:
            return exp.false()
        return exp.GT(this=exp.ArraySize(this=item.sql.copy()), expression=int_literal(1))

    matches = [exp.EQ(this=target.copy(), expression=paren(single(item))) for item in items]
    nulls = [exp.Paren(this=is_null(item)) for item in items]
    all_null = _all(nulls)
    all_multi = _all([exp.Paren(this=is_multi(item)) for item in items])
    return exp.Case(
        ifs=[
            exp.If(this=exp.Is(this=target.copy(), expression=exp.null()), true=exp.null()),
            exp.If(this=exp.Paren(this=all_null), true=exp.null()),
            exp.If(this=exp.Paren(this=all_multi), true=exp.null()),
            exp.If(this=_any([exp.Paren(this=m) for m in matches]), true=exp.true()),
            exp.If(this=_any(nulls), true=exp.null()),
        ],
        default=exp.false(),
    )


def _all(parts: Sequence[exp.Expression]) -> exp.Expression:
    result = parts[0]
    for part in parts[1:]:
        result = exp.And(this=result, expression=part)
    return result


def _any(parts: Sequence[exp.Expression]) -> exp.Expression:
    # `x = a OR x = b` where a comparison is null: only a true comparison counts as a match.
    checks = [exp.Is(this=part, expression=exp.true()) for part in parts]
    result: exp.Expression = checks[0]
    for check in checks[1:]:
        result = exp.Or(this=result, expression=check)
    return exp.Paren(this=result)


def match(ctx: CompileContext, node: ast.Match, value: Typed, patterns: list[Typed]) -> Typed:
    """`value [NOT] LIKE/RLIKE pattern(s)`: whole-string, case-sensitive, null on multivalues."""
    if value.type not in TEXTUAL and value.type != "null":
        raise ctx.invalid(node.value.span, f"LIKE/RLIKE needs a string, not {value.type}")
    if value.type == "null":
        return Typed(exp.cast(exp.null(), exp.DataType.build("BOOLEAN")), "boolean")
    target = paren(single(value))
    tests: list[exp.Expression] = []
    for pattern, pattern_node in zip(patterns, node.patterns, strict=True):
        if pattern.const is None or not isinstance(pattern.const.value, str):
            raise ctx.unsupported(
                pattern_node.span, "a LIKE/RLIKE pattern must be a constant string"
            )
        try:
            tests.append(_match_one(target, pattern.const.value, node.regex))
        except PatternError as exc:
            if exc.unsupported:
                raise ctx.unsupported(pattern_node.span, str(exc)) from None
            raise ctx.invalid(pattern_node.span, str(exc)) from None
    result = tests[0]
    for test in tests[1:]:
        result = exp.Or(this=exp.Paren(this=result), expression=exp.Paren(this=test))
    if node.negated:
        result = exp.Not(this=exp.Paren(this=result))
    return Typed(result, "boolean")


def _match_one(target: exp.Expression, pattern: str, regex: bool) -> exp.Expression:
    if regex:
        return exp.RegexpLike(
            this=target.copy(), expression=exp.Literal.string(rlike_pattern(pattern))
        )
    like = like_pattern(pattern)
    if like.literal:
        return exp.EQ(this=target.copy(), expression=exp.Literal.string(like.text))
    return exp.Escape(
        this=exp.Like(this=target.copy(), expression=exp.Literal.string(like.text)),
        expression=exp.Literal.string("\\"),
    )


def null_of(value_type: ValueType) -> Typed:
    """A typed null expression."""
    return Typed(typed_null(value_type), value_type)
