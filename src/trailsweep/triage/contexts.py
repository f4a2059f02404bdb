"""Triage context for a scan's alerts, from the scanned files or from the event store.

`file_contexts` makes a second, targeted pass over the files; `store_contexts` asks the store
in SQL and adds each principal's baseline. Both build each alert's context with
`build_context` from the same events and history, so the two agree on the same input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trailsweep.alerts import Alert
from trailsweep.normalize import GeoIpDatabase, NormalizeOptions
from trailsweep.pipeline import ScanReport
from trailsweep.store.store import EventStore
from trailsweep.triage.baseline import NO_STORE, store_baseline
from trailsweep.triage.build import build_context
from trailsweep.triage.events import ContextEvent
from trailsweep.triage.from_files import ActorFilter, read_context_events
from trailsweep.triage.from_store import connect, store_events, store_history
from trailsweep.triage.history import History
from trailsweep.triage.model import AlertContext, Baseline, context_document
from trailsweep.triage.targets import AlertTarget, alert_target, union_range

DEFAULT_MINUTES = 30
DEFAULT_BASELINE_DAYS = 14


@dataclass(frozen=True)
class TriageOptions:
    """How much context to gather."""

    minutes: int = DEFAULT_MINUTES
    """The context window: this many minutes either side of the alert's span."""
    baseline_days: int = DEFAULT_BASELINE_DAYS
    asn_db: GeoIpDatabase | None = None
    """Where the alert's source address is looked up for its AS organisation (None: the
    `source.as.organization.name` of the actor's events, when they carry one)."""
    jobs: int | None = None


def file_contexts(
    alerts: Sequence[Alert],
    paths: Sequence[Path],
    normalize: NormalizeOptions | None = None,
    options: TriageOptions | None = None,
) -> list[AlertContext | None]:
    """Each alert's context from the files (None for an alert that names no time or actor);
    the baseline is null, as files hold no history to compare with."""
    options = options or TriageOptions()
    targets = [alert_target(alert, options.minutes) for alert in alerts]
    actors = _actors(targets)
    if actors is None:
        return [None] * len(alerts)
    events, history = read_context_events(
        paths, actors, normalize or NormalizeOptions(), options.jobs
    )
    return [
        None
        if target is None
        else _context(alert, target, events, history, options, None, NO_STORE)
        for alert, target in zip(alerts, targets, strict=True)
    ]


def store_contexts(
    alerts: Sequence[Alert], store_dir: Path, options: TriageOptions | None = None
) -> list[AlertContext | None]:
    """Each alert's context from the event store, with the principal's baseline."""
    options = options or TriageOptions()
    targets = [alert_target(alert, options.minutes) for alert in alerts]
    actors = _actors(targets)
    if actors is None:
        return [None] * len(alerts)
    snapshot = EventStore(store_dir).snapshot()
    connection = connect()
    try:
        events = store_events(connection, snapshot, actors)
        history = store_history(connection, snapshot, actors.principals)
        contexts: list[AlertContext | None] = []
        for alert, target in zip(alerts, targets, strict=True):
            if target is None:
                contexts.append(None)
                continue
            evidence = [e for e in events if e.event_id in target.evidence_ids]
            count = target.bucket_count
            if count is None:
                count = len({arn for e in evidence for arn in e.resource_arns})
            baseline = store_baseline(
                connection,
                snapshot,
                target,
                sorted({e.action for e in evidence if e.action}),
                count,
                options.baseline_days,
            )
            contexts.append(_context(alert, target, events, history, options, baseline, None))
        return contexts
    finally:
        connection.close()


def with_contexts(report: ScanReport, contexts: Sequence[AlertContext | None]) -> ScanReport:
    """The report with each alert carrying its context document (`trailsweep.context`)."""
    alerts = tuple(
        alert if context is None else dataclasses.replace(alert, context=context_document(context))
        for alert, context in zip(report.alerts, contexts, strict=True)
    )
    return dataclasses.replace(report, alerts=alerts)


def _actors(targets: Sequence[AlertTarget | None]) -> ActorFilter | None:
    present = [target for target in targets if target is not None]
    if not present:
        return None
    since, until = union_range(present)
    return ActorFilter(
        principals=frozenset(p for t in present for p in t.principal_arns),
        source_ips=frozenset(ip for t in present for ip in t.source_ips),
        access_keys=frozenset(k for t in present for k in t.access_key_ids),
        since=since,
        until=until,
    )


def _context(
    alert: Alert,
    target: AlertTarget,
    events: Sequence[ContextEvent],
    history: History,
    options: TriageOptions,
    baseline: Baseline | None,
    note: str | None,
) -> AlertContext:
    return build_context(
        target,
        events,
        history,
        base_risk=alert.rule.risk_score,
        baseline=baseline,
        baseline_note=note,
        asn_organization=_asn_organization(options.asn_db, target),
    )


def _asn_organization(database: GeoIpDatabase | None, target: AlertTarget) -> str | None:
    if database is None:
        return None
    for address in target.source_ips:
        record = database.lookup(address)
        name = record.get("autonomous_system_organization") if record else None
        if isinstance(name, str):
            return name
    return None
