"""Where and on what the bench ran: the machine's load (it is shared), versions, the commit."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("trailsweep", "duckdb", "polars", "pandas", "pyarrow", "pyspark", "isal", "orjson")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    """Read-only git queries (the commit measured and whether `src` had local changes)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _java() -> str | None:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    lines = done.stderr.strip().splitlines()
    return lines[0] if lines else None


def snapshot(full: bool = True) -> dict[str, object]:
    """The time and load average; with `full`, versions, cores, memory and the commit too."""
    found: dict[str, object] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "loadavg": tuple(round(x, 2) for x in os.getloadavg()),
    }
    if full:
        changed = _git("status", "--porcelain", "--", "src")
        found |= {
            "cpu_count": os.cpu_count(),
            "memory_gib": round(
                os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
            ),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "java": _java(),
            "packages": {name: _version(name) for name in PACKAGES},
            "commit": _git("rev-parse", "HEAD"),
            "src_changed_files": changed.splitlines() if changed else [],
        }
    return found
