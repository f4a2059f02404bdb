"""The event.ingested stand-in: delivery stamps in key names, else the file's mtime."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from trailsweep.schedule import delivery_stamp, ingest_time


def test_stamp_from_a_trail_key_name() -> None:
    name = "111122223333_CloudTrail_us-east-1_20260314T1035Z_9nYN7gp2eWAJHIfT.json.gz"
    assert delivery_stamp(name) == datetime(2026, 3, 14, 10, 35, tzinfo=UTC)


def test_stamp_without_underscore_and_with_seconds() -> None:
    # The 2014 documentation example glues the random part on; digests carry seconds.
    assert delivery_stamp("1_CloudTrail_us-east-1_20140620T1255ZHdkvFTXOA3Vnhbc.json.gz") == (
        datetime(2014, 6, 20, 12, 55, tzinfo=UTC)
    )
    assert delivery_stamp("1_CloudTrail-Digest_x_20260314T103512Z.json.gz") == (
        datetime(2026, 3, 14, 10, 35, 12, tzinfo=UTC)
    )


def test_no_stamp_or_impossible_stamp() -> None:
    assert delivery_stamp("records.json") is None
    assert delivery_stamp("1_CloudTrail_us-east-1_20261399T2599Z_x.json.gz") is None


def test_ingest_time_prefers_the_key_then_the_mtime(tmp_path: Path) -> None:
    stamped = tmp_path / "1_CloudTrail_us-east-1_20260314T1035Z_abc.json"
    plain = tmp_path / "export.json"
    for path in (stamped, plain):
        path.write_text("[]")
        os.utime(path, (1_773_484_800, 1_773_484_800))  # 2026-03-14T10:40:00Z
    assert ingest_time(stamped).source == "key"
    assert ingest_time(stamped).at == datetime(2026, 3, 14, 10, 35, tzinfo=UTC)
    assert ingest_time(plain).source == "mtime"
    assert ingest_time(plain).at == datetime(2026, 3, 14, 10, 40, tzinfo=UTC)
