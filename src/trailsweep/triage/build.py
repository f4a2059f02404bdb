"""One alert's context from its target, the actor's events in the window, and the history.

Both sources (a second pass over files, or SQL over the event store) hand the same events and
history here, so they give the same context. Events are counted once per eventID.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

from trailsweep.triage.access_keys import access_key
from trailsweep.triage.events import ContextEvent, unique_events
from trailsweep.triage.history import History, first_seen
from trailsweep.triage.model import (
    ActivityCount,
    Actor,
    AlertContext,
    Baseline,
    BucketChange,
    BurstSecond,
    NotableEvent,
    UserAgentInfo,
)
from trailsweep.triage.notable import bucket_arns, is_write, notable_category
from trailsweep.triage.risk import RiskInputs, risk_score
from trailsweep.triage.targets import AlertTarget
from trailsweep.triage.user_agents import classify_user_agent

NOTABLE_EVENT_LIMIT = 100
"""At most this many notable events are listed one by one (all are counted in `activity`)."""


def build_context(
    target: AlertTarget,
    events: Sequence[ContextEvent],
    history: History,
    *,
    base_risk: int,
    baseline: Baseline | None,
    baseline_note: str | None,
    asn_organization: str | None,
) -> AlertContext:
    """The context of one alert; `events` may hold more than its window and actor."""
    mine = unique_events(event for event in events if target.covers(event))
    evidence = [event for event in mine if event.event_id in target.evidence_ids]
    others = [event for event in mine if event.event_id not in target.evidence_ids]
    swept = set(target.swept_buckets).union(*(bucket_arns(event) for event in evidence))
    notable = [
        NotableEvent(
            event.timestamp,
            event.action or "",
            event.provider or "",
            category,
            event.event_id,
            event.source_ip,
            event.outcome,
        )
        for event in others
        if (category := notable_category(event.provider, event.action)) is not None
    ]
    changes = _bucket_changes(others, swept)
    agents = _user_agents(target, evidence)
    keys = sorted(
        set(target.access_key_ids).union(e.access_key_id for e in evidence if e.access_key_id)
    )
    actor = Actor(target.principal_arns, target.source_ips, tuple(access_key(k) for k in keys))
    seen = first_seen(
        history,
        target.window.start,
        target.principal_arns,
        target.source_ips,
        [agent.original for agent in agents],
    )
    bucket_count = target.bucket_count if target.bucket_count is not None else len(swept)
    categories = tuple(dict.fromkeys(sorted(event.category for event in notable)))
    risk = risk_score(
        RiskInputs(
            base=base_risk,
            user_agents=agents,
            baseline=baseline,
            bucket_count=bucket_count,
            first_seen=seen,
            long_term_key=any(key.kind == "long-term" for key in actor.access_keys),
            notable_categories=categories,
            bucket_changes=len(changes),
        )
    )
    return AlertContext(
        window=target.window,
        actor=actor,
        first_event=mine[0].timestamp if mine else None,
        last_event=mine[-1].timestamp if mine else None,
        evidence_events=len(evidence),
        activity=_activity(others),
        notable_events=tuple(notable[:NOTABLE_EVENT_LIMIT]),
        notable_events_omitted=max(0, len(notable) - NOTABLE_EVENT_LIMIT),
        bucket_changes=changes,
        other_source_ips=_other_ips(mine, target),
        first_seen=seen,
        user_agents=agents,
        asn_organization=asn_organization or _asn_of(mine, target),
        baseline=baseline,
        baseline_note=baseline_note,
        risk=risk,
        burst=_burst(evidence),
    )


def _activity(events: Sequence[ContextEvent]) -> tuple[ActivityCount, ...]:
    counts: Counter[tuple[str, str]] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    for event in events:
        key = (event.action or "", event.provider or "")
        counts[key] += 1
        failed[key] += event.failed
    items = []
    for (action, provider), count in counts.items():
        category = notable_category(provider, action)
        items.append(
            ActivityCount(
                action, provider, count, failed[(action, provider)], category is not None, category
            )
        )
    return tuple(sorted(items, key=lambda item: (-item.count, item.action, item.provider)))


def _bucket_changes(events: Sequence[ContextEvent], swept: set[str]) -> tuple[BucketChange, ...]:
    changes = [
        BucketChange(
            event.timestamp,
            event.action or "",
            bucket,
            event.event_id,
            event.source_ip,
            event.principal_arn,
            event.outcome,
        )
        for event in events
        if is_write(event)
        for bucket in bucket_arns(event)
        if bucket in swept
    ]
    return tuple(sorted(changes, key=lambda c: (c.timestamp, c.event_id or "", c.bucket_arn)))


def _user_agents(
    target: AlertTarget, evidence: Sequence[ContextEvent]
) -> tuple[UserAgentInfo, ...]:
    originals = set(target.user_agents).union(e.user_agent for e in evidence if e.user_agent)
    return tuple(classify_user_agent(original) for original in sorted(originals))


def _other_ips(events: Sequence[ContextEvent], target: AlertTarget) -> tuple[str, ...]:
    ips = {
        event.source_ip
        for event in events
        if event.principal_arn in target.principal_arns
        and event.source_ip is not None
        and event.source_ip not in target.source_ips
    }
    return tuple(sorted(ips))


def _asn_of(events: Sequence[ContextEvent], target: AlertTarget) -> str | None:
    names = sorted(
        {
            e.as_organization
            for e in events
            if e.source_ip in target.source_ips and e.as_organization
        }
    )
    return names[0] if names else None


def _burst(evidence: Sequence[ContextEvent]) -> tuple[BurstSecond, ...]:
    buckets: defaultdict[datetime, set[str]] = defaultdict(set)
    actions: defaultdict[datetime, Counter[str]] = defaultdict(Counter)
    for event in evidence:
        second = event.timestamp.replace(microsecond=0)
        buckets[second].update(bucket_arns(event))
        actions[second][event.action or ""] += 1
    return tuple(
        BurstSecond(second, len(buckets[second]), tuple(sorted(actions[second].items())))
        for second in sorted(actions)
    )
