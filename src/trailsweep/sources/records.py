"""What a source yields: records to evaluate, input it rejects, and files it skips."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from trailsweep.errors import Location

RecordKind = Literal["cloudtrail", "ecs"]


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record read from an input: raw CloudTrail, or an ECS document that skips normalizing."""

    data: Any
    kind: RecordKind
    location: Location


@dataclass(frozen=True, slots=True)
class Rejection:
    """Input that could not be read: a whole file (record is None) or one record of it."""

    location: Location
    reason: str
    records: int = 1
    """How many records the rejection stands for: 1 for a record, 0 for a file read whole
    whose records were never counted, N for a tail lost to truncation when that is known."""

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file deliberately not evaluated (a CloudTrail digest file), with why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class PassedOver:
    """Records read only far enough to screen and count them: no active rule can match them
    (only a reader given a record gate yields these)."""

    count: int
    latest_time: str | None = None
    """The latest eventTime among them, in CloudTrail's own `YYYY-MM-DDTHH:MM:SSZ` form (so
    text order is time order); None when none had that form."""
    other_times: tuple[Any, ...] = ()
    """The raw eventTime of each of them that has another form (rare: screened one by one)."""


def record_time(fields: Mapping[str, Any]) -> Any:
    """A raw record's time as given: its eventTime, or, when that is not text, the @timestamp a
    log shipper added (None when neither is there)."""
    when = fields.get("eventTime")
    return when if isinstance(when, str) else fields.get("@timestamp")


SourceItem = SourceRecord | Rejection | SkippedFile | PassedOver
