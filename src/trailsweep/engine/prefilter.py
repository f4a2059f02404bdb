"""The raw-record prefilter: drop records no rule can match before normalizing them.

Each rule's pushable predicates (`esql.pushdown`) are compiled into a test over the raw record,
evaluated in ES|QL's three-valued logic on the fields a raw record answers directly
(`normalize.raw_fields`: verbatim copies such as event.action = eventName, data-stream constants,
enrichments without a database). Every other field is *unknown*: the test tracks the set of
outcomes still possible, and drops a record only when `true` is no longer among them. It can
therefore only let through more than the query accepts, never less; the query decides after.

Rules whose predicates pin event.action to a set of names are indexed by eventName, so a record
is tested only against the rules that can want its name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from trailsweep.engine.plan import RulePlan
from trailsweep.esql.ast import (
    BinaryOp,
    Expr,
    FieldRef,
    InList,
    IsNull,
    Literal,
    Match,
    Not,
    Param,
    walk,
)
from trailsweep.esql.pushdown import pushable_predicates
from trailsweep.normalize import NormalizeOptions
from trailsweep.normalize.raw_fields import UNKNOWN, raw_field_reader, reads_record

Outcomes = int
"""The set of outcomes still possible, as bits: TRUE | FALSE | NULL (sets of three values)."""
RawTest = Callable[[Mapping[str, Any]], Outcomes]

TRUE: Outcomes = 1
FALSE: Outcomes = 2
NULL: Outcomes = 4
ANY: Outcomes = TRUE | FALSE | NULL
_BITS: dict[bool | None, Outcomes] = {True: TRUE, False: FALSE, None: NULL}
_NAME_FIELD = "event.action"
_NAME_KEY = "eventName"


def _and(left: bool | None, right: bool | None) -> bool | None:
    if left is False or right is False:
        return False
    return None if left is None or right is None else True


def _or(left: bool | None, right: bool | None) -> bool | None:
    if left is True or right is True:
        return True
    return None if left is None or right is None else False


@dataclass(frozen=True)
class RulePrefilter:
    """One rule's raw test; `names` (when known) are the only eventNames it can accept."""

    rule_id: str
    test: RawTest | None
    names: frozenset[str | None] | None
    never: bool = False
    index: int = 0
    """The rule's position among the planned rules."""

    def passes(self, record: Mapping[str, Any]) -> bool:
        """True when the rule may match the record."""
        return not self.never and (self.test is None or bool(self.test(record) & TRUE))


@dataclass(frozen=True)
class Prefilter:
    """Passes a raw record when any rule may match it."""

    rules: tuple[RulePrefilter, ...]
    by_name: Mapping[str | None, tuple[RulePrefilter, ...]]
    unindexed: tuple[RulePrefilter, ...]

    def passes(self, record: Mapping[str, Any]) -> bool:
        """True when some rule may match the record."""
        return bool(self.passing(record))

    @functools.cached_property
    def wanted_names(self) -> frozenset[str] | None:
        """The eventNames (as text) some rule may accept; None when a record may pass whatever
        its name (a rule not indexed by name). `passing` is empty for a record whose eventName
        is text outside this set. (Worked out once: every file's reader asks.)"""
        if self.unindexed:
            return None
        return frozenset(name for name in self.by_name if isinstance(name, str))

    def passing(self, record: Mapping[str, Any]) -> tuple[int, ...]:
        """The positions of the rules that may match the record, in rule order."""
        name = record.get(_NAME_KEY)
        if name is None or type(name) is str:
            candidates = (*self.by_name.get(name, ()), *self.unindexed)
        else:
            candidates = self.rules
        return tuple(sorted(rule.index for rule in candidates if rule.passes(record)))


def build_prefilter(
    plans: Sequence[RulePlan], options: NormalizeOptions | None = None
) -> Prefilter:
    """The prefilter for a set of planned rules, under the given normalize options."""
    options = options or NormalizeOptions()
    rules = tuple(
        replace(_rule_prefilter(plan, options), index=index) for index, plan in enumerate(plans)
    )
    by_name: dict[str | None, list[RulePrefilter]] = {}
    unindexed: list[RulePrefilter] = []
    for rule in rules:
        if rule.never:
            continue
        if rule.names is None:
            unindexed.append(rule)
            continue
        for name in rule.names:
            by_name.setdefault(name, []).append(rule)
    return Prefilter(rules, {k: tuple(v) for k, v in by_name.items()}, tuple(unindexed))


