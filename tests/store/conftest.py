"""Fixtures for the event store tests: simulated days and hand-built records over several days."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from trailsweep.alerts import alert_document
from trailsweep.pipeline import ScanOptions, ScanReport, scan
from trailsweep.rules import Rule
from trailsweep.simulate import simulate_day


@pytest.fixture(scope="session")
def sim_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated day (with alerting scenarios) of about 20,000 records."""
    folder = tmp_path_factory.mktemp("sim-day")
    simulate_day(folder, events=20_000, seed=5)
    return folder


@pytest.fixture(scope="session")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two small simulated days (14 and 15 March), so that batches hold several days."""
    root = tmp_path_factory.mktemp("two-days")
    folders = []
    for offset, seed in ((14, 21), (15, 22)):
        folder = root / f"day-{offset}"
        simulate_day(folder, events=3_000, seed=seed, day=date(2026, 3, offset))
        folders.append(folder)
    return folders


def documents(report: ScanReport) -> list[dict[str, Any]]:
    """The alert documents of a scan, as `--format ndjson` writes them."""
    return [alert_document(alert) for alert in report.alerts]


def direct(paths: Sequence[Path], rules: Sequence[Rule]) -> list[dict[str, Any]]:
    """The alert documents of scanning the files directly."""
    return documents(scan(list(paths), rules, ScanOptions()))


def write_records(path: Path, records: Sequence[dict[str, Any]], *, gzipped: bool = True) -> Path:
    """One CloudTrail delivery file holding the records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"Records": list(records)}).encode()
    path.write_bytes(gzip.compress(payload, mtime=0) if gzipped else payload)
    return path
