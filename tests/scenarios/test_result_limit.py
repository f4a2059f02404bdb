"""ES|QL's implicit result limit is applied as Elastic applies it, and never silently."""

from __future__ import annotations

from pathlib import Path

from tests.scenarios.builders import FORMAT_WRITERS, Counter, posture_record
from trailsweep.pipeline import ScanOptions, scan
from trailsweep.rules import bundled_rules


def test_more_than_1000_rows_are_cut_to_1000_with_a_warning(tmp_path: Path) -> None:
    ids = Counter()
    records = [posture_record(ids, f"b{i}", second=10.0 * i) for i in range(1002)]
    FORMAT_WRITERS["ndjson"](records, tmp_path)
    warnings: list[str] = []
    report = scan(
        [tmp_path],
        bundled_rules(),
        ScanOptions(parameters={"threshold": 0}),
        on_diagnostic=lambda level, message: (
            warnings.append(message) if level == "warning" else None
        ),
    )
    assert len(report.alerts) == 1000
    assert report.summary.results_truncated == {"a7577205-88a1-4a08-85d4-7b72a9a2e969": 1}
    assert any("more than 1000 result rows" in w for w in warnings)


def test_exactly_1000_rows_are_not_reported(tmp_path: Path) -> None:
    ids = Counter()
    records = [posture_record(ids, f"b{i}", second=10.0 * i) for i in range(1000)]
    FORMAT_WRITERS["ndjson"](records, tmp_path)
    report = scan([tmp_path], bundled_rules(), ScanOptions(parameters={"threshold": 0}))
    assert len(report.alerts) == 1000 and report.summary.results_truncated == {}
