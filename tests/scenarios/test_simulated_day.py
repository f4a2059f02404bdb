"""The simulator's manifest and `trailsweep scan` agree on every injected scenario."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules
from trailsweep.simulate import simulate_day


@pytest.fixture(scope="module")
def simulated_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("day")
    simulate_day(folder, events=20_000, seed=7)
    return folder, json.loads((folder / "manifest.json").read_text())


def _key(alert: dict[str, Any]) -> tuple[Any, ...]:
    return (
        alert["aws.cloudtrail.user_identity.arn"],
        alert["source.ip"],
        alert["Esql.time_window_date_trunc"],
    )


def test_scan_raises_exactly_the_manifests_alerts(
    simulated_day: tuple[Path, dict[str, Any]],
) -> None:
    folder, manifest = simulated_day
    report = scan([folder], bundled_rules())
    expected = {
        _key(alert): alert
        for scenario in manifest["scenarios"]
        for alert in scenario["expected_alerts"]
    }
    found = {_key(dict(alert.values)): alert for alert in report.alerts}
    assert sorted(found) == sorted(expected)
    for key, alert in found.items():
        assert (
            alert.values["Esql.bucket_arn_count_distinct"]
            == expected[key]["Esql.bucket_arn_count_distinct"]
        )
        assert list(alert.event_ids) == sorted(expected[key]["event_ids"])


def test_every_scenario_is_accounted_for(simulated_day: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = simulated_day
    report = scan([folder], bundled_rules())
    keys = {_key(dict(alert.values)) for alert in report.alerts}
    for scenario in manifest["scenarios"]:
        mine = {_key(alert) for alert in scenario["expected_alerts"]}
        assert len(mine) == scenario["expected_alert_count"], scenario["name"]
        assert mine <= keys, scenario["name"]


def test_run_summary_of_the_day(simulated_day: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = simulated_day
    summary = scan([folder], bundled_rules()).summary
    assert summary.records_read == manifest["records_written"]
    assert summary.records_evaluated == summary.records_read
    assert not summary.had_rejections
    assert (
        summary.files_skipped.get("CloudTrail digest file", 0) == manifest["digest_files_written"]
    )
