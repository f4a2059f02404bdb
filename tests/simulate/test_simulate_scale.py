"""Scale: 200 000 records in a few seconds, memory bounded by one delivery file."""

from __future__ import annotations

import time
from pathlib import Path

from trailsweep.simulate import simulate_day


def test_two_hundred_thousand_records(tmp_path: Path) -> None:
    started = time.perf_counter()
    manifest = simulate_day(tmp_path, events=200_000, seed=5)
    seconds = time.perf_counter() - started
    rate = manifest.records_written / seconds
    print(
        f"\nsimulate_day: {manifest.records_written} records, {manifest.files_written} files "
        f"in {seconds:.2f} s = {rate:,.0f} records/s"
    )
    assert abs(manifest.records_written - 200_000) <= 2_000
    assert 1_700 <= manifest.files_written <= 1_800
    assert abs(manifest.duplicate_records - manifest.distinct_events // 4_000) <= 2
    assert manifest.expected_alert_count == 7
