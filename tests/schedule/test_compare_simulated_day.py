"""`trailsweep compare` on a simulated day with late files: Elastic's schedule misses a burst
whose window its runs split, and raises a duplicate from its overlapping look-back."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from trailsweep.cli.main import app
from trailsweep.simulate import DeliveryOptions, simulate_day


def test_compare_finds_a_split_window_and_an_overlap_duplicate(tmp_path: Path) -> None:
    day = tmp_path / "day"
    manifest = simulate_day(day, events=20_000, seed=7, delivery=DeliveryOptions(late_files=0.1))
    assert manifest.late_files_written > 0
    report = tmp_path / "compare.json"
    result = CliRunner().invoke(app, ["compare", str(day), "--json", str(report), "-q"])
    assert result.exit_code == 0, result.output
    comparison = orjson.loads(report.read_bytes())
    by_status: dict[str, list[dict[str, object]]] = {}
    for entry in comparison["alerts"]:
        by_status.setdefault(str(entry["status"]), []).append(entry)
    assert len(comparison["alerts"]) == manifest.expected_alert_count
    missed = by_status["missed"]
    assert any(str(e["reason"]).startswith("window split across runs") for e in missed)
    duplicates = by_status["duplicate"]
    assert any("overlap by 1m" in str(e["reason"]) for e in duplicates)
    assert "missed" in result.stdout and "duplicate" in result.stdout
