"""The ES|QL syntax tree: expressions and processing commands as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from trailsweep.esql.timespan import TimeSpan


@dataclass(frozen=True)
class Span:
    """Where a node sits in the query text: character offsets and its 1-based line and column."""

    start: int
    end: int
    line: int
    column: int


NO_SPAN = Span(0, 0, 1, 1)

# ---------------------------------------------------------------------------------------------
# Expressions


@dataclass(frozen=True)
class Literal:
    """A constant: integer, decimal, string, boolean or null."""

    value: int | float | str | bool | None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class TimeSpanLiteral:
    """A time-span constant such as `10 seconds`."""

    value: TimeSpan
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class FieldRef:
    """A column name (dotted, backticks removed)."""

    name: str
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Param:
    """A query parameter `?name` (or positional `?1`)."""

    name: str
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Call:
    """A function call; `star` marks `COUNT(*)`. The name is lower-cased."""

    name: str
    args: tuple[Expr, ...]
    star: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Cast:
    """An inline cast `value::type`."""

    value: Expr
    type_name: str
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Negate:
    """Arithmetic negation `-x`."""

    operand: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Not:
    """Boolean negation `NOT x` (three-valued: NOT null is null)."""

    operand: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class BinaryOp:
    """`left op right` for arithmetic (+ - * / %), comparison (== != < <= > >= =~) and AND/OR."""

    op: str
    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class InList:
    """`value [NOT] IN (items...)`."""

    value: Expr
    items: tuple[Expr, ...]
    negated: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class IsNull:
    """`value IS [NOT] NULL`."""

    value: Expr
    negated: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Match:
    """`value [NOT] LIKE pattern(s)` or `value [NOT] RLIKE pattern(s)`."""

    value: Expr
    patterns: tuple[Expr, ...]
    regex: bool
    negated: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


Expr: TypeAlias = (
    Literal
    | TimeSpanLiteral
    | FieldRef
    | Param
    | Call
    | Cast
    | Negate
    | Not
    | BinaryOp
    | InList
    | IsNull
    | Match
)


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of an expression."""
    if isinstance(expr, Call):
        return expr.args
    if isinstance(expr, Cast):
        return (expr.value,)
    if isinstance(expr, Negate | Not):
        return (expr.operand,)
    if isinstance(expr, BinaryOp):
        return (expr.left, expr.right)
    if isinstance(expr, InList):
        return (expr.value, *expr.items)
    if isinstance(expr, IsNull):
        return (expr.value,)
    if isinstance(expr, Match):
        return (expr.value, *expr.patterns)
    return ()


def walk(expr: Expr) -> list[Expr]:
    """The expression and all its sub-expressions, pre-order."""
    found = [expr]
    for child in children(expr):
        found.extend(walk(child))
    return found


# ---------------------------------------------------------------------------------------------
# Commands


@dataclass(frozen=True)
class Assignment:
    """`name = expr`, or a bare expression whose name is its source text."""

    name: str
    expr: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class AggregateField:
    """One STATS output: `name = agg(...)` with an optional per-aggregate `WHERE` filter."""

    assignment: Assignment
    where: Expr | None = None


@dataclass(frozen=True)
class NamePattern:
    """A column name or wildcard pattern in KEEP/DROP (`aws.*`, `Esql.*`, `*`)."""

    text: str
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def is_wildcard(self) -> bool:
        """True when the pattern contains `*`."""
        return "*" in self.text


@dataclass(frozen=True)
class From:
    """`FROM patterns [METADATA fields]`."""

    indices: tuple[str, ...]
    metadata: tuple[str, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Where:
    """`WHERE condition`: keeps rows where the condition is true (not false, not null)."""

    condition: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Eval:
    """`EVAL a = x, b = y`: appends (or replaces) columns, left to right."""

    assignments: tuple[Assignment, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Keep:
    """`KEEP names/patterns`."""

    patterns: tuple[NamePattern, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Drop:
    """`DROP names/patterns`."""

    patterns: tuple[NamePattern, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class RenamePair:
    """`old AS new` (or `new = old`)."""

    old: str
    new: str
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Rename:
    """`RENAME a AS b, ...`."""

    pairs: tuple[RenamePair, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Stats:
    """`STATS aggregates BY groups`."""

    aggregates: tuple[AggregateField, ...]
    groups: tuple[Assignment, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Order:
    """One SORT key."""

    expr: Expr
    descending: bool = False
    nulls_first: bool | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Sort:
    """`SORT key [ASC|DESC] [NULLS FIRST|LAST], ...`."""

    orders: tuple[Order, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Limit:
    """`LIMIT n`."""

    count: int
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Dissect:
    """`DISSECT field "pattern" [APPEND_SEPARATOR="sep"]`."""

    source: Expr
    pattern: str
    options: tuple[tuple[str, Expr], ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)
    pattern_span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Grok:
    """`GROK field "pattern"`."""

    source: Expr
    patterns: tuple[str, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    pattern_spans: tuple[Span, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class MvExpand:
    """`MV_EXPAND field`: one row per value."""

    name: str
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class OtherCommand:
    """A command trailsweep recognises but only keeps as text (ENRICH, LOOKUP JOIN, ...)."""

    keyword: str
    text: str
    span: Span = field(default=NO_SPAN, compare=False)


Command: TypeAlias = (
    Where
    | Eval
    | Keep
    | Drop
    | Rename
    | Stats
    | Sort
    | Limit
    | Dissect
    | Grok
    | MvExpand
    | OtherCommand
)
