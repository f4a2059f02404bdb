"""The package's public surface: what `import trailsweep` offers is pinned."""

from __future__ import annotations

from pathlib import Path

import trailsweep


def test_public_api_is_pinned() -> None:
    assert sorted(trailsweep.__all__) == sorted(
        [
            "Alert",
            "EngineError",
            "EngineOptions",
            "EsqlError",
            "EsqlSyntaxError",
            "EsqlUnsupportedError",
            "EventStore",
            "InputError",
            "NormalizeOptions",
            "Rule",
            "RuleError",
            "ScanOptions",
            "ScanReport",
            "TrailsweepError",
            "__version__",
            "alert_document",
            "bundled_rules",
            "load_rules",
            "normalize_record",
            "open_geoip",
            "scan",
            "scan_store",
            "simulate_day",
        ]
    )
    for name in trailsweep.__all__:
        assert getattr(trailsweep, name) is not None


def test_the_library_runs_a_scan_without_the_cli(tmp_path: Path) -> None:
    trailsweep.simulate_day(tmp_path, events=3000, seed=11)
    report = trailsweep.scan([tmp_path], trailsweep.bundled_rules())
    assert len(report.alerts) == 7
    document = trailsweep.alert_document(report.alerts[0])
    assert document["kibana.alert.rule.rule_id"] == "a7577205-88a1-4a08-85d4-7b72a9a2e969"


def test_py_typed_marker_ships() -> None:
    assert (Path(trailsweep.__file__).parent / "py.typed").is_file()
