"""The alert: one result row of a rule, with its identity, evidence and rule context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trailsweep.errors import Location
from trailsweep.rules.model import Rule


@dataclass(frozen=True)
class Evidence:
    """One event behind an alert: its CloudTrail eventID and where it was read."""

    event_id: str | None
    location: Location


@dataclass(frozen=True)
class Alert:
    """One alert: a result row of a rule under a stable id, with the events behind it."""

    uuid: str
    rule: Rule
    values: Mapping[str, Any]
    """Result columns by exact ES|QL name, JSON-ready (dates as ISO-8601 UTC strings)."""
    group_key: tuple[tuple[str, Any], ...]
    evidence: tuple[Evidence, ...]
    parameters: Mapping[str, object]
    context: Mapping[str, Any] | None = None
    """Triage context (`trailsweep.triage`), JSON-ready, when it was computed."""

    @property
    def event_ids(self) -> tuple[str, ...]:
        """The distinct CloudTrail eventIDs behind the alert, sorted."""
        return tuple(sorted({e.event_id for e in self.evidence if e.event_id is not None}))
