"""`--context-minutes`, `--context` and `--no-context`: triage context for alerts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from trailsweep.normalize import NormalizeOptions
from trailsweep.pipeline import ScanReport
from trailsweep.triage import (
    DEFAULT_MINUTES,
    TriageOptions,
    file_contexts,
    store_contexts,
    with_contexts,
)

ContextMinutesOpt = Annotated[
    int,
    typer.Option(
        "--context-minutes",
        min=0,
        help="Triage context: the actor's activity this many minutes either side of each alert.",
    ),
]
NoContextOpt = Annotated[
    bool, typer.Option("--no-context", help="Skip the triage context (trailsweep.context).")
]
FileContextOpt = Annotated[
    bool,
    typer.Option(
        "--context/--no-context",
        help="Add triage context (trailsweep.context) from a second pass over the files: "
        "off by default for scan, since it reads every file again (`report` always adds it).",
    ),
]


def files_with_context(
    report: ScanReport,
    paths: Sequence[Path],
    normalize: NormalizeOptions,
    minutes: int = DEFAULT_MINUTES,
    jobs: int | None = None,
) -> ScanReport:
    """The scan's alerts with their context from a second pass over the files (none: as is)."""
    if not report.alerts:
        return report
    options = TriageOptions(minutes=minutes, asn_db=normalize.asn_db, jobs=jobs)
    return with_contexts(report, file_contexts(report.alerts, paths, normalize, options))


def store_with_context(
    report: ScanReport, store: Path, minutes: int = DEFAULT_MINUTES
) -> ScanReport:
    """The store scan's alerts with their context and baselines from the store."""
    if not report.alerts:
        return report
    options = TriageOptions(minutes=minutes)
    return with_contexts(report, store_contexts(report.alerts, store, options))
