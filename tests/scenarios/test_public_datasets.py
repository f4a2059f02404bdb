"""Real public CloudTrail (all negatives for the seed rule) scans cleanly and raises nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules

DATASETS = ["DataDog__stratus-red-team", "OTRF__Security-Datasets", "panther-labs__panther-analysis"]


@pytest.mark.parametrize("dataset", DATASETS)
def test_dataset_scans_without_rejection_or_alert(shared_dir: Path, dataset: str) -> None:
    diagnostics: list[tuple[str, str]] = []
    report = scan(
        [shared_dir / "fixtures" / "datasets" / dataset],
        bundled_rules(),
        on_diagnostic=lambda level, message: diagnostics.append((level, message)),
    )
    summary = report.summary
    errors = [message for level, message in diagnostics if level == "error"]
    assert errors == []
    assert summary.records_read > 0
    assert summary.records_evaluated == summary.records_read
    assert report.alerts == ()
