"""Hand-built CloudTrail delivery files with chosen delivery stamps, for schedule tests."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.scenarios.builders import ACCOUNT


def deliver(folder: Path, records: Sequence[dict[str, Any]], stamp: str, tag: str) -> Path:
    """Write `records` as one trail file whose key names delivery minute `stamp` (`1004`, or a
    full `20260314T1004Z`); `tag` keeps the random part of the key distinct."""
    full = stamp if "T" in stamp else f"20260314T{stamp}Z"
    day = full[:8]
    name = f"{ACCOUNT}_CloudTrail_us-east-1_{full}_{tag:x<16}.json.gz"
    path = folder / f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/{day[:4]}/{day[4:6]}/{day[6:]}/{name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(json.dumps({"Records": list(records)}).encode()))
    return path
