"""`tune`: fan-out per window from files and from the store, with the rule's own semantics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.scenarios.builders import USER_ARN, Counter, posture_record, sweep
from trailsweep.cli.main import app
from trailsweep.pipeline import ScanOptions, scan
from trailsweep.rules import bundled_rules
from trailsweep.simulate import simulate_day
from trailsweep.store import EventStore
from trailsweep.tune import (
    distribution,
    percentile,
    top_entities,
    tune_files,
    tune_json,
    tune_store,
)

runner = CliRunner()
RULE = bundled_rules()[0]


def _hand_built(folder: Path) -> Path:
    """A: 17 buckets at 10:00:01-10:00:05 from 198.51.100.7. B: 8 buckets at :08-:09 and 8 more
    at :10-:11 from 203.0.113.5, straddling the 10-second edge."""
    ids = Counter()
    records: list[dict[str, Any]] = sweep(ids, 17)
    records += [
        posture_record(ids, f"edge-{i:02d}", second=8 + i * 0.25 if i < 8 else 10 + (i - 8) * 0.25,
                       source_ip="203.0.113.5")
        for i in range(16)
    ]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "events.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def test_exact_fanout_on_a_hand_built_burst(tmp_path: Path) -> None:
    report = tune_files([_hand_built(tmp_path)], RULE)
    assert [w.seconds for w in report.windows] == [5, 10, 15, 20, 30, 60]
    assert sorted(report.window(5).counts) == [1, 8, 8, 16]
    assert sorted(report.window(10).counts) == [8, 8, 17]
    assert sorted(report.window(20).counts) == [16, 17]
    assert report.window(10).peaks == {
        (USER_ARN, "198.51.100.7"): 17,
        (USER_ARN, "203.0.113.5"): 8,
    }
    counts = report.alert_counts()
    assert counts[15] == {5: 1, 10: 1, 15: 2, 20: 2, 30: 2, 60: 2}
    assert counts[5] == {5: 3, 10: 3, 15: 2, 20: 2, 30: 2, 60: 2}
    assert counts[20] == {5: 0, 10: 0, 15: 0, 20: 0, 30: 0, 60: 0}
    assert (report.default_threshold, report.default_window) == (15, 10)
    assert distribution(report.window(10)) == {
        "entities": 2,
        "p50": 8,
        "p90": 17,
        "p95": 17,
        "p99": 17,
        "max": 17,
    }
    assert top_entities(report.window(10))[0] == {
        "principal": USER_ARN,
        "source_ip": "198.51.100.7",
        "peak": 17,
    }
    assert report.summary.records_read == 33


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 50) == 0
    assert percentile([4], 99) == 4
    assert [percentile(list(range(1, 101)), r) for r in (50, 90, 95, 99)] == [50, 90, 95, 99]


def test_store_and_files_agree(tmp_path: Path) -> None:
    folder = _hand_built(tmp_path / "logs")
    EventStore(tmp_path / "store").ingest([folder])
    from_files = tune_files([folder], RULE)
    from_store = tune_store(tmp_path / "store", RULE)
    assert from_store.alert_counts() == from_files.alert_counts()
    for files_window, store_window in zip(from_files.windows, from_store.windows, strict=True):
        assert sorted(store_window.counts) == sorted(files_window.counts)
        assert store_window.peaks == files_window.peaks


@pytest.fixture(scope="module")
def simulated_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("day")
    simulate_day(folder, events=20_000, seed=7)
    return folder


def test_tune_counts_what_scan_raises_on_a_simulated_day(simulated_day: Path) -> None:
    report = tune_files([simulated_day], RULE)
    manifest = json.loads((simulated_day / "manifest.json").read_text())
    raised = scan([simulated_day], [RULE]).alerts
    assert report.window(10).alerts_above(15) == len(raised) == manifest["expected_alert_count"]
    for threshold, seconds in ((5, 30), (25, 5)):
        options = ScanOptions(parameters={"threshold": threshold, "window": f"{seconds} seconds"})
        expected = len(scan([simulated_day], [RULE], options).alerts)
        assert report.window(seconds).alerts_above(threshold) == expected


def test_json_report(tmp_path: Path) -> None:
    document = tune_json(tune_files([_hand_built(tmp_path)], RULE))
    assert document["rule"]["rule_id"] == RULE.rule_id
    assert document["defaults"] == {"threshold": 15, "window_seconds": 10}
    assert document["windows_seconds"] == [5, 10, 15, 20, 30, 60]
    assert document["thresholds"] == [5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
    assert document["alerts"]["15"] == {"5": 1, "10": 1, "15": 2, "20": 2, "30": 2, "60": 2}
    assert document["peak_fanout"]["10"]["max"] == 17
    assert document["peak_fanout"]["10"]["groups"] == 3


def test_tune_command(tmp_path: Path) -> None:
    folder = _hand_built(tmp_path / "logs")
    out = tmp_path / "tune.json"
    result = runner.invoke(app, ["tune", str(folder), "--json", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "Peak distinct buckets per principal and IP" in result.stdout
    assert json.loads(out.read_text())["alerts"]["15"]["20"] == 2
    assert runner.invoke(app, ["tune"]).exit_code == 2
    EventStore(tmp_path / "store").ingest([folder])
    stored = runner.invoke(app, ["tune", "--store", str(tmp_path / "store"), "-q"])
    assert stored.exit_code == 0 and stored.stdout == result.stdout
