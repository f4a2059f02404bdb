"""Checking rule files: does each load, parse and compile, and if not, what and where."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from trailsweep.engine.fields import assumed_schema
from trailsweep.engine.plan import plan_rule
from trailsweep.errors import EsqlUnsupportedError, Location, RuleError
from trailsweep.rules import load_rule_file, rule_files


@dataclass(frozen=True)
class RuleCheck:
    """The verdict on one rule file: supported, or the problem and where it is."""

    path: str
    name: str | None
    supported: bool
    problem: str | None = None
    location: Location | None = None
    unsupported_construct: bool = False

    def __str__(self) -> str:
        if self.supported:
            return f"ok\t{self.path}\t{self.name}"
        where = str(self.location) if self.location is not None else self.path
        kind = "unsupported" if self.unsupported_construct else "error"
        return f"{kind}\t{where}: {self.problem}"


def check_rule_file(path: Path) -> RuleCheck:
    """Load, parse and compile one rule file against the ECS mapping's field types."""
    name: str | None = None
    try:
        rule = load_rule_file(path)
        name = rule.name
        plan = plan_rule(rule)
        plan.compile(assumed_schema(plan.source_fields | {"@timestamp"}))
    except EsqlUnsupportedError as exc:
        return RuleCheck(str(path), name, False, exc.message, exc.location, True)
    except RuleError as exc:
        return RuleCheck(str(path), name, False, exc.message, exc.location)
    return RuleCheck(str(path), name, True)


def check_rule_files(paths: Iterable[Path]) -> Iterator[RuleCheck]:
    """A verdict for every rule file under the given files and folders."""
    for path in rule_files(paths):
        yield check_rule_file(path)
