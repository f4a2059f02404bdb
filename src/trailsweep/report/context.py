"""The triage context (`trailsweep.context`) of an alert document, read defensively.

Triage computes it; the report only reads it. Every part may be absent, null or of an
unexpected type: what cannot be read is left out, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trailsweep.report import fields as f
from trailsweep.report.chart import SecondCount
from trailsweep.triage import CONTEXT_KEY


@dataclass(frozen=True)
class AccessKey:
    """An access key the actor used, and its kind (long-term, temporary or unknown)."""

    id: str
    kind: str

    @property
    def kind_class(self) -> str:
        """The kind as a CSS class name (one of a fixed set)."""
        return self.kind if self.kind in ("long-term", "temporary") else "unknown"


@dataclass(frozen=True)
class UserAgent:
    """A user agent string, its client family and whether it is a known posture scanner."""

    original: str
    family: str | None = None
    known_cspm: bool | None = None
    offensive: bool | None = None


@dataclass(frozen=True)
class Activity:
    """One API of the actor's activity around the alert, with its call and failure counts."""

    action: str
    provider: str | None
    count: int | None
    failed: int | None
    notable: bool
    category: str | None = None


@dataclass(frozen=True)
class NotableEvent:
    """One notable event of the actor around the alert (a listing, a policy change, a read)."""

    timestamp: str | None
    action: str | None
    provider: str | None
    category: str | None
    event_id: str | None
    source_ip: str | None
    outcome: str | None


@dataclass(frozen=True)
class BucketChange:
    """A write to a bucket's configuration (policy, ACL, public access block ...)."""

    timestamp: str | None
    action: str | None
    bucket_arn: str | None
    event_id: str | None
    source_ip: str | None


@dataclass(frozen=True)
class FirstSeen:
    """Whether the principal, address and user agent are new within the history looked at."""

    principal: bool | None
    source_ip: bool | None
    user_agent: bool | None
    history_days: int | None


@dataclass(frozen=True)
class Baseline:
    """The actor's usual behaviour before the alert."""

    days: int | None
    previous_max_buckets: int | None
    windows: int | None
    summary: str | None

    @property
    def sentence(self) -> str:
        """The summary triage wrote, else one made from the numbers."""
        if self.summary:
            return self.summary
        days = f"{self.days} days" if self.days is not None else "the history"
        windows = f" ({self.windows} windows)" if self.windows is not None else ""
        if self.previous_max_buckets is None:
            return f"Baseline over {days}{windows}: no earlier peak recorded."
        return (
            f"Over the previous {days}{windows}, this actor read the posture of at most "
            f"{self.previous_max_buckets} bucket(s) in one window."
        )


@dataclass(frozen=True)
class Risk:
    """Triage's risk score for the alert, the rule's base score and the reasons."""

    score: int | None
    base: int | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class TriageContext:
    """Everything triage may have added to an alert; each part may be missing."""

    window_start: str | None = None
    window_end: str | None = None
    window_minutes: int | None = None
    principal_arns: tuple[str, ...] = ()
    source_ips: tuple[str, ...] = ()
    access_keys: tuple[AccessKey, ...] = ()
    first_event: str | None = None
    last_event: str | None = None
    activity: tuple[Activity, ...] = ()
    has_activity: bool = False
    notable_events: tuple[NotableEvent, ...] = ()
    notable_events_omitted: int = 0
    bucket_changes: tuple[BucketChange, ...] = ()
    has_bucket_changes: bool = False
    other_source_ips: tuple[str, ...] = ()
    first_seen: FirstSeen | None = None
    user_agents: tuple[UserAgent, ...] = ()
    asn_organization: str | None = None
    baseline: Baseline | None = None
    baseline_known: bool = False
    """The context says something about a baseline (null: there is none)."""
    baseline_note: str | None = None
    """Why there is no baseline, when triage says."""
    risk: Risk | None = None
    burst: tuple[SecondCount, ...] | None = None


