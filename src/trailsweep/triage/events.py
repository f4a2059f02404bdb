"""The few fields of an event that triage reads, from a flattened document or a store row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trailsweep.normalize.timestamps import parse_iso8601

TIMESTAMP = "@timestamp"
EVENT_ID = "event.id"
ACTION = "event.action"
PROVIDER = "event.provider"
OUTCOME = "event.outcome"
PRINCIPAL = "aws.cloudtrail.user_identity.arn"
SOURCE_IP = "source.ip"
ACCESS_KEY = "aws.cloudtrail.user_identity.access_key_id"
USER_AGENT = "user_agent.original"
RESOURCES = "aws.cloudtrail.resources.arn"
READ_ONLY = "aws.cloudtrail.read_only"
AS_ORGANIZATION = "source.as.organization.name"

CONTEXT_FIELDS = (
    TIMESTAMP,
    EVENT_ID,
    ACTION,
    PROVIDER,
    OUTCOME,
    PRINCIPAL,
    SOURCE_IP,
    ACCESS_KEY,
    USER_AGENT,
    RESOURCES,
    READ_ONLY,
    AS_ORGANIZATION,
)
"""The flattened ECS fields a context event is made of."""


@dataclass(frozen=True)
class ContextEvent:
    """One event as triage sees it (times naive UTC)."""

    timestamp: datetime
    event_id: str | None
    action: str | None
    provider: str | None
    outcome: str | None
    principal_arn: str | None
    source_ip: str | None
    access_key_id: str | None
    user_agent: str | None
    resource_arns: tuple[str, ...]
    read_only: bool | None
    as_organization: str | None

    @property
    def failed(self) -> bool:
        """Whether the call failed (`event.outcome: failure`)."""
        return self.outcome == "failure"


def event_from_fields(fields: Mapping[str, Any]) -> ContextEvent | None:
    """The event of a flattened document or store row (None when it has no time)."""
    timestamp = as_time(fields.get(TIMESTAMP))
    if timestamp is None:
        return None
    read_only = _scalar(fields.get(READ_ONLY))
    if isinstance(read_only, str):
        read_only = {"true": True, "false": False}.get(read_only.lower())
    return ContextEvent(
        timestamp=timestamp,
        event_id=_text(fields.get(EVENT_ID)),
        action=_text(fields.get(ACTION)),
        provider=_text(fields.get(PROVIDER)),
        outcome=_text(fields.get(OUTCOME)),
        principal_arn=_text(fields.get(PRINCIPAL)),
        source_ip=_text(fields.get(SOURCE_IP)),
        access_key_id=_text(fields.get(ACCESS_KEY)),
        user_agent=_text(fields.get(USER_AGENT)),
        resource_arns=tuple(sorted({str(v) for v in _values(fields.get(RESOURCES))})),
        read_only=read_only if isinstance(read_only, bool) else None,
        as_organization=_text(fields.get(AS_ORGANIZATION)),
    )


def as_time(value: Any) -> datetime | None:
    """A timestamp value (datetime or ISO text) as naive UTC, truncated to milliseconds as
    Elasticsearch keeps dates."""
    value = _scalar(value)
    if isinstance(value, str):
        value = parse_iso8601(value)
    if not isinstance(value, datetime):
        return None
    moment: datetime = value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def unique_events(events: Iterable[ContextEvent]) -> list[ContextEvent]:
    """Events in time order, one per eventID: a duplicate delivery of CloudTrail is one call."""
    seen: set[str] = set()
    kept: list[ContextEvent] = []
    for event in sorted(events, key=_order):
        if event.event_id is not None:
            if event.event_id in seen:
                continue
            seen.add(event.event_id)
        kept.append(event)
    return kept


def _order(event: ContextEvent) -> tuple[Any, ...]:
    return (
        event.timestamp,
        event.event_id or "",
        event.action or "",
        event.principal_arn or "",
        event.source_ip or "",
        event.resource_arns,
    )


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [item for item in value if item is not None]
    return [value]


def _scalar(value: Any) -> Any:
    items = _values(value)
    return items[0] if items else None


def _text(value: Any) -> str | None:
    value = _scalar(value)
    return None if value is None else str(value)
