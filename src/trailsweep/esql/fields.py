"""Which source fields, field patterns and parameters a query reads (scope analysis)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trailsweep.esql.ast import (
    Dissect,
    Drop,
    Eval,
    Expr,
    FieldRef,
    Grok,
    Keep,
    Limit,
    MvExpand,
    OtherCommand,
    Param,
    Rename,
    Sort,
    Stats,
    Where,
    walk,
)
from trailsweep.esql.dissect import DissectPatternError, parse_dissect
from trailsweep.esql.grok import grok_field_names

if TYPE_CHECKING:
    from trailsweep.esql.query import Query

_DISSECT_KEY = re.compile(r"%\{([^}]*)\}")
_GROK_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z0-9_.@]+)>")
_GROK_PATTERN_REF = re.compile(r"%\{\w+:([A-Za-z0-9_.@\[\]]+)(?::\w+)?\}")


@dataclass(frozen=True)
class QueryReads:
    """The outcome of the scope analysis."""

    fields: frozenset[str]
    patterns: frozenset[str]
    parameters: frozenset[str]


def dissect_keys(pattern: str) -> list[str]:
    """Column names a DISSECT pattern creates (skip keys `%{?x}` and `%{}` create none)."""
    try:
        return parse_dissect(pattern).output_keys
    except DissectPatternError:
        pass
    # A pattern the compiler refuses anyway: the names it seems to create.
    names: list[str] = []
    for raw in _DISSECT_KEY.findall(pattern):
        key = raw.strip()
        if not key or key.startswith("?"):
            continue
        key = key.lstrip("+*&")
        key = re.sub(r"(->)?(/\d+)?$", "", key)
        if key and key not in names:
            names.append(key)
    return names


def grok_keys(pattern: str) -> list[str]:
    """Column names a GROK pattern creates (named groups and `%{PATTERN:name}`)."""
    names = grok_field_names(pattern)
    if names:
        return names
    # A pattern the compiler refuses (or one without captures): the names it seems to create.
    for name in [*_GROK_NAMED_GROUP.findall(pattern), *_GROK_PATTERN_REF.findall(pattern)]:
        if name not in names:
            names.append(name)
    return names


class _Scope:
    """Walks the commands, telling names the query created from names it reads from the source."""

    def __init__(self) -> None:
        self.created: set[str] = set()
        # Until KEEP or STATS, any name not created so far resolves to a source field.
        self.open = True
        self.fields: set[str] = set()
        self.patterns: set[str] = set()
        self.parameters: set[str] = set()

    def read(self, exprs: Iterable[Expr | None]) -> None:
        for expr in exprs:
            if expr is None:
                continue
            for node in walk(expr):
                if isinstance(node, FieldRef):
                    self.read_name(node.name)
                elif isinstance(node, Param):
                    self.parameters.add(node.name)

    def read_name(self, name: str) -> None:
        if self.open and name not in self.created:
            self.fields.add(name)

    def create(self, names: Iterable[str]) -> None:
        self.created.update(names)


def analyse(query: Query) -> QueryReads:
    """Scope analysis of a whole query."""
    scope = _Scope()
    for command in query.commands:
        if isinstance(command, Where):
            scope.read([command.condition])
        elif isinstance(command, Eval):
            for assignment in command.assignments:
                scope.read([assignment.expr])
                scope.create([assignment.name])
        elif isinstance(command, Keep):
            for pattern in command.patterns:
                if pattern.is_wildcard:
                    if scope.open:
                        scope.patterns.add(pattern.text)
                else:
                    scope.read_name(pattern.text)
            scope.open = False
        elif isinstance(command, Rename):
            for pair in command.pairs:
                scope.read_name(pair.old)
                scope.create([pair.new])
        elif isinstance(command, Stats):
            for aggregate in command.aggregates:
                scope.read([aggregate.assignment.expr, aggregate.where])
            scope.read([group.expr for group in command.groups])
            scope.open = False
            scope.created = {a.assignment.name for a in command.aggregates}
            scope.create(group.name for group in command.groups)
        elif isinstance(command, Sort):
            scope.read([order.expr for order in command.orders])
        elif isinstance(command, Dissect):
            scope.read([command.source, *(value for _, value in command.options)])
            scope.create(dissect_keys(command.pattern))
        elif isinstance(command, Grok):
            scope.read([command.source])
            for grok in command.patterns:
                scope.create(grok_keys(grok))
        elif isinstance(command, MvExpand):
            scope.read_name(command.name)
        elif isinstance(command, Drop | Limit | OtherCommand):
            pass
    return QueryReads(
        fields=frozenset(scope.fields),
        patterns=frozenset(scope.patterns),
        parameters=frozenset(scope.parameters),
    )
