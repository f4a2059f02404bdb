"""Scanning the store gives exactly the alerts of scanning the files it was fed."""

from __future__ import annotations

from pathlib import Path

import pytest

import trailsweep.rules
from tests.engine.test_prefilter_equivalence import _runnable_rules
from tests.store.conftest import direct, documents
from trailsweep.pipeline import ScanOptions, scan
from trailsweep.rules import bundled_rules, load_rules
from trailsweep.store import EventStore, IngestOptions, scan_store


def test_bundled_rule_same_alerts(sim_day: Path, tmp_path: Path) -> None:
    store = EventStore(tmp_path / "store")
    # Small batches: several commits, so the scan reads parts written with different columns.
    report = store.ingest([sim_day], IngestOptions(batch_rows=6_000))
    assert len(report.batches) > 2
    rules = bundled_rules()
    from_store = scan_store(store.path, rules)
    expected = direct([sim_day], rules)
    assert expected  # the simulated day raises alerts
    assert documents(from_store) == expected
    assert from_store.summary.records_evaluated == report.records_written


def test_elastic_rules_same_alerts(shared_dir: Path, two_days: list[Path], tmp_path: Path) -> None:
    rules = _runnable_rules(shared_dir)
    assert len(rules) > 5
    paths = [*two_days, shared_dir / "fixtures" / "datasets"]
    store = EventStore(tmp_path / "store")
    store.ingest(paths, IngestOptions(batch_rows=2_500))
    from_store = documents(scan_store(store.path, rules))
    expected = direct(paths, rules)
    assert len({doc["kibana.alert.rule.rule_id"] for doc in expected}) > 1
    assert from_store == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_worker_processes_write_the_same_store(
    two_days: list[Path], tmp_path: Path, jobs: int
) -> None:
    store = EventStore(tmp_path / "store")
    store.ingest(two_days, IngestOptions(jobs=jobs))
    rules = bundled_rules()
    assert documents(scan_store(store.path, rules)) == direct(two_days, rules)
    assert len(store.days()) >= 2


def test_many_alerts_and_their_warnings(sim_day: Path, tmp_path: Path) -> None:
    bundled = next(Path(trailsweep.rules.__file__).parent.glob("bundled/*.toml"))
    capped = tmp_path / "capped.toml"
    capped.write_text(bundled.read_text().replace("[rule]\n", "[rule]\nmax_signals = 5\n", 1))
    rules, options = load_rules([capped]), ScanOptions(parameters={"threshold": 0})
    store = EventStore(tmp_path / "store")
    store.ingest([sim_day])
    from_store: list[tuple[str, str]] = []
    direct_messages: list[tuple[str, str]] = []
    store_report = scan_store(
        store.path, rules, options, on_diagnostic=lambda *m: from_store.append(m)
    )
    direct_report = scan(
        [sim_day], rules, options, on_diagnostic=lambda *m: direct_messages.append(m)
    )
    assert len(store_report.alerts) > 5
    assert documents(store_report) == documents(direct_report)
    rule_warnings = [m for m in direct_messages if m[1].startswith("rule ")]
    assert rule_warnings and "max_signals=5" in rule_warnings[0][1]
    assert from_store == rule_warnings
