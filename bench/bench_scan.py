"""Throughput benchmark: `trailsweep scan` against its floor and two baselines, in one run.

Simulates N events (default 1M) once, then times, each in its own process (so peak RSS is its
own): the floor (decompressing the same files with isal on all cores), `trailsweep scan`, a
hand-written DuckDB `read_json` query doing the rule's aggregation, and a plain `json.loads` loop.
Prints events/s, the ratio of scan to each, and peak RSS. Numbers are ratios measured in the same
run on the same machine; no absolute target is asserted here.

    python bench/bench_scan.py [--events 1000000] [--workdir bench/out] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


@dataclass(frozen=True)
class Measurement:
    """One timed contender: wall seconds, peak RSS of its process, and what it printed."""

    name: str
    seconds: float
    peak_rss_mb: float
    output: str


def run_measured(name: str, argv: list[str]) -> Measurement:
    """Run a command in a child process; wall time and the child's own peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stdout = process.stdout.read().decode() if process.stdout else ""
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"{name} failed ({status}):\n{stderr}")
    return Measurement(name, seconds, usage.ru_maxrss / 1024, stdout.strip() or stderr.strip())


def simulate(workdir: Path, events: int, seed: int) -> tuple[Path, int]:
    """Simulate once per (events, seed); reuse an existing simulation."""
    target = workdir / f"day-{events}-{seed}"
    manifest = target / "manifest.json"
    if not manifest.exists():
        subprocess.run(
            [
                PYTHON,
                "-m",
                "trailsweep",
                "simulate",
                str(target),
                "--events",
                str(events),
                "--seed",
                str(seed),
            ],
            check=True,
        )
    records = json.loads(manifest.read_text())["records_written"]
    return target, int(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    args = parser.parse_args()
    folder, records = simulate(args.workdir, args.events, args.seed)
    baselines = HERE / "baselines.py"
    contenders = [
        run_measured("isal floor (all cores)", [PYTHON, str(baselines), "floor", str(folder)]),
        run_measured(
            "trailsweep scan",
            [
                PYTHON,
                "-m",
                "trailsweep",
                "scan",
                str(folder),
                "--format",
                "ndjson",
                "--quiet",
                "-o",
                os.devnull,
            ],
        ),
        run_measured("duckdb read_json", [PYTHON, str(baselines), "duckdb", str(folder)]),
        run_measured("plain json.loads", [PYTHON, str(baselines), "plain", str(folder)]),
    ]
    scan = contenders[1]
    print(f"\n{records:,} records in {folder}  (cores: {os.cpu_count()})\n")
    print(f"{'contender':<26}{'seconds':>9}{'events/s':>13}{'peak RSS MB':>13}{'scan speed x':>14}")
    for item in contenders:
        rate = records / item.seconds
        ratio = item.seconds / scan.seconds
        print(
            f"{item.name:<26}{item.seconds:>9.2f}{rate:>13,.0f}{item.peak_rss_mb:>13.0f}{ratio:>14.2f}"
        )
    print("\n'scan speed x' = contender seconds / scan seconds (above 1: scan is faster).")
    for item in contenders:
        if item.name != "trailsweep scan":
            print(f"  {item.name}: {item.output[:200]}")


if __name__ == "__main__":
    main()
