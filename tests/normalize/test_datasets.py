"""Real public CloudTrail (Stratus Red Team, OTRF, Panther): every record normalizes or is
rejected with a reason, never an exception."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from trailsweep.normalize import RecordRejected, flatten_document, normalize_record


def _records(datasets: Path) -> list[tuple[str, Any]]:
    records: list[tuple[str, Any]] = []
    for path in sorted((datasets / "DataDog__stratus-red-team").rglob("*.json")):
        records += [("stratus", record) for record in json.loads(path.read_text("utf-8"))]
    for path in sorted((datasets / "OTRF__Security-Datasets" / "datasets").rglob("*.json")):
        lines = path.read_text("utf-8").splitlines()
        records += [("otrf", json.loads(line)) for line in lines if line.strip()]
    for path in sorted((datasets / "panther-labs__panther-analysis").glob("*.jsonl")):
        lines = path.read_text("utf-8").splitlines()
        records += [("panther", json.loads(line)) for line in lines if line.strip()]
    return records


def test_every_record_normalizes_or_is_rejected_with_a_reason(shared_dir: Path) -> None:
    normalized: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    fallbacks = 0
    for origin, record in _records(shared_dir / "fixtures" / "datasets"):
        try:
            result = normalize_record(record)
        except RecordRejected as exc:
            assert exc.reason.split(":", 1)[0] in {"no eventTime", "unparseable eventTime"}
            rejected[origin] += 1
            continue
        normalized[origin] += 1
        flat = flatten_document(result.document)
        assert flat["@timestamp"].endswith("Z")
        assert flat["data_stream.dataset"] == "aws.cloudtrail"
        fallbacks += "eventTime missing: used @timestamp added by the shipper" in result.warnings
    # Stratus and OTRF are complete records; some Panther rule tests omit or redact eventTime.
    assert rejected["stratus"] == rejected["otrf"] == 0
    assert normalized["stratus"] == 310
    assert normalized["otrf"] == fallbacks == 103
    assert normalized["panther"] > 400
