"""Counting what a run read, evaluated, skipped and rejected (read = evaluated + rejected)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def reason_category(reason: str) -> str:
    """The stable part of a rejection reason (the text before its first colon), for counting."""
    return reason.split(":", 1)[0].strip()


@dataclass
class RunCounters:
    """Mutable counts gathered while a run goes; `frozen()` gives the summary."""

    files_read: int = 0
    files_rejected: int = 0
    files_skipped: Counter[str] = field(default_factory=Counter)
    records_read: int = 0
    records_evaluated: int = 0
    records_rejected: Counter[str] = field(default_factory=Counter)
    records_with_warnings: int = 0
    records_prefiltered: int = 0
    alerts: Counter[str] = field(default_factory=Counter)
    results_truncated: Counter[str] = field(default_factory=Counter)
    records_allowlisted: int = 0
    """Evaluated records a drop-mode allowlist entry removed from at least one rule's events."""
    alerts_suppressed: Counter[str] = field(default_factory=Counter)
    """Per rule id, alerts a suppress-mode allowlist entry moved to the ledger."""
    allowlist_hits: Counter[str] = field(default_factory=Counter)
    """Per allowlist entry id, the events it dropped or the alerts it suppressed."""
    latest_event: datetime | None = None
    """The latest event time among the records evaluated (UTC): what a watermark follows."""

    def saw_event_time(self, text: object) -> None:
        """Note an evaluated record's time (ISO-8601 text; anything else is ignored)."""
        if not isinstance(text, str):
            return
        try:
            seen = datetime.fromisoformat(text)
        except ValueError:
            return
        seen = seen.replace(tzinfo=UTC) if seen.tzinfo is None else seen.astimezone(UTC)
        if self.latest_event is None or seen > self.latest_event:
            self.latest_event = seen

    def merge(self, other: RunCounters) -> None:
        """Add another run's counts (a worker's, for one file) to these."""
        self.files_read += other.files_read
        self.files_rejected += other.files_rejected
        self.files_skipped.update(other.files_skipped)
        self.records_read += other.records_read
        self.records_evaluated += other.records_evaluated
        self.records_rejected.update(other.records_rejected)
        self.records_with_warnings += other.records_with_warnings
        self.records_prefiltered += other.records_prefiltered
        self.alerts.update(other.alerts)
        self.results_truncated.update(other.results_truncated)
        self.records_allowlisted += other.records_allowlisted
        self.alerts_suppressed.update(other.alerts_suppressed)
        self.allowlist_hits.update(other.allowlist_hits)
        if other.latest_event is not None and (
            self.latest_event is None or other.latest_event > self.latest_event
        ):
            self.latest_event = other.latest_event

    def frozen(self) -> RunSummary:
        """The counts as an immutable summary."""
        return RunSummary(
            files_read=self.files_read,
            files_rejected=self.files_rejected,
            files_skipped=dict(sorted(self.files_skipped.items())),
            records_read=self.records_read,
            records_evaluated=self.records_evaluated,
            records_rejected=dict(sorted(self.records_rejected.items())),
            records_with_warnings=self.records_with_warnings,
            records_prefiltered=self.records_prefiltered,
            alerts=dict(sorted(self.alerts.items())),
            results_truncated=dict(sorted(self.results_truncated.items())),
            records_allowlisted=self.records_allowlisted,
            alerts_suppressed=dict(sorted(self.alerts_suppressed.items())),
            allowlist_hits=dict(sorted(self.allowlist_hits.items())),
        )


@dataclass(frozen=True)
class RunSummary:
    """What a run did, for the terminal and for `--stats FILE`."""

    files_read: int
    files_rejected: int
    files_skipped: dict[str, int]
    records_read: int
    records_evaluated: int
    records_rejected: dict[str, int]
    records_with_warnings: int
    records_prefiltered: int
    alerts: dict[str, int]
    results_truncated: dict[str, int] = field(default_factory=dict)
    records_allowlisted: int = 0
    alerts_suppressed: dict[str, int] = field(default_factory=dict)
    allowlist_hits: dict[str, int] = field(default_factory=dict)

    @property
    def total_rejected(self) -> int:
        """Records rejected, all reasons together."""
        return sum(self.records_rejected.values())

    @property
    def had_rejections(self) -> bool:
        """True when any file or record was rejected."""
        return self.files_rejected > 0 or self.total_rejected > 0

    def as_json(self) -> dict[str, Any]:
        """The summary as a JSON-ready mapping."""
        return {
            "files": {
                "read": self.files_read,
                "rejected": self.files_rejected,
                "skipped": self.files_skipped,
            },
            "records": {
                "read": self.records_read,
                "evaluated": self.records_evaluated,
                "rejected": self.total_rejected,
                "rejected_by_reason": self.records_rejected,
                "with_warnings": self.records_with_warnings,
                "dropped_by_prefilter": self.records_prefiltered,
                "dropped_by_allowlist": self.records_allowlisted,
            },
            "alerts": {
                "total": sum(self.alerts.values()),
                "by_rule": self.alerts,
                "results_truncated_by_rule": self.results_truncated,
                "suppressed": sum(self.alerts_suppressed.values()),
                "suppressed_by_rule": self.alerts_suppressed,
            },
            "allowlist": {"by_entry": self.allowlist_hits},
        }