def _rule_prefilter(plan: RulePlan, options: NormalizeOptions) -> RulePrefilter:
    compiler = _TestCompiler(options, plan.parameters)
    test = compiler.compile_all(pushable_predicates(plan.query))
    if test is None:
        return RulePrefilter(plan.rule.rule_id, None, None)
    # The same predicates with only event.action and the constants known: what can a record
    # with a given eventName, and anything at all elsewhere, still do?
    static = _TestCompiler(options, plan.parameters, name_only=True)
    static_test = static.compile_all(pushable_predicates(plan.query)) or _all_of([])
    if not static_test({_NAME_KEY: _UNREADABLE}) & TRUE:
        # Not even possible in principle: it needs another data stream, an ASN database that
        # was not given, ...
        return RulePrefilter(plan.rule.rule_id, test, None, never=True)
    return RulePrefilter(plan.rule.rule_id, test, _name_index(plan, compiler, static_test))


_UNREADABLE = object()  # an eventName value no reader can read as text: unknown


def _name_index(
    plan: RulePlan, compiler: _TestCompiler, static_test: RawTest
) -> frozenset[str | None] | None:
    """The eventNames the rule can accept, when its predicates compare event.action only with
    string constants; None when any other name might pass."""
    names: set[str | None] = set()
    for predicate in pushable_predicates(plan.query):
        for node in walk(predicate):
            if isinstance(node, Match) and _is_name(node.value):
                return None
            if isinstance(node, BinaryOp) and node.op in ("==", "!="):
                for side, other in ((node.left, node.right), (node.right, node.left)):
                    if _is_name(side):
                        value = compiler.string(other)
                        if value is None:
                            return None
                        names.add(value)
            if isinstance(node, InList) and _is_name(node.value):
                values = [compiler.string(item) for item in node.items]
                names.update(v for v in values if v is not None)
    # Any name outside the set compares like this one, which no predicate names.
    outsider = "\x00trailsweep-outsider"
    if static_test({_NAME_KEY: outsider}) & TRUE:
        return None
    if static_test({}) & TRUE:
        names.add(None)
    return frozenset(names)


def _is_name(expr: Expr) -> bool:
    return isinstance(expr, FieldRef) and expr.name == _NAME_FIELD


def _all_of(tests: list[RawTest]) -> RawTest:
    def test(record: Mapping[str, Any]) -> Outcomes:
        outcome = TRUE
        for part in tests:
            outcome = _AND[outcome][part(record)]
            if not outcome & TRUE:
                return outcome
        return outcome

    return test


