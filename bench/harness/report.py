"""The bench's output: readable tables, issue 4's targets next to the measured ratios (reported,
never asserted), alert-count checks, and the JSON document of every measurement.

Ratios are a row's seconds over trailsweep's for the same job: above 1, trailsweep is faster.
Each is given twice: by wall time (what a user waits) and by CPU time (user + system of all the
run's processes), which a busy shared machine distorts less.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from harness.results import Measurement

RSS_LIMIT_MB = 300.0
STORE_RATE_TARGET = 10_000_000.0
_NAME = 56


@dataclass(frozen=True)
class Target:
    """One of issue 4's targets and what this run measured for it."""

    name: str
    measured: float | None
    target: float
    unit: str
    at_most: bool = False
    by_cpu: float | None = None
    """The same ratio by CPU time, for ratio targets."""

    @property
    def met(self) -> bool | None:
        if self.measured is None:
            return None
        return self.measured <= self.target if self.at_most else self.measured >= self.target

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "measured": self.measured,
            "measured_by_cpu_time": self.by_cpu,
            "target": self.target,
            "unit": self.unit,
            "at_most": self.at_most,
            "met": self.met,
        }


@dataclass(frozen=True)
class Run:
    """What a bench run measured, with its context (or what a saved JSON document holds)."""

    rows: list[Measurement]
    folder: str
    records: int
    expected_alerts: int | None
    repeat: int
    start: Mapping[str, Any]
    end: Mapping[str, Any]


def find(rows: Sequence[Measurement], key: str, timing: str = "process") -> Measurement | None:
    """The measurement of a contender key under a timing (the first found)."""
    return next((m for m in rows if m.key == key and m.timing == timing), None)


def reference(rows: Sequence[Measurement], row: Measurement) -> Measurement | None:
    """What a row's ratio compares with: trailsweep doing the same job the same way."""
    if row.section == "files":
        return find(rows, "scan")
    if row.section == "store" and row.key != "ingest":
        key = "store-scan" if row.timing == "process" else "store-inprocess"
        return find(rows, key, row.timing)
    return None


