"""Real public CloudTrail (all negatives for the seed rule) scans cleanly and raises nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules

DATASETS = [
    "DataDog__stratus-red-team",
    "OTRF__Security-Datasets",
    "panther-labs__panther-analysis",
]
# The only rejections allowed: records that cannot be placed in time. Panther's rule tests hold
# hand-trimmed events without eventTime, or with "redacted" / "..." in its place.
EXPLAINED = {"no eventTime", "unparseable eventTime"}
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


@pytest.mark.parametrize("dataset", DATASETS)
def test_dataset_scans_without_unexplained_rejection_or_alert(
    shared_dir: Path, dataset: str
) -> None:
    diagnostics: list[tuple[str, str]] = []
    report = scan(
        [shared_dir / "fixtures" / "datasets" / dataset],
        bundled_rules(),
        on_diagnostic=lambda level, message: diagnostics.append((level, message)),
    )
    summary = report.summary
    assert summary.records_read > 0
    assert summary.files_rejected == 0
    assert set(summary.records_rejected) <= EXPLAINED
    assert summary.records_evaluated + summary.total_rejected == summary.records_read
    assert report.alerts == ()
    for level, message in diagnostics:
        if level != "error":
            continue
        # Check each rejection against the file itself: the record really has no usable time.
        path, line = re.match(r"^(.*):(\d+): ", message).groups()  # type: ignore[union-attr]
        record = json.loads(Path(path).read_text(encoding="utf-8").splitlines()[int(line) - 1])
        assert not _ISO.match(str(record.get("eventTime", ""))), message


def test_logstash_shipped_records_use_their_timestamp(shared_dir: Path) -> None:
    folder = shared_dir / "fixtures" / "datasets" / "OTRF__Security-Datasets"
    summary = scan([folder], bundled_rules()).summary
    assert summary.total_rejected == 0 and summary.records_evaluated == 103
