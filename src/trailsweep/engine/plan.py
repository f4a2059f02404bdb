"""A rule made ready to run: its parsed query, resolved parameters and the fields it reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from trailsweep.errors import RuleError
from trailsweep.esql import CompiledQuery, Query, compile_query, parse_query
from trailsweep.esql.types import FieldSpec
from trailsweep.rules.model import Rule

NOW_PARAMETER = "__now__"


@dataclass(frozen=True)
class RulePlan:
    """A rule with its query parsed once and its parameter values fixed."""

    rule: Rule
    query: Query
    parameters: Mapping[str, object]
    source_fields: frozenset[str]
    source_patterns: frozenset[str]

    now: datetime | None = None
    """NOW() for the query (None: the clock when it is compiled, as Elastic's rule run)."""

    def compile(self, schema: Mapping[str, FieldSpec]) -> CompiledQuery:
        """SQL for this rule over an events table with the given columns."""
        parameters = dict(self.parameters)
        if self.now is not None:
            parameters[NOW_PARAMETER] = self.now
        return compile_query(self.query, schema, parameters)


def parse_rule_query(rule: Rule) -> Query:
    """Parse a rule's ES|QL; errors point at the line and column in the rule file."""
    if rule.language != "esql":
        raise RuleError(
            f"language {rule.language!r} is not supported (only esql)", rule.query_location
        )
    return parse_query(
        rule.query,
        origin=rule.origin,
        line_offset=(rule.query_location.line or 1) - 1,
    )


def plan_rule(
    rule: Rule, overrides: Mapping[str, object] | None = None, now: datetime | None = None
) -> RulePlan:
    """Parse and prepare one rule, with parameter overrides that it declares."""
    query = parse_rule_query(rule)
    declared = {p.name for p in rule.parameters}
    applicable = {k: v for k, v in (overrides or {}).items() if k in declared}
    return RulePlan(
        rule=rule,
        query=query,
        parameters=rule.parameter_values(applicable),
        source_fields=query.source_fields(),
        source_patterns=query.source_patterns(),
        now=now,
    )


def plan_rules(
    rules: Sequence[Rule],
    overrides: Mapping[str, object] | None = None,
    now: datetime | None = None,
) -> list[RulePlan]:
    """Plan every rule; an override that no rule declares is an error, not silently ignored."""
    overrides = overrides or {}
    declared = {p.name for rule in rules for p in rule.parameters}
    unknown = sorted(set(overrides) - declared)
    if unknown:
        names = ", ".join(unknown)
        raise RuleError(f"no active rule has the parameter(s) {names}")
    return [plan_rule(rule, overrides, now) for rule in rules]
