"""The manifest: what a simulated day contains and which alerts the rule must raise on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from trailsweep.simulate.clock import iso_seconds
from trailsweep.simulate.inventory import Trail
from trailsweep.simulate.scenarios import Scenario
from trailsweep.simulate.sweeps import RULE_ID, ExpectedAlert

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1
GENERATOR = "trailsweep.simulate"


@dataclass(frozen=True)
class GeneratorArgs:
    """The arguments a day was generated with; the same arguments give the same bytes."""

    events: int
    seed: int
    day: date
    account_ids: tuple[str, ...]
    regions: tuple[str, ...]
    scenarios: tuple[str, ...]
    late_files: float
    duplicate_every: int

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "events": self.events,
            "seed": self.seed,
            "day": self.day.isoformat(),
            "account_ids": list(self.account_ids),
            "regions": list(self.regions),
            "scenarios": list(self.scenarios),
            "late_files": self.late_files,
            "duplicate_every": self.duplicate_every,
        }


@dataclass(frozen=True)
class TimeRange:
    """Event times and delivery (key) times covered, epoch seconds."""

    first_event: int
    last_event: int
    first_delivery: int
    last_delivery: int


@dataclass(frozen=True)
class Manifest:
    """A generated day: arguments, counts, time range, scenarios and their expected alerts."""

    args: GeneratorArgs
    trail: Trail
    records_written: int
    """Records in all log files, duplicates included."""
    distinct_events: int
    duplicate_records: int
    background_records: int
    scheduled_job_records: int
    scenario_records: int
    files_written: int
    """Log files (digest files not included)."""
    late_files_written: int
    digest_files_written: int
    time_range: TimeRange
    scenarios: tuple[Scenario, ...]
    duplicated_event_ids: tuple[str, ...]

    @property
    def expected_alerts(self) -> tuple[ExpectedAlert, ...]:
        """Every alert the rule must raise on this day, in time order."""
        alerts = [alert for scenario in self.scenarios for alert in scenario.expected_alerts]
        return tuple(sorted(alerts, key=lambda a: (a.window_start, a.user_identity_arn)))

    @property
    def expected_alert_count(self) -> int:
        """How many alerts the rule must raise on this day."""
        return sum(len(scenario.expected_alerts) for scenario in self.scenarios)

    def to_json(self) -> dict[str, Any]:
        """The manifest document."""
        return {
            "format_version": FORMAT_VERSION,
            "generator": GENERATOR,
            "rule_id": RULE_ID,
            "args": self.args.to_json(),
            "trail": {
                "name": self.trail.name,
                "bucket": self.trail.bucket,
                "home_region": self.trail.home_region,
            },
            "records_written": self.records_written,
            "distinct_events": self.distinct_events,
            "duplicate_records": self.duplicate_records,
            "background_records": self.background_records,
            "scheduled_job_records": self.scheduled_job_records,
            "scenario_records": self.scenario_records,
            "files_written": self.files_written,
            "late_files_written": self.late_files_written,
            "digest_files_written": self.digest_files_written,
            "time_range": {
                "first_event": iso_seconds(self.time_range.first_event),
                "last_event": iso_seconds(self.time_range.last_event),
                "first_delivery": iso_seconds(self.time_range.first_delivery),
                "last_delivery": iso_seconds(self.time_range.last_delivery),
            },
            "expected_alert_count": self.expected_alert_count,
            "expected_alerts": [alert.to_json() for alert in self.expected_alerts],
            "scenarios": [_scenario_json(scenario) for scenario in self.scenarios],
            "duplicated_event_ids": sorted(self.duplicated_event_ids),
        }

    def write(self, path: Path) -> None:
        """Write the manifest as indented JSON."""
        path.write_bytes(orjson.dumps(self.to_json(), option=orjson.OPT_INDENT_2) + b"\n")


def _scenario_json(scenario: Scenario) -> dict[str, Any]:
    times = [record.ts for record in scenario.records]
    return {
        "name": scenario.name,
        "label": scenario.label,
        "description": scenario.description,
        "start": iso_seconds(min(times)) if times else None,
        "end": iso_seconds(max(times)) if times else None,
        "record_count": len(scenario.records),
        "expected_alert_count": len(scenario.expected_alerts),
        "expected_alerts": [alert.to_json() for alert in scenario.expected_alerts],
        "event_ids": sorted(record.event_id for record in scenario.records),
        "follow_on_event_ids": list(scenario.follow_on_event_ids),
    }


def read_manifest(path: Path) -> dict[str, Any]:
    """Load a manifest document (as written by `Manifest.write`)."""
    document = orjson.loads(path.read_bytes())
    if not isinstance(document, dict):
        raise ValueError(f"{path}: not a trailsweep manifest")
    return document
