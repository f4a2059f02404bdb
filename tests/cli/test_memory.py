"""The DuckDB commands keep pandas out of the process (pyarrow would load it for nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.scenarios.builders import Counter, sweep
from tests.schedule.deliveries import deliver

PROBE = """
import sys
from typer.testing import CliRunner
from trailsweep.cli.main import app
result = CliRunner().invoke(app, sys.argv[1:])
blocked = any(type(finder).__name__ == "_Unavailable" for finder in sys.meta_path)
print(result.exit_code, "pandas" in sys.modules, blocked)
"""


def _probe(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def test_a_duckdb_scan_never_loads_pandas(tmp_path: Path) -> None:
    deliver(tmp_path, sweep(Counter(), 17), "1005", "a")
    assert _probe("scan", str(tmp_path), "-q", "--format", "ndjson") == "0 False True"


def test_without_a_scan_pandas_is_untouched(tmp_path: Path) -> None:
    # (--help runs no engine: nothing is decided about pandas)
    assert _probe("scan", "--help") == "0 False False"
