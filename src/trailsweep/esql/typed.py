"""Compiled expressions with their ES|QL type, and the sqlglot builders every stage shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from trailsweep.esql.types import SQL_TYPES, EsqlType

ValueType = Literal["keyword", "ip", "date", "long", "double", "boolean", "null", "time_span"]
"""EsqlType plus `time_span`, which only exists as a constant (DATE_TRUNC, date arithmetic)."""

NUMERIC: frozenset[ValueType] = frozenset({"long", "double"})
TEXTUAL: frozenset[ValueType] = frozenset({"keyword", "ip"})


@dataclass(frozen=True)
class Const:
    """A compile-time constant value carried beside its SQL (patterns, units, time spans)."""

    value: object


@dataclass(frozen=True)
class Typed:
    """A compiled expression: its SQL, its ES|QL type, whether it is a list, and its constant."""

    sql: exp.Expression
    type: ValueType
    multivalued: bool = False
    const: Const | None = None

    @property
    def column_type(self) -> EsqlType:
        """The type as a column type (time spans never become columns)."""
        if self.type == "time_span":
            raise ValueError("a time span is not a column type")
        return self.type


def column(name: str) -> exp.Column:
    """A reference to a column by its exact (dotted) name, always quoted."""
    return exp.Column(this=exp.to_identifier(name, quoted=True))


def alias(expression: exp.Expression, name: str) -> exp.Expression:
    """`expression AS "name"` (just the column when it already has that name)."""
    if isinstance(expression, exp.Column) and expression.name == name and not expression.table:
        return expression
    return exp.Alias(this=expression, alias=exp.to_identifier(name, quoted=True))


def sql_type(value_type: ValueType, multivalued: bool = False) -> exp.DataType:
    """The SQL type of an ES|QL type (a LIST of it when multivalued)."""
    # A time span is only ever a constant; as a column it would be text.
    base = "VARCHAR" if value_type == "time_span" else SQL_TYPES[value_type]
    return exp.DataType.build(f"{base}[]" if multivalued else base, dialect="duckdb")


def typed_null(value_type: ValueType, multivalued: bool = False) -> exp.Expression:
    """A NULL of the given type (unset fields keep their column type)."""
    return exp.cast(exp.null(), sql_type(value_type, multivalued))


def coerce(value: Typed, target: ValueType) -> Typed:
    """A value of ES|QL's `null` type as a null of `target`'s SQL type (others unchanged).

    The `null` type fits every function and operator in ES|QL; its SQL (a VARCHAR NULL) must
    take the operand type the SQL needs, or DuckDB rejects the expression.
    """
    if value.type != "null" or target in ("null", "time_span"):
        return value
    return Typed(
        exp.cast(value.sql, sql_type(target, value.multivalued)), target, value.multivalued
    )


def paren(expression: exp.Expression) -> exp.Expression:
    """Parenthesise anything that is not atomic, so operator precedence never depends on sqlglot."""
    # sqlglot models AND, OR, comparisons... as Func subclasses too: test operators first.
    if isinstance(expression, exp.Binary | exp.Unary | exp.Predicate | exp.Escape):
        return exp.Paren(this=expression)
    atomic = exp.Column | exp.Literal | exp.Null | exp.Boolean | exp.Paren | exp.Func | exp.Case
    if isinstance(expression, atomic | exp.Cast | exp.Bracket):
        return expression
    return exp.Paren(this=expression)


def length(expression: exp.Expression) -> exp.Expression:
    """Number of elements of a list."""
    return exp.ArraySize(this=expression.copy())


def element(expression: exp.Expression, index: int = 0) -> exp.Expression:
    """The element at a 0-based index of a list (sqlglot renders each dialect's base)."""
    return exp.Bracket(this=expression.copy(), expressions=[exp.Literal.number(index)], offset=0)


def single(value: Typed) -> exp.Expression:
    """The value as a single value: a list of one element is that element, anything else is null.

    ES|QL evaluates comparisons and most functions on a multivalued value to null (with a
    warning), and an empty list is how trailsweep stores null.
    """
    if not value.multivalued:
        return value.sql
    one = exp.EQ(this=length(value.sql), expression=exp.Literal.number(1))
    return exp.Case(ifs=[exp.If(this=one, true=element(value.sql))])


def is_null(value: Typed) -> exp.Expression:
    """`IS NULL` in ES|QL terms: a multivalued value is null when it is null or empty."""
    if not value.multivalued:
        return exp.Is(this=paren(value.sql.copy()), expression=exp.null())
    empty = exp.EQ(this=length(value.sql), expression=exp.Literal.number(0))
    missing = exp.Is(this=paren(value.sql.copy()), expression=exp.null())
    return exp.Paren(this=exp.Or(this=missing, expression=empty))


def is_not_null(value: Typed) -> exp.Expression:
    """`IS NOT NULL` in ES|QL terms: a list must have at least one element."""
    present = exp.Not(
        this=exp.Paren(this=exp.Is(this=paren(value.sql.copy()), expression=exp.null()))
    )
    if not value.multivalued:
        return present
    nonempty = exp.GT(this=length(value.sql), expression=exp.Literal.number(0))
    return exp.Paren(this=exp.And(this=present, expression=nonempty))


def as_list(value: Typed) -> exp.Expression:
    """The value as a list (a scalar becomes a one-element list, null stays null)."""
    if value.multivalued:
        return value.sql
    if isinstance(value.sql, exp.Null) or value.type == "null":
        return typed_null(value.type, True)
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.Is(this=paren(value.sql.copy()), expression=exp.null()), true=exp.null()
            )
        ],
        default=exp.Array(expressions=[value.sql.copy()]),
    )


def int_literal(value: int) -> exp.Expression:
    """An integer literal (negative numbers as literals, not as negations)."""
    return exp.Literal.number(value)


def bind(
    value: exp.Expression, name: str, body: Callable[[exp.Expression], exp.Expression]
) -> exp.Expression:
    """`body` over `value` computed once: `list_transform([value], lambda name: body)[1]`.

    SQL has no scalar `let`; without one a value used several times in `body` would be copied
    into the statement each time (and nested uses multiply). `name` must differ from the names
    of the bindings `body` sits in, since the inner one would hide the outer.
    """
    parameter = exp.Column(this=exp.to_identifier(name, quoted=True))
    function = exp.Lambda(this=body(parameter), expressions=[exp.to_identifier(name, quoted=True)])
    applied = exp.Anonymous(
        this="list_transform", expressions=[exp.Array(expressions=[value]), function]
    )
    return element(applied)


def call(name: str, *args: exp.Expression) -> exp.Expression:
    """A call of a DuckDB function that sqlglot has no expression class for."""
    return exp.Anonymous(this=name, expressions=list(args))
