"""Reading in worker processes gives the same alerts, counts and messages as one process."""

from __future__ import annotations

import gzip
from pathlib import Path

from trailsweep.alerts import alert_document
from trailsweep.pipeline import ScanOptions, scan
from trailsweep.rules import bundled_rules
from trailsweep.simulate import simulate_day


def test_workers_change_nothing(tmp_path: Path, shared_dir: Path) -> None:
    simulate_day(tmp_path / "day", events=20_000, seed=5)
    (tmp_path / "bad.json.gz").write_bytes(gzip.compress(b'{"Records": [')[:20])
    (tmp_path / "bad.jsonl").write_text('{"eventName": "GetBucketAcl", "eventTime": "x"}\n{oops\n')
    paths = [tmp_path, shared_dir / "fixtures" / "datasets"]
    results = []
    for jobs in (1, 2):
        messages: list[tuple[str, str]] = []
        report = scan(
            paths,
            bundled_rules(),
            ScanOptions(jobs=jobs),
            on_diagnostic=lambda level, message, found=messages: found.append((level, message)),
        )
        results.append(([alert_document(a) for a in report.alerts], report.summary, messages))
    (alerts_1, summary_1, messages_1), (alerts_2, summary_2, messages_2) = results
    assert alerts_1 == alerts_2 and len(alerts_1) == 7
    assert summary_1 == summary_2
    assert messages_1 == messages_2 and len(messages_1) > 3
