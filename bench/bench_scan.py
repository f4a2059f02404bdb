"""Throughput and memory benchmark of trailsweep against its floor and other engines, in one run.

Simulates a day of CloudTrail once (cached under `--workdir`), then times each contender in its
own child process (wall time; CPU time; peak RSS of its largest process from `wait4`; the
sampled RSS and PSS of all its processes summed: see `harness.measure`), each doing the bundled
rule's real work and printing its alert count, which is checked against `trailsweep scan`'s
(a mismatch prints a WARNING line):

- raw `.json.gz` files: the isal decompression floor (all cores), `trailsweep scan` (CLI,
  default jobs: all cores), DuckDB `read_json` in several modes (the fastest is kept and named),
  Polars, a pandas script, a plain `json.loads` loop (one core);
- peak RSS of `trailsweep scan` at the `--rss-sizes` (each day simulated once and cached);
- the event store: `trailsweep ingest` (once; cached with the store), `trailsweep store-scan`
  (CLI) and `scan_store` in process (first call and warm), against DuckDB's plain
  `read_parquet` of the store's files with the rule in SQL;
- Spark `local[*]` on the store: `trailsweep store-scan --engine spark` when the CLI has it, else
  a hand-written PySpark job (labelled so), against the DuckDB rows above.

Every contender runs `--repeat` times (rounds interleave the contenders, so a burst of load on a
shared machine hits one run, not all of one contender) and the best time is kept; DuckDB's modes
all run in the first round, then only the fastest. Ratios are the contender's seconds over
trailsweep's for the same job (above 1: trailsweep is faster), by wall time and by CPU time (the
latter suffers less from a busy shared machine); issue 4's targets are printed next to them,
never asserted.

    python bench/bench_scan.py                      # 2M events, RSS at 1M and 4M, everything
    python bench/bench_scan.py --events 1000000 --rss-sizes '' --skip pandas,plain
    python bench/bench_scan.py --only scan,rss      # re-time trailsweep alone (cached days)
    python bench/bench_scan.py --pandas-events 500000   # pandas on a smaller day, time scaled
    python bench/bench_scan.py --json bench/out/results.json
    python bench/bench_scan.py --report bench/out/results.json   # print a saved run again

Options: `--events N` (default 2,000,000), `--seed`, `--workdir` (default bench/out, git-ignored),
`--rss-sizes 1000000,4000000`, `--repeat 2`, `--skip`/`--only` (floor, scan, duckdb, polars,
pandas, plain, store, spark, rss), `--duckdb-modes` (auto, auto-ndjson, columns,
columns-ndjson), `--pandas-events N`, `--spark auto|cli|handwritten|both`, `--reingest` (build the
store again and re-time the ingest), `--timeout` (seconds per child), `--json FILE`,
`--report FILE`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness import datasets, environment, plan, report
from harness.measure import run_child
from harness.results import Contender, Measurement, Outcome, measurements, outcome

HERE = Path(__file__).resolve().parent


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def _keys(text: str | None) -> set[str]:
    keys = {part.strip() for part in (text or "").split(",") if part.strip()}
    unknown = keys - set(plan.GROUPS)
    if unknown:
        raise SystemExit(f"unknown contender(s) {sorted(unknown)}; known: {', '.join(plan.GROUPS)}")
    return keys


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument("--rss-sizes", default="1000000,4000000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip", help="comma-separated contenders not to run")
    parser.add_argument("--only", help="comma-separated contenders to run, and no others")
    parser.add_argument("--duckdb-modes", default=",".join(plan.DUCKDB_MODES))
    parser.add_argument("--pandas-events", type=int, help="run pandas on a day of this size")
    parser.add_argument("--spark", choices=("auto", "cli", "handwritten", "both"), default="auto")
    parser.add_argument("--reingest", action="store_true")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--json", type=Path, help="write every measurement to this file")
    parser.add_argument("--report", type=Path, help="print the tables of a saved --json file")
    return parser.parse_args()


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _run(contender: Contender, timeout: float, label: str) -> Outcome:
    if contender.stats is not None:
        contender.stats.unlink(missing_ok=True)
    result = outcome(contender, run_child(contender.argv, timeout))
    run = result.run
    shown = f"{result.alerts} alerts" if result.error is None else f"FAILED: {result.error}"
    _log(
        f"[{label}] {contender.name}: {run.seconds:.2f}s, cpu {run.cpu_seconds:.1f}s, "
        f"RSS max {run.peak_rss_mb:.0f} MB, sum {run.tree_rss_mb:.0f} MB, PSS sum "
        f"{run.tree_pss_mb:.0f} MB, load {run.load_before:.1f}"
        f"; {shown}"
    )
    return result


def _ingest(
    store: Path, record: Path, day: datasets.Dataset, args: argparse.Namespace
) -> dict[str, object]:
    """Build the store (timing the ingest) unless a complete one is cached."""
    if args.reingest:
        datasets.discard_store(store, record)
    cached = datasets.cached_ingest(store, record)
    if cached is not None:
        _log(f"reusing {store} (ingest measured {cached.get('measured_at')})")
        return cached
    datasets.discard_store(store, record)
    stats = args.workdir / "stats" / f"ingest-{day.events}.json"
    argv = plan.trailsweep("ingest", str(day.folder), "--store", str(store), stats=stats)
    contender = Contender(
        "ingest",
        "trailsweep ingest (CLI)",
        "store",
        argv,
        day.records,
        str(day.folder),
        stats,
        finds_alerts=False,
    )
    row = measurements(contender, [_run(contender, args.timeout, "ingest")])[0]
    if row.seconds is None:
        raise SystemExit(f"ingest into {store} failed: {'; '.join(row.errors)}")
    document = row.as_json() | {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    record.write_text(json.dumps(document, indent=2, default=str))
    return document


def main() -> None:
    args = _arguments()
    if args.report:
        _report(args.report)
        return
    skip, only = _keys(args.skip), _keys(args.only)
    wanted = [g for g in plan.GROUPS if (not only or g in only) and g not in skip]
    (args.workdir / "stats").mkdir(parents=True, exist_ok=True)
    stats_dir = args.workdir / "stats"
    started = environment.snapshot()
    main_day = datasets.simulated(args.workdir, args.events, args.seed)
    contenders = []
    file_groups = ("floor", "scan", "minimal", "duckdb", "polars", "pandas", "plain")
    if any(g in wanted for g in file_groups):
        pandas_day = (
            datasets.simulated(args.workdir, args.pandas_events, args.seed)
            if args.pandas_events and "pandas" in wanted
            else None
        )
        modes = [m for m in args.duckdb_modes.split(",") if m]
        for contender in plan.file_contenders(main_day, stats_dir, modes, pandas_day):
            if plan.group(contender.key) in wanted:
                contenders.append(contender)
        if pandas_day is not None and pandas_day.records != main_day.records:
            contenders.append(
                plan.scan(
                    pandas_day,
                    stats_dir,
                    "scan-reference",
                    "trailsweep scan (pandas sample, alerts only)",
                    "reference",
                )
            )
    ingest_row: dict[str, object] | None = None
    if "store" in wanted or "spark" in wanted:
        store, record = datasets.store_paths(args.workdir, main_day, args.seed)
        ingest_row = _ingest(store, record, main_day, args)
        if "store" in wanted:
            contenders += plan.store_contenders(store, main_day, stats_dir)
        if "spark" in wanted:
            contenders += plan.spark_contenders(store, main_day, stats_dir, args.spark)
    if "rss" in wanted:
        for size in _sizes(args.rss_sizes):
            if size != args.events:
                day = datasets.simulated(args.workdir, size, args.seed)
                contenders.append(
                    plan.scan(
                        day, stats_dir, "rss", f"trailsweep scan, {day.records:,} events", "rss"
                    )
                )
    outcomes = _rounds(contenders, args)
    rows = [row for c in contenders for row in measurements(c, outcomes[id(c)])]
    rows = _name_fastest_duckdb(rows)
    if ingest_row is not None:
        rows.insert(0, _ingest_row(ingest_row))
    run = report.Run(
        rows=rows,
        folder=str(main_day.folder),
        records=main_day.records,
        expected_alerts=main_day.expected_alerts,
        repeat=args.repeat,
        start=started,
        end=environment.snapshot(full=False),
    )
    config = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    saved = report.document(run, config)
    print("\n" + saved["report"])
    if args.json:
        args.json.write_text(json.dumps(saved, indent=2, default=str))
        print(f"\nwrote {args.json}")


def _rounds(contenders: Sequence[Contender], args: argparse.Namespace) -> dict[int, list[Outcome]]:
    """Every contender `--repeat` times, round by round; DuckDB's modes compete in round one."""
    outcomes: dict[int, list[Outcome]] = {id(c): [] for c in contenders}
    fastest_mode: Contender | None = None
    for number in range(1, max(args.repeat, 1) + 1):
        for contender in contenders:
            if contender.section == "reference" and number > 1:
                continue
            if contender.key == "duckdb" and fastest_mode and contender is not fastest_mode:
                continue
            label = f"round {number}/{args.repeat}"
            outcomes[id(contender)].append(_run(contender, args.timeout, label))
        if fastest_mode is None:
            modes = [
                (o.run.seconds, c)
                for c in contenders
                if c.key == "duckdb"
                for o in outcomes[id(c)]
                if o.error is None
            ]
            fastest_mode = min(modes, key=lambda pair: pair[0])[1] if modes else None
    return outcomes


def _name_fastest_duckdb(rows: list[Measurement]) -> list[Measurement]:
    """Keep key `duckdb` for the fastest mode (the one compared); the others become
    `duckdb-mode` rows, shown in their own table."""
    modes = [r for r in rows if r.key == "duckdb" and r.seconds is not None]
    if not modes:
        return rows
    best = min(modes, key=lambda r: r.seconds or 0.0)
    renamed = []
    for row in rows:
        if row.key == "duckdb" and row is best:
            row = _replace(row, name=f"DuckDB read_json, fastest mode ({row.variant})")
        elif row.key == "duckdb":
            row = _replace(row, key="duckdb-mode")
        renamed.append(row)
    return renamed


def _replace(row: Measurement, **changes: Any) -> Measurement:
    return replace(row, **changes)


def _ingest_row(document: dict[str, object]) -> Measurement:
    """The ingest measurement (perhaps cached with the store) as a row; its note says when."""
    row = Measurement.from_json(document)
    return replace(row, alerts=None, note=f"measured {document.get('measured_at')}")


def _report(saved: Path) -> None:
    """Print the tables of a saved `--json` document again."""
    text, _, _ = report.render(report.from_document(json.loads(saved.read_text())))
    print(text)


if __name__ == "__main__":
    main()
