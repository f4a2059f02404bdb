"""The DuckDB commands keep pandas out of the process (pyarrow would load it for nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.scenarios.builders import Counter, sweep
from tests.schedule.deliveries import deliver

PROBE = """
import sys
from trailsweep.cli.main import main
sys.argv = ["trailsweep", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
blocked = any(type(finder).__name__ == "_Unavailable" for finder in sys.meta_path)
print(code, "pandas" in sys.modules, blocked)
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


def test_a_scan_run_as_a_library_leaves_pandas_alone(tmp_path: Path) -> None:
    deliver(tmp_path, sweep(Counter(), 17), "1005", "a")
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom trailsweep.cli.main import app\n"
        "result = CliRunner().invoke(app, sys.argv[1:])\n"
        "print(result.exit_code, any(type(f).__name__ == '_Unavailable' for f in sys.meta_path))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "scan", str(tmp_path), "-q", "--format", "ndjson"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "0 False"
