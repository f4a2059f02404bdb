"""`trailsweep compare` and `trailsweep scan --schedule elastic` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.scenarios.builders import Counter, sweep
from tests.schedule.deliveries import deliver
from trailsweep.cli.main import app

runner = CliRunner()


def _split_and_duplicate(folder: Path) -> None:
    """A burst split across runs 10:05:30/10:10:30, and one an hour later in their overlap."""
    records = sweep(Counter(), 20)
    deliver(folder, records[:10], "1004", "a")
    deliver(folder, records[10:], "1006", "b")
    later = sweep(Counter(100), 18, start=3601.0, source_ip="203.0.113.9")
    deliver(folder, later, "1105", "c")


def test_compare_table_and_json(tmp_path: Path) -> None:
    _split_and_duplicate(tmp_path / "in")
    report = tmp_path / "compare.json"
    result = runner.invoke(app, ["compare", str(tmp_path / "in"), "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "1 missed, 1 duplicate, 0 schedule-only, 0 matched" in result.stdout
    assert "every 5m over now-6m (1m overlap), selecting by event.ingested" in result.stdout
    document = json.loads(report.read_text())
    assert document["counts"] == {"missed": 1, "duplicate": 1, "schedule-only": 0, "matched": 0}
    missed, duplicate = document["alerts"]
    assert missed["status"] == "missed" and missed["runs"] == []
    assert "run 2026-03-14T10:05:30Z saw 10 of 20 events" in missed["reason"]
    assert "run 2026-03-14T10:10:30Z saw 10 of 20 events" in missed["reason"]
    assert missed["group"]["Esql.time_window_date_trunc"] == "2026-03-14T10:00:00.000Z"
    assert len(missed["event_ids"]) == 20
    assert duplicate["status"] == "duplicate"
    assert duplicate["runs"] == ["2026-03-14T11:05:30Z", "2026-03-14T11:10:30Z"]
    assert duplicate["group"]["source.ip"] == "203.0.113.9"
    assert document["rules"][0]["interval_seconds"] == 300
    assert document["rules"][0]["lookback_seconds"] == 360


def test_compare_fail_on_difference_and_overrides(tmp_path: Path) -> None:
    _split_and_duplicate(tmp_path)
    failing = runner.invoke(app, ["compare", str(tmp_path), "--fail-on-difference", "-q"])
    assert failing.exit_code == 1, failing.output
    # A 10-minute look-back every 10 minutes: one run holds the whole split burst.
    report = tmp_path.parent / "wide.json"
    args = ["compare", str(tmp_path), "--interval", "10m", "--lookback", "now-10m"]
    result = runner.invoke(app, [*args, "--json", str(report), "-q"])
    assert result.exit_code == 0, result.output
    counts = json.loads(report.read_text())["counts"]
    assert counts == {"missed": 0, "duplicate": 0, "schedule-only": 0, "matched": 2}


def test_scan_on_elastic_schedule_prints_each_runs_alerts(tmp_path: Path) -> None:
    _split_and_duplicate(tmp_path)
    result = runner.invoke(app, ["scan", str(tmp_path), "--schedule", "elastic", "-f", "ndjson"])
    assert result.exit_code == 0, result.output
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["trailsweep.schedule.run"] for d in documents] == [
        "2026-03-14T11:05:30Z",
        "2026-03-14T11:10:30Z",
    ]
    assert documents[0]["trailsweep.schedule.range"] == {
        "gte": "2026-03-14T10:59:30Z",
        "lte": "2026-03-14T11:05:30Z",
        "field": "event.ingested",
    }
    assert documents[0]["kibana.alert.uuid"] == documents[1]["kibana.alert.uuid"]
    run_ids = {d["trailsweep.schedule.run_alert_id"] for d in documents}
    assert len(run_ids) == 2
    assert "alerts: 2" in result.stderr


def test_scan_on_elastic_schedule_as_a_table(tmp_path: Path) -> None:
    _split_and_duplicate(tmp_path)
    args = ["scan", str(tmp_path), "--schedule", "elastic", "-f", "table", "-q"]
    result = runner.invoke(app, [*args, "--first-run", "2026-03-14T11:05:00Z"])
    assert result.exit_code == 0, result.output
    # Runs on the minute: 10:10:00 searches [10:04, 10:10] and holds the whole first burst.
    assert "3 alert(s)" in result.stdout
    for run in ("10:10:00Z", "11:05:00Z", "11:10:00Z"):
        assert f"2026-03-14T{run}" in result.stdout


def test_schedule_usage_errors(tmp_path: Path) -> None:
    _split_and_duplicate(tmp_path)
    bad = runner.invoke(app, ["scan", str(tmp_path), "--schedule", "kibana"])
    assert bad.exit_code == 2 and "--schedule must be elastic" in bad.stderr
    bad = runner.invoke(app, ["scan", str(tmp_path), "--schedule", "elastic", "-f", "ocsf"])
    assert bad.exit_code == 2 and "table or ndjson" in bad.stderr
    bad = runner.invoke(app, ["compare", str(tmp_path), "--interval", "often"])
    assert bad.exit_code == 2 and "--interval" in bad.stderr


def test_compare_on_a_simulated_day_with_late_files(tmp_path: Path) -> None:
    day = tmp_path / "day"
    made = runner.invoke(app, ["simulate", str(day), "--late-files", "0.05"])
    assert made.exit_code == 0, made.output
    manifest = json.loads((day / "manifest.json").read_text())
    assert manifest["args"]["late_files"] == 0.05 and manifest["late_files_written"] > 0
    report = tmp_path / "compare.json"
    result = runner.invoke(app, ["compare", str(day), "--json", str(report), "-q"])
    assert result.exit_code == 0, result.output
    document = json.loads(report.read_text())
    counts = document["counts"]
    assert sum(counts.values()) == manifest["expected_alert_count"]
    assert counts["schedule-only"] == 0
    missed = [a for a in document["alerts"] if a["status"] == "missed"]
    duplicates = [a for a in document["alerts"] if a["status"] == "duplicate"]
    assert missed and duplicates
    assert all(a["reason"].startswith("window split across runs: run ") for a in missed)
    assert all(len(a["runs"]) == 2 for a in duplicates)
    expected = {
        (e["aws.cloudtrail.user_identity.arn"], e["Esql.time_window_date_trunc"])
        for e in manifest["expected_alerts"]
    }
    compared = {
        (a["group"]["aws.cloudtrail.user_identity.arn"], a["group"]["Esql.time_window_date_trunc"])
        for a in document["alerts"]
    }
    assert compared == expected


def test_simulate_rejects_a_late_fraction_above_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(tmp_path), "--late-files", "2"])
    assert result.exit_code == 2 and "--late-files" in result.stderr
