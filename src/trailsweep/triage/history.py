"""What was seen before: first sightings of principals, and of each principal's source
addresses and user agents, and where the history starts.

A flag is "first seen" when the history holds no sighting before the context window opens.
The history is whatever precedes the window in the source: the earlier input for plain files,
the whole event store (every earlier day) for `store-scan`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trailsweep.triage.events import ContextEvent
from trailsweep.triage.model import FirstSeen

_DAY_SECONDS = 86400


@dataclass(frozen=True)
class History:
    """Earliest sightings (naive UTC) by principal, principal and IP, principal and agent."""

    earliest_event: datetime | None = None
    """The first event of the whole source, whoever made it."""
    principals: Mapping[str, datetime] = field(default_factory=dict)
    principal_ips: Mapping[tuple[str, str], datetime] = field(default_factory=dict)
    principal_agents: Mapping[tuple[str, str], datetime] = field(default_factory=dict)


class HistoryBuilder:
    """Collects earliest sightings, event by event or from partial histories."""

    def __init__(self, principals: Iterable[str]) -> None:
        self._wanted = frozenset(principals)
        self.earliest_event: datetime | None = None
        self.principals: dict[str, datetime] = {}
        self.principal_ips: dict[tuple[str, str], datetime] = {}
        self.principal_agents: dict[tuple[str, str], datetime] = {}

    def saw_time(self, moment: datetime | None) -> None:
        """Any event at this time (for where the history starts)."""
        if moment is not None and (self.earliest_event is None or moment < self.earliest_event):
            self.earliest_event = moment

    def saw(self, event: ContextEvent) -> None:
        """An event: a sighting when its principal is one of those asked about."""
        self.saw_time(event.timestamp)
        principal = event.principal_arn
        if principal is None or principal not in self._wanted:
            return
        _keep_min(self.principals, principal, event.timestamp)
        if event.source_ip is not None:
            _keep_min(self.principal_ips, (principal, event.source_ip), event.timestamp)
        if event.user_agent is not None:
            _keep_min(self.principal_agents, (principal, event.user_agent), event.timestamp)

    def merge(self, other: History) -> None:
        """Fold in a partial history."""
        self.saw_time(other.earliest_event)
        for key, moment in other.principals.items():
            _keep_min(self.principals, key, moment)
        for pair, moment in other.principal_ips.items():
            _keep_min(self.principal_ips, pair, moment)
        for pair, moment in other.principal_agents.items():
            _keep_min(self.principal_agents, pair, moment)

    def build(self) -> History:
        """The history collected so far."""
        return History(
            self.earliest_event,
            dict(self.principals),
            dict(self.principal_ips),
            dict(self.principal_agents),
        )


def first_seen(
    history: History,
    since: datetime,
    principals: Iterable[str],
    source_ips: Iterable[str],
    user_agents: Iterable[str],
) -> FirstSeen:
    """The flags for an actor whose window opens at `since`: a principal never seen before it;
    a source IP, or a user agent, that none of the principals used before it."""
    names = sorted(principals)
    ips = sorted(source_ips)
    agents = sorted(user_agents)

    def new(moment: datetime | None) -> bool:
        return moment is None or moment >= since

    earliest = history.earliest_event
    days = (
        0
        if earliest is None or earliest >= since
        else int((since - earliest).total_seconds() // _DAY_SECONDS)
    )
    return FirstSeen(
        principal=any(new(history.principals.get(name)) for name in names),
        source_ip=any(new(history.principal_ips.get((n, ip))) for n in names for ip in ips),
        user_agent=any(new(history.principal_agents.get((n, a))) for n in names for a in agents),
        history_days=days,
    )


def _keep_min(table: dict[Any, datetime], key: Any, moment: datetime) -> None:
    known = table.get(key)
    if known is None or moment < known:
        table[key] = moment
