"""`trailsweep.store.scan.scan_store` timed inside one process (no interpreter start-up, no
CLI): the first call (the query's parsing and compilation included) and the best of `REPEATS`
more (`warm`)."""

from __future__ import annotations

from pathlib import Path

from contenders.rule import ContenderResult, first_and_warm

REPEATS = 3


def run(store: Path) -> ContenderResult:
    """The bundled rule over the whole store."""
    from trailsweep.rules import bundled_rules
    from trailsweep.store.scan import scan_store

    rules = bundled_rules()
    report, timings, cpu = first_and_warm(lambda: scan_store(store, rules), REPEATS)
    summary = report.summary
    return ContenderResult(
        alerts=len(report.alerts),
        detail=f"{summary.files_read} parts, {summary.records_read:,} events",
        timings=timings,
        cpu_timings=cpu,
        extra={"records_read": summary.records_read},
    )
