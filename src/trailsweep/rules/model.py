"""The rule model: an Elastic detection rule (TOML layout) as a frozen value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trailsweep.errors import Location


@dataclass(frozen=True)
class MitreReference:
    """A MITRE ATT&CK tactic or technique as Elastic's rules name it."""

    id: str
    name: str
    reference: str


@dataclass(frozen=True)
class Threat:
    """One `[[rule.threat]]` entry: a tactic and the techniques under it."""

    framework: str
    tactic: MitreReference
    techniques: tuple[MitreReference, ...]

    def as_elastic(self) -> dict[str, Any]:
        """The entry in the shape Elastic writes into alerts' `threat` field."""
        return {
            "framework": self.framework,
            "tactic": _reference_dict(self.tactic),
            "technique": [_reference_dict(t) for t in self.techniques],
        }


@dataclass(frozen=True)
class RuleParameter:
    """A named query parameter (`?name`) with its default, a trailsweep extension."""

    name: str
    default: object
    description: str = ""


@dataclass(frozen=True)
class Rule:
    """A detection rule: identity, metadata, schedule and its ES|QL query text."""

    rule_id: str
    name: str
    description: str
    query: str
    language: str
    version: str
    severity: str
    risk_score: int
    origin: str
    query_location: Location
    threat: tuple[Threat, ...] = ()
    investigation_fields: tuple[str, ...] = ()
    false_positives: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    note: str = ""
    from_: str = "now-6m"
    interval: str = "5m"
    max_signals: int = 100
    timestamp_override: str | None = None
    parameters: tuple[RuleParameter, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def parameter_values(self, overrides: Mapping[str, object] | None = None) -> dict[str, object]:
        """The parameters' defaults with the given overrides applied (unknown names rejected)."""
        values = {p.name: p.default for p in self.parameters}
        for name, value in (overrides or {}).items():
            if name not in values:
                known = ", ".join(sorted(values)) or "none"
                raise KeyError(f"rule {self.name!r} has no parameter {name!r} (it has: {known})")
            values[name] = value
        return values

    def threat_as_elastic(self) -> list[dict[str, Any]]:
        """All threat entries in Elastic's alert shape."""
        return [threat.as_elastic() for threat in self.threat]


def _reference_dict(ref: MitreReference) -> dict[str, str]:
    return {"id": ref.id, "name": ref.name, "reference": ref.reference}