class _TestCompiler:
    """Compiles an ES|QL predicate into a raw test; None for what it cannot decide at all."""

    def __init__(
        self, options: NormalizeOptions, parameters: Mapping[str, object], name_only: bool = False
    ) -> None:
        self._options = options
        self._parameters = parameters
        self._name_only = name_only

    def compile_all(self, predicates: Sequence[Expr]) -> RawTest | None:
        """The conjunction of the predicates' tests, or None when none can be tested raw."""
        tests = [test for test in map(self.compile, predicates) if test is not None]
        return _all_of(tests) if tests else None

    def string(self, expr: Expr) -> str | None:
        """The string constant an expression stands for, if it is one."""
        if isinstance(expr, Literal) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, Param):
            value = self._parameters.get(expr.name)
            return value if isinstance(value, str) else None
        return None

    def compile(self, expr: Expr) -> RawTest | None:
        """The raw test for a boolean expression, or None when it is unknowable raw."""
        if isinstance(expr, BinaryOp) and expr.op in ("and", "or"):
            left, right = self.compile(expr.left), self.compile(expr.right)
            combine = _and if expr.op == "and" else _or
            return _combine(left, right, combine)
        if isinstance(expr, Not):
            inner = self.compile(expr.operand)
            if inner is None:
                return None
            return lambda record: _NOT[inner(record)]
        if isinstance(expr, BinaryOp) and expr.op in ("==", "!="):
            return self._comparison(expr)
        if isinstance(expr, InList):
            return self._in_list(expr)
        if isinstance(expr, IsNull):
            return self._is_null(expr)
        if isinstance(expr, Match) and not expr.regex:
            return self._like(expr)
        return None

    def _reader(self, expr: Expr) -> Callable[[Mapping[str, Any]], object] | None:
        if not isinstance(expr, FieldRef):
            return None
        if expr.name == _NAME_FIELD:
            return _read_name
        reader = raw_field_reader(expr.name, self._options)
        if reader is not None and self._name_only and reads_record(expr.name, self._options):
            return _read_unknown
        return reader

    def _comparison(self, expr: BinaryOp) -> RawTest | None:
        for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
            reader, constant = self._reader(side), self.string(other)
            if reader is not None and constant is not None:
                equal = expr.op == "=="
                return lambda record: _compare(reader(record), constant, equal)
        return None

    def _in_list(self, expr: InList) -> RawTest | None:
        reader = self._reader(expr.value)
        items = [self.string(item) for item in expr.items]
        has_null = any(isinstance(i, Literal) and i.value is None for i in expr.items)
        if reader is None or any(
            value is None and not (isinstance(item, Literal) and item.value is None)
            for value, item in zip(items, expr.items, strict=True)
        ):
            return None
        allowed = frozenset(v for v in items if v is not None)
        negated = expr.negated

        def test(record: Mapping[str, Any]) -> Outcomes:
            value = reader(record)
            if value is UNKNOWN:
                return ANY
            if value is None:
                return NULL
            if value in allowed:
                return FALSE if negated else TRUE
            if has_null:
                return NULL
            return TRUE if negated else FALSE

        return test

    def _is_null(self, expr: IsNull) -> RawTest | None:
        reader = self._reader(expr.value)
        if reader is None:
            return None
        negated = expr.negated

        def test(record: Mapping[str, Any]) -> Outcomes:
            value = reader(record)
            if value is UNKNOWN:
                return TRUE | FALSE
            return TRUE if (value is None) != negated else FALSE

        return test

    def _like(self, expr: Match) -> RawTest | None:
        reader = self._reader(expr.value)
        patterns = [self.string(p) for p in expr.patterns]
        if reader is None or None in patterns:
            return None
        regex = re.compile("|".join(_like_regex(p) for p in patterns if p is not None), re.DOTALL)
        negated = expr.negated

        def test(record: Mapping[str, Any]) -> Outcomes:
            value = reader(record)
            if value is UNKNOWN:
                return ANY
            if value is None:
                return NULL
            return TRUE if bool(regex.fullmatch(str(value))) != negated else FALSE

        return test


_NAME_READER = raw_field_reader(_NAME_FIELD, NormalizeOptions())


def _read_name(record: Mapping[str, Any]) -> object:
    return UNKNOWN if _NAME_READER is None else _NAME_READER(record)


def _read_unknown(record: Mapping[str, Any]) -> object:
    return UNKNOWN


def _compare(value: object, constant: str, equal: bool) -> Outcomes:
    if value is UNKNOWN:
        return ANY
    if value is None:
        return NULL
    return TRUE if (value == constant) == equal else FALSE


def _combine(
    left: RawTest | None,
    right: RawTest | None,
    combine: Callable[[bool | None, bool | None], bool | None],
) -> RawTest:
    table = _AND if combine is _and else _OR

    def test(record: Mapping[str, Any]) -> Outcomes:
        a = left(record) if left is not None else ANY
        b = right(record) if right is not None else ANY
        return table[a][b]

    return test


def _table(combine: Callable[[bool | None, bool | None], bool | None]) -> list[list[Outcomes]]:
    """combine() lifted to outcome sets, for every pair of sets (bit masks 0..7)."""
    values = list(_BITS)
    rows = []
    for left in range(8):
        row = []
        for right in range(8):
            mask = 0
            for a in values:
                for b in values:
                    if left & _BITS[a] and right & _BITS[b]:
                        mask |= _BITS[combine(a, b)]
            row.append(mask)
        rows.append(row)
    return rows


_AND = _table(_and)
_OR = _table(_or)
_NOT = [
    sum(_BITS[None if v is None else not v] for v in _BITS if mask & _BITS[v]) for mask in range(8)
]


def _like_regex(pattern: str) -> str:
    """ES|QL LIKE: `*` any run, `?` one character, `\\` escapes the next one; whole string."""
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    if escaped:
        parts.append(re.escape("\\"))
    return "(?:" + "".join(parts) + ")"
