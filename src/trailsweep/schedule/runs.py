"""Elastic's rule schedule: a run every `interval`, each searching back `from` from its start.

A run that starts at `t` searches `[t - from, t]`, both ends inclusive (Kibana's
`buildTimeRangeFilter` uses `gte`/`lte`), on `event.ingested` when the rule sets
`timestamp_override = "event.ingested"` (every CloudTrail ES|QL rule does), else on
`@timestamp`; either way a run only sees documents already indexed when it starts. With
`from = now-6m` and `interval = 5m`, consecutive runs overlap by one minute, Elastic's
"additional look-back time" (`from` minus `interval`); nothing beyond `from` is searched.

Runs start on time, every time: catch-up runs after a gap, `max_signals` caps per run and
alert suppression are not modelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from trailsweep.errors import TrailsweepError
from trailsweep.rules.model import Rule

SelectionField = Literal["event.ingested", "@timestamp"]

DEFAULT_PHASE = timedelta(seconds=30)
"""Runs start this long past each `interval` boundary of the clock unless told otherwise, so
that no delivery-stamp minute sits exactly on a run's edge (Elastic's runs start whenever the
rule was enabled; `--first-run` picks the phase)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SPAN = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_FROM = re.compile(r"^\s*now\s*-\s*(\d+\s*[smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ScheduleError(TrailsweepError):
    """A schedule that cannot be replayed: a bad interval or `from`, an unsupported override."""


@dataclass(frozen=True)
class Run:
    """One rule execution: it starts at `at` and searches `[start, at]`."""

    at: datetime
    start: datetime

    def selects(self, key: datetime, ingested: datetime) -> bool:
        """Whether a document with this selection time and ingest time is in this run."""
        return self.start <= key <= self.at and ingested <= self.at

    @property
    def label(self) -> str:
        """The run's start as ISO-8601 UTC (`2026-03-14T10:35:30Z`)."""
        return iso_seconds(self.at)


@dataclass(frozen=True)
class Schedule:
    """When a rule runs and what each run searches."""

    interval: timedelta
    lookback: timedelta
    """The rule's `from` (`now-6m` → 6 minutes): how far back each run searches."""
    anchor: datetime
    """One run start; the others are every `interval` before and after it."""
    selected_by: SelectionField

    @property
    def overlap(self) -> timedelta:
        """How much consecutive runs' ranges overlap (the additional look-back time)."""
        return max(self.lookback - self.interval, timedelta(0))

    def run(self, index: int) -> Run:
        """The run `index` intervals after the anchor (negative: before it)."""
        at = self.anchor + index * self.interval
        return Run(at, at - self.lookback)

    def run_indexes(self, key: datetime, ingested: datetime) -> range:
        """Indexes of the runs that select a document (an empty range when none does)."""
        # Run t selects the document when key <= t <= key + lookback and ingested <= t.
        low = max(key, ingested)
        high = key + self.lookback
        first = -((self.anchor - low) // self.interval)  # ceil((low - anchor) / interval)
        last = (high - self.anchor) // self.interval
        return range(first, last + 1) if high >= low else range(0)

    def describe(self) -> str:
        """One line for people: `every 5m over now-6m (1m overlap), by event.ingested`."""
        text = f"every {format_span(self.interval)} over now-{format_span(self.lookback)}"
        if self.overlap:
            text += f" ({format_span(self.overlap)} overlap)"
        return text + f", selecting by {self.selected_by}"


def schedule_for(
    rule: Rule,
    interval: timedelta | None = None,
    lookback: timedelta | None = None,
    first_run: datetime | None = None,
) -> Schedule:
    """A rule's schedule: its own `interval` and `from` unless overridden."""
    where = f"rule {rule.name!r}"
    every = interval if interval is not None else parse_span(rule.interval, f"{where}: interval")
    back = lookback if lookback is not None else parse_from(rule.from_, f"{where}: from")
    if every <= timedelta(0) or back <= timedelta(0):
        raise ScheduleError(f"{where}: interval and look-back must be longer than zero")
    override = rule.timestamp_override
    if override not in (None, "event.ingested"):
        raise ScheduleError(
            f"{where}: timestamp_override {override!r} cannot be replayed "
            "(only event.ingested, from the files' delivery time, or none)"
        )
    selected_by: SelectionField = "event.ingested" if override else "@timestamp"
    if first_run is None:
        anchor = _EPOCH + DEFAULT_PHASE
    else:
        anchor = first_run if first_run.tzinfo else first_run.replace(tzinfo=UTC)
    return Schedule(every, back, anchor.astimezone(UTC), selected_by)


def parse_span(text: str, what: str = "time span") -> timedelta:
    """Elastic's schedule units: `30s`, `5m`, `1h`, `1d`."""
    match = _SPAN.match(text)
    if match is None:
        raise ScheduleError(f"{what}: {text!r} is not a time span like 30s, 5m, 1h or 1d")
    return timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2]])


def parse_from(text: str, what: str = "from") -> timedelta:
    """A rule's `from` (`now-6m`) as the look-back it means; a bare span (`6m`) is accepted."""
    match = _FROM.match(text)
    return parse_span(match[1] if match else text, what)


def iso_seconds(moment: datetime) -> str:
    """`2026-03-14T10:35:30Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_span(span: timedelta) -> str:
    """`1m`, `4m 20s`, `3h 12m`, `2d 1h`: the two largest non-zero units.

    >>> format_span(timedelta(minutes=6)), format_span(timedelta(seconds=3 * 3600 + 725))
    ('6m', '3h 12m')
    """
    seconds = int(span.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return sign + (" ".join(parts[:2]) or "0s")
