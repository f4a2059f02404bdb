"""Command-line arguments and options shared by the commands (one definition each)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from trailsweep.cli.options import parse_time_span
from trailsweep.engine.engines import ENGINE_NAMES, EngineName, EngineOptions

PathsArg = Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")]
AsnOpt = Annotated[
    Path | None, typer.Option("--asn-db", help="MaxMind-format ASN database (.mmdb).")
]
CityOpt = Annotated[
    Path | None, typer.Option("--city-db", help="MaxMind-format City database (.mmdb).")
]
NamespaceOpt = Annotated[
    str, typer.Option("--namespace", help="data_stream.namespace of the events.")
]
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")
]
StatsOpt = Annotated[
    Path | None, typer.Option("--stats", help="Write the run summary as JSON to this file.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="table (default on a terminal), ndjson, ocsf or bulk."),
]
ThresholdOpt = Annotated[
    int | None, typer.Option(help="Alert above this many distinct buckets (default 15).")
]
WindowOpt = Annotated[
    str | None, typer.Option(help="Window length, e.g. 10s, 30s, 1m (default 10s).")
]
RulesOpt = Annotated[
    list[Path] | None,
    typer.Option("--rule", help="Rule file or folder; replaces the bundled rules."),
]
FailOnAlertOpt = Annotated[
    bool, typer.Option("--fail-on-alert", help="Exit 1 when any alert is raised.")
]
NowOpt = Annotated[
    datetime | None,
    typer.Option(help="What NOW() means in queries (ISO time; default: the clock)."),
]
JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", help="Reader processes (default: one per core on big input)."),
]

EngineOpt = Annotated[
    str,
    typer.Option("--engine", help="Query engine: duckdb (in process) or spark (needs pyspark)."),
]
MasterOpt = Annotated[
    str | None,
    typer.Option(
        "--master",
        help="With --engine spark: a master URL (local[4], spark://host:7077, yarn) or a Spark "
        "Connect URL (sc://host:15002); default local[*].",
    ),
]


ReadLocallyOpt = Annotated[
    bool,
    typer.Option(
        "--read-locally",
        help="With --engine spark: read the files in this process (with --jobs) and send "
        "Spark the events, for files its executors cannot read.",
    ),
]


def engine_options(engine: str, master: str | None, read_locally: bool = False) -> EngineOptions:
    """The engine `--engine`, `--master` and `--read-locally` choose (ValueError when they do
    not fit)."""
    if engine not in ENGINE_NAMES:
        raise ValueError(f"--engine must be {' or '.join(ENGINE_NAMES)}, not {engine!r}")
    if master is not None and engine != "spark":
        raise ValueError("--master is only for --engine spark")
    if read_locally and engine != "spark":
        raise ValueError("--read-locally is only for --engine spark")
    name: EngineName = "spark" if engine == "spark" else "duckdb"
    return EngineOptions(name, master, read_on_spark=not read_locally)


def parameter_overrides(threshold: int | None, window: str | None) -> dict[str, object]:
    """The rule parameters `--threshold` and `--window` set (ValueError when one is invalid)."""
    overrides: dict[str, object] = {}
    if threshold is not None:
        if threshold < 0:
            raise ValueError("--threshold must be zero or more")
        overrides["threshold"] = threshold
    if window is not None:
        overrides["window"] = parse_time_span(window)
    return overrides
