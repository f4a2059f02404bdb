"""Row-at-a-time evaluation of ES|QL expressions: operators with three-valued logic and IN's tree.

`Evaluator` evaluates one expression for one row (or, inside STATS, for one group: `lookup` then
knows only the BY keys and `aggregate` computes aggregate calls over the group's rows).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from trailsweep.esql import ast
from trailsweep.esql.reference.context import Context
from trailsweep.esql.reference.functions import AGGREGATES, CASTS, SCALARS, Site, add_months
from trailsweep.esql.reference.patterns import PatternUnsupported, like_regex, rlike_regex
from trailsweep.esql.reference.values import (
    Ip,
    as_date,
    checked_double,
    checked_long,
    family,
    is_null,
    is_number,
    order_key,
    parse_date,
    single,
)
from trailsweep.esql.timespan import TimeSpan, parse_timespan

Lookup = Callable[[ast.FieldRef], Any]
AggregateHook = Callable[[ast.Call], Any]

_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Evaluator:
    """Evaluates expressions against one row (or group) of values."""

    def __init__(self, ctx: Context, lookup: Lookup, aggregate: AggregateHook | None = None):
        self.ctx = ctx
        self.lookup = lookup
        self.aggregate = aggregate

    def value(self, expr: ast.Expr) -> Any:
        """A value (a bare time span is not one)."""
        result = self.eval(expr)
        if isinstance(result, TimeSpan):
            raise self.ctx.invalid(expr.span, "a time span is not a value here")
        return result

    def condition(self, expr: ast.Expr) -> bool | None:
        """A boolean (or null) condition; a multivalued boolean is null."""
        result = single(self.value(expr))
        if result is not None and not isinstance(result, bool):
            raise self.ctx.invalid(expr.span, f"condition must be boolean, not {family(result)}")
        return result

    def eval(self, expr: ast.Expr) -> Any:
        """Any expression, time spans included."""
        if isinstance(expr, ast.Literal | ast.TimeSpanLiteral):
            return expr.value
        if isinstance(expr, ast.FieldRef):
            return self.lookup(expr)
        if isinstance(expr, ast.Param):
            return self._param(expr)
        if isinstance(expr, ast.Call):
            return self._call(expr)
        if isinstance(expr, ast.Cast):
            function = CASTS.get(expr.type_name)
            if function is None:
                raise self.ctx.unsupported(expr.span, f"cast to {expr.type_name}")
            return self._call(ast.Call(function, (expr.value,), False, expr.span))
        if isinstance(expr, ast.Negate):
            operand = single(self.value(expr.operand))
            if operand is None:
                return None
            if not is_number(operand):
                raise self.ctx.invalid(expr.span, f"cannot negate {family(operand)}")
            return checked_long(-operand) if isinstance(operand, int) else -operand
        if isinstance(expr, ast.Not):
            operand = self.condition(expr.operand)
            return None if operand is None else not operand
        if isinstance(expr, ast.BinaryOp):
            return self._binary(expr)
        if isinstance(expr, ast.InList):
            return self._in(expr)
        if isinstance(expr, ast.IsNull):
            missing = is_null(self.value(expr.value))
            return not missing if expr.negated else missing
        if isinstance(expr, ast.Match):
            return self._match(expr)
        raise self.ctx.unsupported(expr.span, f"expression {type(expr).__name__}")

    # ------------------------------------------------------------------------------ leaves
    def _param(self, expr: ast.Param) -> Any:
        if expr.name not in self.ctx.params:
            raise self.ctx.invalid(expr.span, f"no value given for parameter ?{expr.name}")
        value = self.ctx.params[expr.name]
        if isinstance(value, datetime):
            return as_date(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.ctx.invalid(expr.span, f"parameter ?{expr.name} is not finite")
        if value is None or isinstance(value, bool | int | float | str | TimeSpan):
            return value
        raise self.ctx.invalid(expr.span, f"parameter ?{expr.name} has an unsupported value")

    def _call(self, expr: ast.Call) -> Any:
        if expr.name in AGGREGATES:
            if self.aggregate is None:
                raise self.ctx.invalid(expr.span, f"{expr.name.upper()} is only allowed in STATS")
            return self.aggregate(expr)
        function = SCALARS.get(expr.name)
        if function is None:
            raise self.ctx.unsupported(expr.span, f"function {expr.name.upper()}")
        args = tuple(self.eval(arg) for arg in expr.args)
        for value, node in zip(args, expr.args, strict=True):
            if isinstance(value, TimeSpan) and expr.name != "date_trunc":
                raise self.ctx.invalid(node.span, "a time span is not a value here")
        return function(Site(self.ctx, expr, args))

    # --------------------------------------------------------------------------- operators
    def _binary(self, expr: ast.BinaryOp) -> Any:
        if expr.op in ("and", "or"):
            left, right = self.condition(expr.left), self.condition(expr.right)
            if expr.op == "and":
                if left is False or right is False:
                    return False
                return None if left is None or right is None else True
            if left is True or right is True:
                return True
            return None if left is None or right is None else False
        left, right = self.eval(expr.left), self.eval(expr.right)
        if expr.op in ("+", "-", "*", "/", "%"):
            return self._arithmetic(expr, left, right)
        if expr.op == "=~":
            raise self.ctx.unsupported(expr.span, "the =~ operator")
        for side, value in ((expr.left, left), (expr.right, right)):
            if isinstance(value, TimeSpan):
                raise self.ctx.invalid(side.span, "a time span is not a value here")
        return self._compare(expr, expr.op, single(left), single(right))

    def _compare(self, node: ast.Expr, op: str, left: Any, right: Any) -> bool | None:
        """`left op right` on single values (a string literal against a date/ip is read as one)."""
        left, right = self._coerce(node, left, right)
        if left is None or right is None:
            return None
        if family(left) != family(right):
            raise self.ctx.invalid(node.span, f"cannot compare {family(left)} with {family(right)}")
        if op not in ("==", "!=") and family(left) == "boolean":
            raise self.ctx.invalid(node.span, f"booleans have no order ({op})")
        return _ORDERINGS[op](order_key(left), order_key(right))

    def _coerce(self, node: ast.Expr, left: Any, right: Any) -> tuple[Any, Any]:
        try:
            if isinstance(left, datetime) and isinstance(right, str):
                return left, parse_date(right)
            if isinstance(right, datetime) and isinstance(left, str):
                return parse_date(left), right
            if isinstance(left, Ip) and isinstance(right, str):
                return left, Ip.parse(right)
            if isinstance(right, Ip) and isinstance(left, str):
                return Ip.parse(left), right
        except ValueError as exc:
            raise self.ctx.invalid(node.span, str(exc)) from None
        return left, right

    def _arithmetic(self, expr: ast.BinaryOp, left: Any, right: Any) -> Any:
        if expr.op in "+-":
            shifted = self._shift(expr, left, right)
            if shifted is not _NOT_DATES:
                return shifted
        a, b = single(left), single(right)
        for side, value in ((expr.left, a), (expr.right, b)):
            if value is not None and not is_number(value):
                raise self.ctx.invalid(side.span, f"{expr.op} needs numbers, not {family(value)}")
        if a is None or b is None:
            return None
        if isinstance(a, int) and isinstance(b, int):
            return _long_arithmetic(expr.op, a, b)
        return _double_arithmetic(expr.op, float(a), float(b))

    def _shift(self, expr: ast.BinaryOp, left: Any, right: Any) -> Any:
        """`date ± span` / `span + date`, or _NOT_DATES when this is not date arithmetic."""
        date, span_value = (left, right) if not isinstance(left, TimeSpan) else (right, left)
        if isinstance(left, TimeSpan) and expr.op == "-":
            raise self.ctx.invalid(expr.span, "cannot subtract a date from a time span")
        date = single(date)
        span = span_value if isinstance(span_value, TimeSpan) else None
        if span is None and isinstance(date, datetime | None) and isinstance(span_value, str):
            # The compiler reads a string constant beside a date as a time span, e.g. "1 hour".
            try:
                span = parse_timespan(span_value)
            except ValueError:
                span = None
        if span is None:
            return _NOT_DATES
        if date is None:
            return None
        if not isinstance(date, datetime):
            raise self.ctx.invalid(expr.span, f"cannot add a time span to {family(date)}")
        sign = -1 if expr.op == "-" else 1
        try:
            if span.is_fixed:
                return date + sign * timedelta(milliseconds=span.millis)
            return add_months(date, sign * span.months)
        except OverflowError:
            return None

    def _in(self, expr: ast.InList) -> bool | None:
        target = self.value(expr.value)
        items = [self.value(item) for item in expr.items]
        result = self._in_tree(expr, target, items)
        if expr.negated and result is not None:
            return not result
        return result

    def _in_tree(self, expr: ast.InList, target: Any, items: list[Any]) -> bool | None:
        """In.java's decision tree, step by step (esql-semantics.md section 2)."""
        if is_null(target):  # 1. null target
            return None
        if isinstance(target, list) and len(target) > 1:  # 2. multivalued target
            return None
        if all(is_null(item) for item in items):  # 3. every item null
            return None
        scalars = [item for item in items if not (isinstance(item, list) and len(item) > 1)]
        if not scalars:  # 4. every item multivalued (multivalued items are skipped)
            return None
        value = single(target)
        present = [single(item) for item in scalars if not is_null(item)]
        if any(self._compare(expr, "==", value, item) for item in present):  # 5. a match
            return True
        if len(present) < len(scalars):  # 6. a null item
            return None
        return False  # 7.

    def _match(self, expr: ast.Match) -> bool | None:
        regexes = []
        for node in expr.patterns:
            pattern = self.value(node) if isinstance(node, ast.Literal | ast.Param) else None
            if not isinstance(pattern, str):
                raise self.ctx.unsupported(node.span, "a LIKE/RLIKE pattern must be a string")
            try:
                regexes.append(rlike_regex(pattern) if expr.regex else like_regex(pattern))
            except PatternUnsupported as exc:
                raise self.ctx.unsupported(node.span, str(exc)) from None
        value = single(self.value(expr.value))
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.ctx.invalid(
                expr.value.span, f"LIKE/RLIKE needs a keyword, not {family(value)}"
            )
        matched = any(regex.fullmatch(value) is not None for regex in regexes)
        return not matched if expr.negated else matched


_NOT_DATES: Any = object()


def _long_arithmetic(op: str, a: int, b: int) -> int | None:
    """Long arithmetic as Java does it: truncating division, remainder signed like the dividend."""
    if op in "/%" and b == 0:
        return None  # ES|QL: null plus a warning
    if op == "+":
        return checked_long(a + b)
    if op == "-":
        return checked_long(a - b)
    if op == "*":
        return checked_long(a * b)
    quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
    return checked_long(quotient) if op == "/" else a - b * quotient


def _double_arithmetic(op: str, a: float, b: float) -> float | None:
    """Double arithmetic; division by zero and non-finite results are null, as in ES|QL."""
    if op in "/%" and b == 0:
        return None
    if op == "+":
        return checked_double(a + b)
    if op == "-":
        return checked_double(a - b)
    if op == "*":
        return checked_double(a * b)
    return checked_double(a / b if op == "/" else math.fmod(a, b))