def read_context(document: Mapping[str, Any]) -> TriageContext | None:
    """The document's triage context, or None when triage did not run on it."""
    raw = document.get(CONTEXT_KEY)
    if not isinstance(raw, Mapping):
        return None
    window = f.mapping(raw.get("window"))
    actor = f.mapping(raw.get("actor"))
    return TriageContext(
        window_start=f.text(window.get("start")),
        window_end=f.text(window.get("end")),
        window_minutes=f.integer(window.get("minutes")),
        principal_arns=f.texts(actor.get("principal_arns")),
        source_ips=f.texts(actor.get("source_ips")),
        access_keys=tuple(_access_keys(actor.get("access_keys"))),
        first_event=f.text(raw.get("first_event")),
        last_event=f.text(raw.get("last_event")),
        activity=tuple(_activity(raw.get("activity"))),
        has_activity=isinstance(raw.get("activity"), list),
        notable_events=tuple(_notable_events(raw.get("notable_events"))),
        notable_events_omitted=f.integer(raw.get("notable_events_omitted")) or 0,
        bucket_changes=tuple(_bucket_changes(raw.get("bucket_changes"))),
        has_bucket_changes=isinstance(raw.get("bucket_changes"), list),
        other_source_ips=f.texts(raw.get("other_source_ips")),
        first_seen=_first_seen(raw.get("first_seen")),
        user_agents=tuple(_user_agents(raw.get("user_agents"))),
        asn_organization=f.text(raw.get("asn_organization")),
        baseline=_baseline(raw.get("baseline")),
        baseline_known="baseline" in raw,
        baseline_note=f.text(raw.get("baseline_note")),
        risk=_risk(raw.get("risk")),
        burst=_burst(raw.get("burst")),
    )


def _access_keys(value: object) -> list[AccessKey]:
    keys: list[AccessKey] = []
    for item in f.records(value):
        key = f.text(item.get("id"))
        if key is not None:
            keys.append(AccessKey(key, f.text(item.get("kind")) or "unknown"))
    return keys


def _activity(value: object) -> list[Activity]:
    rows: list[Activity] = []
    for item in f.records(value):
        action = f.text(item.get("action"))
        if action is None:
            continue
        rows.append(
            Activity(
                action,
                f.text(item.get("provider")),
                f.integer(item.get("count")),
                f.integer(item.get("failed")),
                f.flag(item.get("notable")) is True,
                f.text(item.get("category")),
            )
        )
    return rows


def _notable_events(value: object) -> list[NotableEvent]:
    return [
        NotableEvent(
            f.text(item.get("timestamp")),
            f.text(item.get("action")),
            f.text(item.get("provider")),
            f.text(item.get("category")),
            f.text(item.get("event_id")),
            f.text(item.get("source_ip")),
            f.text(item.get("outcome")),
        )
        for item in f.records(value)
    ]


def _bucket_changes(value: object) -> list[BucketChange]:
    return [
        BucketChange(
            f.text(item.get("timestamp")),
            f.text(item.get("action")),
            f.text(item.get("bucket_arn")),
            f.text(item.get("event_id")),
            f.text(item.get("source_ip")),
        )
        for item in f.records(value)
    ]


def _first_seen(value: object) -> FirstSeen | None:
    if not isinstance(value, Mapping):
        return None
    return FirstSeen(
        f.flag(value.get("principal")),
        f.flag(value.get("source_ip")),
        f.flag(value.get("user_agent")),
        f.integer(value.get("history_days")),
    )


def _user_agents(value: object) -> list[UserAgent]:
    agents: list[UserAgent] = []
    for item in f.records(value):
        original = f.text(item.get("original"))
        if original is not None:
            family = f.text(item.get("family"))
            cspm, offensive = f.flag(item.get("known_cspm")), f.flag(item.get("offensive"))
            agents.append(UserAgent(original, family, cspm, offensive))
    return agents


def _baseline(value: object) -> Baseline | None:
    if not isinstance(value, Mapping):
        return None
    return Baseline(
        f.integer(value.get("days")),
        f.integer(value.get("previous_max_buckets")),
        f.integer(value.get("windows")),
        f.text(value.get("summary")),
    )


def _risk(value: object) -> Risk | None:
    if not isinstance(value, Mapping):
        return None
    reasons = f.texts(value.get("reasons"))
    return Risk(f.integer(value.get("score")), f.integer(value.get("base")), reasons)


def _burst(value: object) -> tuple[SecondCount, ...] | None:
    per_second = f.mapping(value).get("per_second")
    if not isinstance(per_second, list):
        return None
    seconds: list[SecondCount] = []
    for item in f.records(per_second):
        second = f.timestamp(item.get("second"))
        buckets = f.integer(item.get("buckets"))
        if second is None or buckets is None or buckets < 0:
            continue
        by_action = {
            str(name): count
            for name, raw in f.mapping(item.get("by_action")).items()
            if (count := f.integer(raw)) is not None and count > 0
        }
        seconds.append(SecondCount(second.replace(microsecond=0), buckets, by_action))
    return tuple(seconds)
