"""What a bench run times: the contenders, built from the command-line options.

Contender keys, as `--skip`/`--only` take them (`store` covers ingest and the three store
re-scans; `rss` the scans at the `--rss-sizes`):

    floor, scan, minimal, duckdb, polars, pandas, plain, store, spark, rss
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from harness.datasets import PYTHON, Dataset
from harness.results import Contender

HERE = Path(__file__).resolve().parents[1]
BASELINES = str(HERE / "baselines.py")
GROUPS = (
    "floor", "scan", "minimal", "duckdb", "polars", "pandas", "plain", "store", "spark", "rss"
)  # fmt: skip
DUCKDB_MODES = ("auto", "auto-ndjson", "columns", "columns-ndjson")
STORE_KEYS = ("ingest", "store-scan", "store-inprocess", "store-duckdb")


def group(key: str) -> str:
    """The `--skip` group of a contender key."""
    if key in STORE_KEYS:
        return "store"
    if key.startswith("spark"):
        return "spark"
    if key.startswith("duckdb"):
        return "duckdb"
    return key


def trailsweep(command: str, *args: str, stats: Path) -> tuple[str, ...]:
    """A trailsweep CLI command writing alerts nowhere and its summary to `stats`."""
    output = ("--format", "ndjson", "-o", os.devnull) if command != "ingest" else ()
    return (PYTHON, "-m", "trailsweep", command, *args, *output, "--quiet", "--stats", str(stats))


def scan(dataset: Dataset, stats_dir: Path, key: str, name: str, section: str) -> Contender:
    """`trailsweep scan` of a day (default jobs: one reader per core)."""
    stats = stats_dir / f"{key}-{dataset.events}.json"
    argv = trailsweep("scan", str(dataset.folder), stats=stats)
    return Contender(key, name, section, argv, dataset.records, str(dataset.folder), stats)


def file_contenders(
    main: Dataset, stats_dir: Path, duckdb_modes: Sequence[str], pandas_day: Dataset | None
) -> list[Contender]:
    """The raw `.json.gz` contenders on the main day (pandas perhaps on a smaller day)."""
    day = str(main.folder)

    def child(key: str, name: str, *extra: str) -> Contender:
        argv = (PYTHON, BASELINES, key, day, *extra)
        variant = extra[0] if extra else None
        finds = key != "floor"
        return Contender(
            key, name, "files", argv, main.records, day, None, variant, finds_alerts=finds
        )

    found = [
        child("floor", f"isal floor, decompress only ({os.cpu_count()} cores)"),
        scan(main, stats_dir, "scan", "trailsweep scan (CLI, default jobs)", "files"),
        child("minimal", f"minimal lazy simdjson detector ({os.cpu_count()} cores)"),
    ]
    for mode in duckdb_modes:
        found.append(child("duckdb", f"DuckDB read_json ({mode})", mode))
    found.append(child("polars", "Polars (pl.read_json + lazy group-by)"))
    if pandas_day is None or pandas_day.records == main.records:
        found.append(child("pandas", "pandas script (json_normalize, one core)"))
    else:
        scale = main.records / pandas_day.records
        found.append(
            Contender(
                "pandas",
                f"pandas script (run on {pandas_day.records:,} events, time x{scale:.2f})",
                "files",
                (PYTHON, BASELINES, "pandas", str(pandas_day.folder)),
                main.records,
                str(pandas_day.folder),
                scale=scale,
                note=f"ran on {pandas_day.records:,} events; seconds scaled by {scale:.3f}",
            )
        )
    found.append(child("plain", "plain Python json.loads loop (one core)"))
    return found


def store_contenders(store: Path, main: Dataset, stats_dir: Path) -> list[Contender]:
    """The store re-scans: trailsweep's CLI and in-process, and DuckDB's plain Parquet scan."""
    day = str(main.folder)
    stats = stats_dir / f"store-scan-{main.events}.json"
    return [
        Contender(
            "store-scan",
            "trailsweep store-scan (CLI)",
            "store",
            trailsweep("store-scan", str(store), stats=stats),
            main.records,
            day,
            stats,
        ),
        Contender(
            "store-inprocess",
            "trailsweep scan_store (in process)",
            "store",
            (PYTHON, BASELINES, "store-inprocess", str(store)),
            main.records,
            day,
        ),
        Contender(
            "store-duckdb",
            "DuckDB plain read_parquet of the store",
            "store",
            (PYTHON, BASELINES, "store-duckdb", str(store)),
            main.records,
            day,
        ),
    ]


def spark_engine_available() -> bool:
    """Whether `trailsweep store-scan` takes `--engine` (the Spark engine is being built)."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    command = [PYTHON, "-m", "trailsweep", "store-scan", "--help"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return "--engine" in done.stdout


def spark_contenders(store: Path, main: Dataset, stats_dir: Path, mode: str) -> list[Contender]:
    """`store-scan --engine spark` when the CLI has it (`mode` auto), else, or as well with
    `mode` handwritten/both, the hand-written PySpark job."""
    engine = mode in ("cli", "both") or (mode == "auto" and spark_engine_available())
    found = []
    if engine:
        stats = stats_dir / f"store-scan-spark-{main.events}.json"
        argv = trailsweep("store-scan", str(store), "--engine", "spark", stats=stats)
        found.append(
            Contender(
                "spark",
                "trailsweep store-scan --engine spark (CLI, local[*])",
                "store",
                argv,
                main.records,
                str(main.folder),
                stats,
            )
        )
    if not engine or mode in ("handwritten", "both"):
        found.append(
            Contender(
                "spark-job",
                "Spark local[*], hand-written PySpark job",
                "store",
                (PYTHON, BASELINES, "spark", str(store)),
                main.records,
                str(main.folder),
                note="" if engine else "the CLI has no --engine spark yet: hand-written job",
            )
        )
    return found