def ratio(row: Measurement, ref: Measurement | None, cpu: bool = False) -> float | None:
    """How many times faster trailsweep is than this row (its seconds / trailsweep's)."""
    if ref is None or ref is row:
        return None
    mine, theirs = (row.cpu_seconds, ref.cpu_seconds) if cpu else (row.seconds, ref.seconds)
    return mine / theirs if mine is not None and theirs else None


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table(rows: Sequence[Measurement], all_rows: Sequence[Measurement]) -> str:
    """Rows as a text table."""
    header = (
        f"{'contender':<{_NAME}}{'seconds':>9}{'cpu s':>8}{'events/s':>13}{'ts x':>8}"
        f"{'ts x cpu':>9}{'RSS max MB':>11}{'RSS sum MB':>11}{'PSS sum MB':>11}{'alerts':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        alerts = "-" if row.alerts is None else str(row.alerts)
        name = row.name if row.seconds is not None else f"{row.name} (FAILED)"
        ref = reference(all_rows, row)
        lines.append(
            f"{name[: _NAME - 1]:<{_NAME}}{_number(row.seconds, '.2f'):>9}"
            f"{_number(row.cpu_seconds, '.1f'):>8}{_number(row.rate, ',.0f'):>13}"
            f"{_number(ratio(row, ref), '.2f'):>8}{_number(ratio(row, ref, cpu=True), '.2f'):>9}"
            f"{row.peak_rss_mb:>11.0f}{row.tree_rss_mb:>11.0f}{row.tree_pss_mb:>11.0f}{alerts:>7}"
        )
    return "\n".join(lines)


def targets(rows: Sequence[Measurement], rss_rows: Sequence[Measurement]) -> list[Target]:
    """Issue 4's targets with the ratios and figures this run measured."""
    scan = find(rows, "scan")

    def versus(name: str, key: str, goal: float) -> Target:
        row = find(rows, key)
        wall = ratio(row, scan) if row else None
        cpu = ratio(row, scan, cpu=True) if row else None
        return Target(name, wall, goal, "x", by_cpu=cpu)

    found = [
        versus("raw scan vs isal floor (same cores)", "floor", 0.6),
        versus("raw scan vs DuckDB read_json (fastest mode)", "duckdb", 4.0),
        versus("raw scan vs Polars", "polars", 2.5),
        versus("raw scan vs plain Python", "plain", 10.0),
    ]
    floor, minimal = find(rows, "floor"), find(rows, "minimal")
    if floor is not None and minimal is not None:
        # Not trailsweep: how close the least a Python detector can do comes to the floor.
        name = "minimal simdjson detector vs isal floor (reference)"
        found.append(
            Target(name, ratio(floor, minimal), 0.6, "x", by_cpu=ratio(floor, minimal, cpu=True))
        )
        found.append(versus("raw scan vs minimal simdjson detector", "minimal", 1.0))
    for row in rss_rows:
        for label, value in (
            ("largest process", row.peak_rss_mb),
            ("RSS summed over processes", row.tree_rss_mb),
            ("PSS summed over processes", row.tree_pss_mb),
        ):
            name = f"peak RSS at {row.records:,} events ({label})"
            found.append(Target(name, value, RSS_LIMIT_MB, "MB", at_most=True))
    for key, timing, label in (
        ("store-inprocess", "in-process: warm", "scan_store in process, warm"),
        ("store-inprocess", "in-process: first", "scan_store in process, first call"),
        ("store-scan", "process", "store-scan CLI, end to end"),
    ):
        store = find(rows, key, timing)
        name = f"store re-scan events/s ({label})"
        found.append(Target(name, store.rate if store else None, STORE_RATE_TARGET, "events/s"))
        plain = find(rows, "store-duckdb", timing)
        if plain is not None and store is not None:
            name = f"store re-scan vs DuckDB plain Parquet ({label})"
            by_cpu = ratio(plain, store, cpu=True)
            found.append(Target(name, ratio(plain, store), 2.0, "x", by_cpu=by_cpu))
    return found


def targets_table(found: Sequence[Target]) -> str:
    lines = [f"{'target':<76}{'measured':>20}{'by cpu':>8}{'target':>24}  met"]
    for item in found:
        spec = ",.0f" if item.unit in ("events/s", "MB") else ".2f"
        sign = "<=" if item.at_most else ">="
        met = {True: "yes", False: "NO", None: "-"}[item.met]
        measured = _number(item.measured, spec) + " " + item.unit
        goal = f"{sign} {format(item.target, spec)} {item.unit}"
        lines.append(
            f"{item.name:<76}{measured:>20}{_number(item.by_cpu, '.2f'):>8}{goal:>24}  {met}"
        )
    return "\n".join(lines)


def trailsweep_alerts(run: Run) -> dict[str, int]:
    """`trailsweep scan`'s alert count on each day it scanned (the manifest's count for the
    main day when scan did not run)."""
    truth = {
        r.dataset: r.alerts
        for r in run.rows
        if r.key in ("scan", "rss", "scan-reference") and r.alerts is not None
    }
    if run.folder not in truth and run.expected_alerts is not None:
        truth[run.folder] = run.expected_alerts
    return truth


def alert_warnings(rows: Sequence[Measurement], truth: Mapping[str, int]) -> list[str]:
    """A line for every contender whose alert count differs from `trailsweep scan`'s on the
    same day (the floor and ingest evaluate no rule: their count is None)."""
    warnings: list[str] = []
    for row in rows:
        expected = truth.get(row.dataset)
        if row.alerts is None or expected is None or row.alerts == expected:
            continue
        warning = (
            f"WARNING: alert mismatch: {row.name.split(' [')[0]} found {row.alerts} alerts, "
            f"trailsweep scan found {expected} on {row.dataset}"
        )
        if warning not in warnings:
            warnings.append(warning)
    return warnings


def render(run: Run) -> tuple[str, list[Target], list[str]]:
    """The text report of a run, its targets and its alert warnings."""
    rows = run.rows
    files = [r for r in rows if r.section == "files" and r.key != "duckdb-mode"]
    modes = [r for r in rows if r.key in ("duckdb", "duckdb-mode")]
    store = [r for r in rows if r.section == "store"]
    rss = sorted(
        (
            replace(r, name=f"trailsweep scan, {r.records:,} events", section="rss")
            for r in rows
            if r.key in ("scan", "rss")
        ),
        key=lambda r: r.records,
    )
    changed = " with uncommitted changes in src" if run.start.get("src_changed_files") else ""
    out = [
        f"{run.records:,} events in {run.folder}; {run.start.get('cpu_count')} cores shared with "
        f"other work: load average {run.start.get('loadavg')} at start, "
        f"{run.end.get('loadavg')} at end; best of {run.repeat} runs; trailsweep at "
        f"{run.start.get('commit')}{changed}."
    ]
    for title, block in (
        ("Raw .json.gz scan with the bundled rule", files),
        ("DuckDB read_json modes", modes),
        ("Peak RSS of trailsweep scan by input size", rss),
        ("Event store: ingest once, re-scan; Spark local[*] on the store", store),
    ):
        if block:
            out.append(f"{title}\n{table(block, rows)}")
    out.append(
        "'ts x' = the row's seconds / trailsweep's for the same job ('ts x cpu': CPU seconds), "
        "above 1 when trailsweep is faster; trailsweep's row is `trailsweep scan` for files, "
        "`store-scan` (CLI) for store rows timed as processes, `scan_store` for [first]/[warm] "
        "rows timed in process. 'RSS max': the largest single process (wait4); 'RSS sum' and "
        "'PSS sum': sampled sums over all the run's processes (PSS splits shared pages)."
    )
    found = targets(rows, rss)
    out.append(f"Issue 4 targets (reported, not asserted)\n{targets_table(found)}")
    notes = [
        f"note: {r.name.split(' [')[0]}: {' '.join([r.note, *r.errors]).strip()}"
        for r in rows
        if r.note or r.errors
    ]
    if notes:
        out.append("\n".join(dict.fromkeys(notes)))
    truth = trailsweep_alerts(run)
    warnings = alert_warnings(rows, truth)
    if run.expected_alerts is not None and truth.get(run.folder) != run.expected_alerts:
        warnings.append(f"WARNING: the simulator's manifest expects {run.expected_alerts} alerts")
    out.append("\n".join(warnings) or f"alerts: every contender agrees with trailsweep ({truth})")
    return "\n\n".join(out), found, warnings


def document(run: Run, config: Mapping[str, Any]) -> dict[str, Any]:
    """Everything measured, for `--json` (and `--report` reads it back)."""
    text, found, warnings = render(run)
    return {
        "config": dict(config),
        "environment": {"start": dict(run.start), "end": dict(run.end)},
        "dataset": {
            "folder": run.folder,
            "records": run.records,
            "expected_alerts": run.expected_alerts,
        },
        "trailsweep_alerts": trailsweep_alerts(run),
        "measurements": [r.as_json() for r in run.rows],
        "targets": [t.as_json() for t in found],
        "warnings": warnings,
        "report": text,
    }


def from_document(saved: Mapping[str, Any]) -> Run:
    """A run back from its JSON document."""
    dataset = saved["dataset"]
    return Run(
        rows=[Measurement.from_json(row) for row in saved["measurements"]],
        folder=str(dataset["folder"]),
        records=int(dataset["records"]),
        expected_alerts=dataset.get("expected_alerts"),
        repeat=int(saved["config"].get("repeat", 1)),
        start=saved["environment"]["start"],
        end=saved["environment"]["end"],
    )
