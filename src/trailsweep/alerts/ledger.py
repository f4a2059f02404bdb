"""Suppression: alerts an allowlist entry explains move to a ledger that names the entry.

An alert carries the group it fired for (`aws.cloudtrail.user_identity.arn`, `source.ip`) and
the distinct values seen in it (`Esql.user_agent_original_values` ...). An entry's matcher on an
ECS field reads that field's column, or else its `Esql.<field>_values` column (Elastic's naming),
and holds only when every value there matches: an alert that mixes an allowlisted scanner's user
agent with another one is not suppressed. A field the alert does not carry cannot be checked, so
an entry testing it suppresses nothing for that rule, and the run says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from trailsweep.alerts.allowlist import Allowlist, AllowlistEntry, AllowlistError
from trailsweep.alerts.document import alert_document
from trailsweep.alerts.fields import alert_fields
from trailsweep.alerts.model import Alert
from trailsweep.summary import RunCounters

Report = Any  # a `reading.Diagnostic`; typed loosely to keep alerts free of the reading layer


class _HasAllowlist(Protocol):
    @property
    def allowlist(self) -> Allowlist: ...


@dataclass(frozen=True)
class SuppressedAlert:
    """An alert an allowlist entry suppressed, with that entry."""

    alert: Alert
    entry: AllowlistEntry


def suppress_alerts(
    alerts: Sequence[Alert],
    entries: Sequence[AllowlistEntry],
    report: Report | None = None,
    counters: RunCounters | None = None,
) -> tuple[list[Alert], list[SuppressedAlert]]:
    """Split alerts into those kept and those the first matching suppress-mode entry covers
    (in file order). Entries that test a field some rule's alerts do not carry are reported."""
    suppressing = [entry for entry in entries if entry.mode == "suppress"]
    kept: list[Alert] = []
    suppressed: list[SuppressedAlert] = []
    blind: set[tuple[str, str]] = set()
    for alert in alerts:
        entry = _first_match(alert, suppressing, blind)
        if entry is None:
            kept.append(alert)
            continue
        suppressed.append(SuppressedAlert(alert, entry))
        if counters is not None:
            counters.alerts_suppressed[alert.rule.rule_id] += 1
            counters.allowlist_hits[entry.id] += 1
    if report is not None:
        for entry_id, rule_name in sorted(blind):
            report(
                "warning",
                f"allowlist entry {entry_id!r} tests a field that alerts of rule {rule_name!r} "
                'do not carry, so it cannot suppress them (use mode "drop", or match on the '
                "principal ARN instead of the session issuer)",
            )
    return kept, suppressed


def ledger_document(suppressed: SuppressedAlert) -> dict[str, Any]:
    """A ledger line: the alert document plus the entry that suppressed it."""
    entry = suppressed.entry
    document = alert_document(suppressed.alert)
    document["trailsweep.suppressed_by"] = {
        "id": entry.id,
        "owner": entry.owner,
        "reason": entry.reason,
        "expires": entry.expires.isoformat(),
        "mode": entry.mode,
        "location": str(entry.location),
    }
    return document


def refuse_drop_entries(options: _HasAllowlist) -> None:
    """Raise for drop-mode entries where events are not read from files (the event store):
    dropping happens while reading, and silently not dropping would change the alerts."""
    dropping = options.allowlist.in_mode("drop")
    if dropping:
        raise AllowlistError(
            f'allowlist entry {dropping[0].id!r} has mode "drop", which applies while '
            "reading files; the event store's scan cannot apply it (scan the files, or use "
            'mode "suppress")',
            dropping[0].location,
        )


def _first_match(
    alert: Alert, entries: Sequence[AllowlistEntry], blind: set[tuple[str, str]]
) -> AllowlistEntry | None:
    rule = alert.rule
    for entry in entries:
        if not entry.applies_to(rule.rule_id, rule.name):
            continue
        wanted = entry.matched_fields()
        carried = alert_fields(alert, wanted)
        if len(carried) < len(wanted):
            blind.add((entry.id, rule.name))
            continue
        if entry.matches(carried):
            return entry
    return None
