"""The raw-record prefilter: drop records no rule can match before normalizing them.

From each rule's pushable predicates (`esql.pushdown`) it keeps the ones a raw CloudTrail record
answers directly: `==` and `IN` on fields the normalizer copies verbatim (event.provider is
eventSource, event.action is eventName ...), and the constant `data_stream.dataset`. A record
passes when any rule's tests all pass. The test is conservative: a raw value that is not a
string is let through, and the full query still decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trailsweep.engine.plan import RulePlan
from trailsweep.esql.ast import BinaryOp, Expr, FieldRef, InList, Literal, Param
from trailsweep.esql.pushdown import pushable_predicates
from trailsweep.normalize import CONSTANT_FIELDS, VERBATIM_SOURCES


@dataclass(frozen=True)
class RawTest:
    """A raw key whose string value must be one of `allowed`."""

    raw_key: str
    allowed: frozenset[str]

    def passes(self, record: Mapping[str, Any]) -> bool:
        """False only when the record certainly fails the predicate this test stands for."""
        value = record.get(self.raw_key)
        if isinstance(value, str):
            return value in self.allowed
        # Absent means a null field, which fails `==`/`IN`; any other type is left to the query.
        return value is not None


@dataclass(frozen=True)
class RulePrefilter:
    """The raw tests of one rule (all must pass); `never` when the rule cannot match at all."""

    tests: tuple[RawTest, ...]
    never: bool = False

    def passes(self, record: Mapping[str, Any]) -> bool:
        """True when the record may match this rule."""
        return not self.never and all(test.passes(record) for test in self.tests)


@dataclass(frozen=True)
class Prefilter:
    """Passes a raw record when any rule may match it; `everything` when some rule has no test."""

    rules: tuple[RulePrefilter, ...]

    @property
    def everything(self) -> bool:
        """True when the prefilter cannot drop anything."""
        return any(not rule.tests and not rule.never for rule in self.rules)

    def passes(self, record: Mapping[str, Any]) -> bool:
        """True when some rule may match the record."""
        return any(rule.passes(record) for rule in self.rules)


def build_prefilter(plans: Sequence[RulePlan]) -> Prefilter:
    """The prefilter for a set of planned rules."""
    return Prefilter(tuple(_rule_prefilter(plan) for plan in plans))


def _rule_prefilter(plan: RulePlan) -> RulePrefilter:
    tests: list[RawTest] = []
    for predicate in pushable_predicates(plan.query):
        allowed = _allowed_values(predicate, plan.parameters)
        if allowed is None:
            continue
        field, values = allowed
        if field in CONSTANT_FIELDS:
            if CONSTANT_FIELDS[field] not in values:
                return RulePrefilter((), never=True)
            continue
        tests.append(RawTest(VERBATIM_SOURCES[field], values))
    return RulePrefilter(tuple(tests))


def _allowed_values(
    predicate: Expr, parameters: Mapping[str, object]
) -> tuple[str, frozenset[str]] | None:
    if isinstance(predicate, BinaryOp) and predicate.op == "==":
        for field, other in ((predicate.left, predicate.right), (predicate.right, predicate.left)):
            value = _string_value(other, parameters)
            if isinstance(field, FieldRef) and _usable(field) and value is not None:
                return field.name, frozenset({value})
        return None
    if isinstance(predicate, InList) and not predicate.negated:
        field = predicate.value
        values = [_string_value(item, parameters) for item in predicate.items]
        if isinstance(field, FieldRef) and _usable(field) and values and None not in values:
            return field.name, frozenset(v for v in values if v is not None)
    return None


def _usable(field: FieldRef) -> bool:
    return field.name in VERBATIM_SOURCES or field.name in CONSTANT_FIELDS


def _string_value(expr: Expr, parameters: Mapping[str, object]) -> str | None:
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, Param):
        value = parameters.get(expr.name)
        return value if isinstance(value, str) else None
    return None
