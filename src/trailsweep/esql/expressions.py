"""Compile ES|QL expressions to sqlglot expressions, with types and ES|QL's null semantics."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from sqlglot import exp

from trailsweep.esql import ast
from trailsweep.esql.callsite import CallSite
from trailsweep.esql.context import CompileContext
from trailsweep.esql.functions import AGGREGATE_FUNCTIONS, CAST_FUNCTIONS, SCALAR_FUNCTIONS
from trailsweep.esql.operators import arithmetic, comparison, in_list, match
from trailsweep.esql.temporal import timestamp_literal
from trailsweep.esql.timespan import TimeSpan
from trailsweep.esql.typed import Const, Typed, coerce, is_not_null, is_null, paren, single

Resolver = Callable[[ast.FieldRef], Typed]
AggregateCompiler = Callable[[ast.Call], Typed]


class ExpressionCompiler:
    """Compiles expressions against one relation (`resolve` maps names to columns).

    Outside STATS `aggregate` is None and an aggregate function is an error; inside STATS it
    compiles aggregate calls and `resolve` only knows the BY keys.
    """

    def __init__(
        self,
        ctx: CompileContext,
        resolve: Resolver,
        aggregate: AggregateCompiler | None = None,
    ) -> None:
        self.ctx = ctx
        self._resolve = resolve
        self._aggregate = aggregate

    def value(self, expr: ast.Expr) -> Typed:
        """A value expression (a bare time span is not a value)."""
        result = self.compile(expr)
        if result.type == "time_span":
            raise self.ctx.invalid(
                expr.span, "a time span can only be used in DATE_TRUNC or date arithmetic"
            )
        return result

    def condition(self, expr: ast.Expr) -> exp.Expression:
        """A boolean condition as SQL (null and false both reject a row)."""
        result = self.value(expr)
        if result.type not in ("boolean", "null"):
            raise self.ctx.invalid(expr.span, f"condition must be boolean, not {result.type}")
        return single(coerce(result, "boolean"))

    def compile(self, expr: ast.Expr) -> Typed:
        """Compile any expression (time spans included)."""
        if isinstance(expr, ast.Literal):
            return constant(expr.value)
        if isinstance(expr, ast.TimeSpanLiteral):
            return constant(expr.value)
        if isinstance(expr, ast.FieldRef):
            return self._resolve(expr)
        if isinstance(expr, ast.Param):
            return self._param(expr)
        if isinstance(expr, ast.Call):
            return self._call(expr)
        if isinstance(expr, ast.Cast):
            return self._cast(expr)
        if isinstance(expr, ast.Negate):
            operand = self.value(expr.operand)
            if operand.type not in ("long", "double", "null"):
                raise self.ctx.invalid(expr.span, f"cannot negate {operand.type}")
            return Typed(exp.Neg(this=paren(single(operand))), operand.type)
        if isinstance(expr, ast.Not):
            operand = self.value(expr.operand)
            if operand.type not in ("boolean", "null"):
                raise self.ctx.invalid(expr.span, f"NOT needs a boolean, not {operand.type}")
            return Typed(exp.Not(this=paren(single(coerce(operand, "boolean")))), "boolean")
        if isinstance(expr, ast.BinaryOp):
            return self._binary(expr)
        if isinstance(expr, ast.InList):
            value = self.value(expr.value)
            return in_list(self.ctx, expr, value, [self.value(item) for item in expr.items])
        if isinstance(expr, ast.IsNull):
            value = self.value(expr.value)
            return Typed(is_not_null(value) if expr.negated else is_null(value), "boolean")
        if isinstance(expr, ast.Match):
            value = self.value(expr.value)
            return match(self.ctx, expr, value, [self.value(p) for p in expr.patterns])
        raise self.ctx.unsupported(expr.span, f"expression {type(expr).__name__}")

    def _binary(self, expr: ast.BinaryOp) -> Typed:
        if expr.op in ("and", "or"):
            left, right = self.value(expr.left), self.value(expr.right)
            for side, operand in ((expr.left, left), (expr.right, right)):
                if operand.type not in ("boolean", "null"):
                    raise self.ctx.invalid(side.span, f"{expr.op.upper()} needs booleans")
            left, right = coerce(left, "boolean"), coerce(right, "boolean")
            if expr.op == "or":
                # OR binds loosest: its operands never need parentheses.
                return Typed(exp.Or(this=single(left), expression=single(right)), "boolean")
            operands = [_and_operand(single(side)) for side in (left, right)]
            return Typed(exp.And(this=operands[0], expression=operands[1]), "boolean")
        if expr.op in ("+", "-", "*", "/", "%"):
            return arithmetic(self.ctx, expr, self.compile(expr.left), self.compile(expr.right))
        return comparison(self.ctx, expr, self.value(expr.left), self.value(expr.right))

    def _param(self, expr: ast.Param) -> Typed:
        if expr.name not in self.ctx.params:
            raise self.ctx.invalid(expr.span, f"no value given for parameter ?{expr.name}")
        value = self.ctx.params[expr.name]
        finite = not isinstance(value, float) or math.isfinite(value)
        if not finite or (
            value is not None
            and not isinstance(value, bool | int | float | str | TimeSpan | datetime)
        ):
            raise self.ctx.invalid(
                expr.span, f"parameter ?{expr.name} has an unsupported value {value!r}"
            )
        return constant(value)

    def _call(self, expr: ast.Call) -> Typed:
        if expr.name in AGGREGATE_FUNCTIONS:
            if self._aggregate is None:
                raise self.ctx.invalid(
                    expr.span, f"aggregate function {expr.name.upper()} is only allowed in STATS"
                )
            return self._aggregate(expr)
        handler = SCALAR_FUNCTIONS.get(expr.name)
        if handler is None:
            raise self.ctx.unsupported(expr.span, f"function {expr.name.upper()}")
        args = tuple(self.compile(arg) for arg in expr.args)
        for arg, node in zip(args, expr.args, strict=True):
            if arg.type == "time_span" and expr.name != "date_trunc":
                raise self.ctx.invalid(node.span, "a time span is not a value here")
        return handler(CallSite(expr, args, self.ctx))

    def _cast(self, expr: ast.Cast) -> Typed:
        function = CAST_FUNCTIONS.get(expr.type_name)
        if function is None:
            raise self.ctx.unsupported(expr.span, f"cast to {expr.type_name}")
        return self._call(ast.Call(function, (expr.value,), False, expr.span))


def _and_operand(sql: exp.Expression) -> exp.Expression:
    # Only an OR (or a bare connector) inside AND needs parentheses: AND binds tighter.
    return exp.Paren(this=sql) if isinstance(sql, exp.Or) else sql


def constant(value: object) -> Typed:
    """A constant (literal or parameter value) as a compiled expression."""
    if value is None:
        return Typed(exp.null(), "null", const=Const(None))
    if isinstance(value, bool):
        return Typed(exp.true() if value else exp.false(), "boolean", const=Const(value))
    if isinstance(value, int):
        return Typed(exp.Literal.number(value), "long", const=Const(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        # DuckDB reads `0.01` as a DECIMAL; ES|QL decimals are doubles.
        literal = exp.cast(exp.Literal.number(repr(value)), exp.DataType.build("DOUBLE"))
        return Typed(literal, "double", const=Const(value))
    if isinstance(value, str):
        return Typed(exp.Literal.string(value), "keyword", const=Const(value))
    if isinstance(value, TimeSpan):
        return Typed(exp.null(), "time_span", const=Const(value))
    if isinstance(value, datetime):
        return Typed(timestamp_literal(value), "date", const=Const(value))
    raise TypeError(f"not an ES|QL constant: {value!r}")
