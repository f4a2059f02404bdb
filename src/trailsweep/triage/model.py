"""The triage context of one alert, as values, and its JSON form under `trailsweep.context`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from trailsweep.alerts import format_timestamp

KeyKind = Literal["long-term", "temporary", "unknown"]


@dataclass(frozen=True)
class ContextWindow:
    """The time range the context covers: the alert's span widened by `minutes` each side."""

    start: datetime
    end: datetime
    """Exclusive."""
    minutes: int


@dataclass(frozen=True)
class AccessKey:
    """An access key id and its kind (from its prefix)."""

    id: str
    kind: KeyKind


@dataclass(frozen=True)
class Actor:
    """Who the alert is about: its principals, source addresses and access keys."""

    principal_arns: tuple[str, ...]
    source_ips: tuple[str, ...]
    access_keys: tuple[AccessKey, ...]


@dataclass(frozen=True)
class ActivityCount:
    """The actor's calls of one API in the window (the alert's own events left out)."""

    action: str
    provider: str
    count: int
    failed: int
    notable: bool
    category: str | None
    """Why the API is notable (`object read`, `IAM change` ...), None when it is not."""


@dataclass(frozen=True)
class NotableEvent:
    """One notable call of the actor in the window."""

    timestamp: datetime
    action: str
    provider: str
    category: str
    event_id: str | None
    source_ip: str | None
    outcome: str | None


@dataclass(frozen=True)
class BucketChange:
    """A write or policy change on one of the swept buckets."""

    timestamp: datetime
    action: str
    bucket_arn: str
    event_id: str | None
    source_ip: str | None
    principal_arn: str | None
    outcome: str | None


@dataclass(frozen=True)
class FirstSeen:
    """Whether the principal, its source address and its user agent are new (see `history`)."""

    principal: bool
    source_ip: bool
    user_agent: bool
    history_days: int
    """Whole days of history before the window that the flags were decided over."""


@dataclass(frozen=True)
class UserAgentInfo:
    """A user-agent string and the tool family it belongs to."""

    original: str
    family: str
    known_cspm: bool
    offensive: bool


@dataclass(frozen=True)
class Baseline:
    """The principal's earlier distinct-bucket counts per window, from the event store."""

    days: int
    previous_max_buckets: int
    windows: int
    """Earlier windows in which the principal made such calls at all."""
    summary: str


@dataclass(frozen=True)
class Risk:
    """The rule's risk score moved by the context, with the reasons."""

    score: int
    base: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class BurstSecond:
    """The alert's own events in one second: distinct buckets and events per API."""

    second: datetime
    buckets: int
    by_action: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class AlertContext:
    """Everything triage adds to one alert."""

    window: ContextWindow
    actor: Actor
    first_event: datetime | None
    last_event: datetime | None
    evidence_events: int
    activity: tuple[ActivityCount, ...]
    notable_events: tuple[NotableEvent, ...]
    notable_events_omitted: int
    bucket_changes: tuple[BucketChange, ...]
    other_source_ips: tuple[str, ...]
    first_seen: FirstSeen
    user_agents: tuple[UserAgentInfo, ...]
    asn_organization: str | None
    baseline: Baseline | None
    baseline_note: str | None
    risk: Risk
    burst: tuple[BurstSecond, ...]


def _time(value: datetime | None) -> str | None:
    return None if value is None else format_timestamp(value)


def context_document(context: AlertContext) -> dict[str, Any]:
    """The JSON object an alert document carries under `trailsweep.context`."""
    baseline = context.baseline
    return {
        "window": {
            "start": _time(context.window.start),
            "end": _time(context.window.end),
            "minutes": context.window.minutes,
        },
        "actor": {
            "principal_arns": list(context.actor.principal_arns),
            "source_ips": list(context.actor.source_ips),
            "access_keys": [{"id": key.id, "kind": key.kind} for key in context.actor.access_keys],
        },
        "first_event": _time(context.first_event),
        "last_event": _time(context.last_event),
        "evidence_events": context.evidence_events,
        "activity": [
            {
                "action": item.action,
                "provider": item.provider,
                "count": item.count,
                "failed": item.failed,
                "notable": item.notable,
                "category": item.category,
            }
            for item in context.activity
        ],
        "notable_events": [
            {
                "timestamp": _time(event.timestamp),
                "action": event.action,
                "provider": event.provider,
                "category": event.category,
                "event_id": event.event_id,
                "source_ip": event.source_ip,
                "outcome": event.outcome,
            }
            for event in context.notable_events
        ],
        "notable_events_omitted": context.notable_events_omitted,
        "bucket_changes": [
            {
                "timestamp": _time(change.timestamp),
                "action": change.action,
                "bucket_arn": change.bucket_arn,
                "event_id": change.event_id,
                "source_ip": change.source_ip,
                "principal_arn": change.principal_arn,
                "outcome": change.outcome,
            }
            for change in context.bucket_changes
        ],
        "other_source_ips": list(context.other_source_ips),
        "first_seen": {
            "principal": context.first_seen.principal,
            "source_ip": context.first_seen.source_ip,
            "user_agent": context.first_seen.user_agent,
            "history_days": context.first_seen.history_days,
        },
        "user_agents": [
            {
                "original": agent.original,
                "family": agent.family,
                "known_cspm": agent.known_cspm,
                "offensive": agent.offensive,
            }
            for agent in context.user_agents
        ],
        "asn_organization": context.asn_organization,
        "baseline": None
        if baseline is None
        else {
            "days": baseline.days,
            "previous_max_buckets": baseline.previous_max_buckets,
            "windows": baseline.windows,
            "summary": baseline.summary,
        },
        "baseline_note": context.baseline_note,
        "risk": {
            "score": context.risk.score,
            "base": context.risk.base,
            "reasons": list(context.risk.reasons),
        },
        "burst": {
            "per_second": [
                {
                    "second": _time(second.second),
                    "buckets": second.buckets,
                    "by_action": dict(second.by_action),
                }
                for second in context.burst
            ]
        },
    }
