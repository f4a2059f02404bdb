"""The floor: decompress every trail file with isal on all cores, and nothing else.

No reader of `.json.gz` files can beat this; it parses no JSON and finds no alerts (`alerts` is
reported as -1 and never compared).
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from contenders.rule import ContenderResult, gunzip, trail_files


def _decompressed_size(path: Path) -> int:
    return len(gunzip(path))


def run(folder: Path) -> ContenderResult:
    """Decompress every file, one worker per core."""
    with multiprocessing.Pool() as pool:
        total = sum(pool.map(_decompressed_size, trail_files(folder), chunksize=4))
    detail = f"{total / 1e6:.0f} MB of JSON decompressed on {multiprocessing.cpu_count()} cores"
    return ContenderResult(alerts=-1, detail=detail, extra={"json_bytes": total})
