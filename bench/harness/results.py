"""What a contender is (`Contender`), what one run of it gave (`Outcome`), and the best of its
runs (`Measurement`, one per timing: the process's wall time and any in-process timing)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.measure import Run, file_text, tail

RESULT_PREFIX = "BENCH_RESULT "  # as `contenders.rule.RESULT_PREFIX`
OK_EXIT_CODES = (0, 3)  # trailsweep: 3 = some input rejected, the run still completed


@dataclass(frozen=True)
class Contender:
    """One command to time."""

    key: str
    """Its `--skip`/`--only` name."""
    name: str
    section: str
    """`files` (raw .json.gz scan), `store`, `rss` (scan at other sizes), `reference`."""
    argv: tuple[str, ...]
    records: int
    """Events it reads (after `scale`: the events the scaled time stands for)."""
    dataset: str
    """The simulated day it reads, or whose store it reads: alerts are checked against
    `trailsweep scan` of that day."""
    stats: Path | None = None
    """For trailsweep's CLI: the `--stats` file its alert count is read from."""
    variant: str | None = None
    scale: float = 1.0
    """Seconds are multiplied by this: a run on a sample standing for the full size."""
    note: str = ""
    finds_alerts: bool = True
    """False for the floor and ingest, which evaluate no rule (their count is not compared)."""


@dataclass(frozen=True)
class Outcome:
    """One run of a contender and what it reported."""

    contender: Contender
    run: Run
    alerts: int | None
    detail: str
    timings: dict[str, float]
    cpu_timings: dict[str, float]
    extra: dict[str, Any]
    error: str | None


def outcome(contender: Contender, run: Run) -> Outcome:
    """Read a run's alert count and timings (its `--stats` file or its result line)."""
    error = None
    if run.timed_out:
        error = "timed out"
    elif run.exit_code not in OK_EXIT_CODES:
        error = f"exit {run.exit_code}: {_reason(run.stderr)}"
    alerts: int | None = None
    detail = ""
    timings: dict[str, float] = {}
    cpu_timings: dict[str, float] = {}
    extra: dict[str, Any] = {}
    if error is None and contender.stats is not None:
        text = file_text(contender.stats)
        if text is None:
            error = f"no stats file; stderr: {tail(run.stderr)}"
        else:
            stats = json.loads(text)
            alerts = int(stats["alerts"]["total"]) if "alerts" in stats else None
            records = stats.get("records", {}).get("read")
            detail = f"{records:,} records read" if isinstance(records, int) else ""
            extra = {"stats": stats}
    elif error is None:
        lines = [line for line in run.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        if not lines:
            error = f"no result line; stderr: {tail(run.stderr)}"
        else:
            document = json.loads(lines[-1][len(RESULT_PREFIX) :])
            alerts = int(document["alerts"])
            detail = str(document.get("detail", ""))
            timings = {str(k): float(v) for k, v in document.get("timings", {}).items()}
            cpu = document.get("cpu_timings", {})
            cpu_timings = {str(k): float(v) for k, v in cpu.items()}
            extra = dict(document.get("extra", {}))
    if not contender.finds_alerts:
        alerts = None
    return Outcome(contender, run, alerts, detail, timings, cpu_timings, extra, error)


def _reason(stderr: str) -> str:
    """The line of a failed run's stderr that says why (an exception or error message)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "Exception" in line or "error" in line:
            return line
    return lines[-1] if lines else "(no output)"


@dataclass(frozen=True)
class Measurement:
    """The best run of a contender under one timing."""

    key: str
    name: str
    section: str
    timing: str
    """`process` (wall time of the whole child process) or `in-process: <label>`."""
    records: int
    seconds: float | None
    """Best (least) seconds over the runs, scaled; None when every run failed."""
    cpu_seconds: float | None
    """User + system CPU seconds of the best run's process (whole process, scaled)."""
    peak_rss_mb: float
    """Largest single-process peak RSS over the runs (`wait4` ru_maxrss)."""
    tree_rss_mb: float
    """Largest sampled sum of RSS over the run's processes."""
    tree_pss_mb: float
    """Largest sampled sum of PSS over the run's processes (shared pages split)."""
    alerts: int | None
    detail: str
    dataset: str
    variant: str | None = None
    note: str = ""
    runs: tuple[float, ...] = ()
    loads: tuple[float, ...] = ()
    errors: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """Events per second."""
        return self.records / self.seconds if self.seconds else None

    def as_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["events_per_second"] = self.rate
        return document

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Measurement:
        """A measurement back from `as_json`."""
        values = {k: v for k, v in document.items() if k in cls.__dataclass_fields__}
        values.setdefault("tree_pss_mb", 0.0)
        for name in ("runs", "loads", "errors"):
            values[name] = tuple(values.get(name) or ())
        return cls(**values)


def measurements(contender: Contender, outcomes: Sequence[Outcome]) -> list[Measurement]:
    """The process measurement of a contender's runs; for a contender timing itself in process
    (its process ran the job several times), one measurement per timing label instead, with
    the process's wall seconds kept in `extra`."""
    good = [o for o in outcomes if o.error is None]
    errors = tuple(o.error for o in outcomes if o.error is not None)
    scale = contender.scale
    peak = max((o.run.peak_rss_mb for o in outcomes), default=0.0)
    tree = max((o.run.tree_rss_mb for o in outcomes), default=0.0)
    pss = max((o.run.tree_pss_mb for o in outcomes), default=0.0)
    alerts = {o.alerts for o in good}
    detail = good[0].detail if good else ""
    if len(alerts) > 1:
        detail += f" (runs disagree on alerts: {sorted(a for a in alerts if a is not None)})"
    best = min(good, key=lambda o: o.run.seconds) if good else None
    common: dict[str, Any] = {
        "key": contender.key,
        "section": contender.section,
        "records": contender.records,
        "peak_rss_mb": peak,
        "tree_rss_mb": tree,
        "tree_pss_mb": pss,
        "alerts": best.alerts if best else None,
        "detail": detail,
        "dataset": contender.dataset,
        "variant": contender.variant,
        "note": contender.note,
        "loads": tuple(o.run.load_before for o in outcomes),
        "errors": errors,
    }
    process = Measurement(
        name=contender.name,
        timing="process",
        seconds=best.run.seconds * scale if best else None,
        cpu_seconds=best.run.cpu_seconds * scale if best else None,
        runs=tuple(o.run.seconds * scale for o in good),
        extra=best.extra if best else {},
        **common,
    )
    labels = list(dict.fromkeys(label for o in good for label in o.timings))
    if not labels:
        return [process]
    common["extra"] = (best.extra if best else {}) | {"process_seconds": process.runs}
    rows = []
    for label in labels:
        timed = [o for o in good if label in o.timings]
        fastest = min(timed, key=lambda o: o.timings[label])
        cpu = fastest.cpu_timings.get(label)
        rows.append(
            Measurement(
                name=f"{contender.name} [{label}]",
                timing=f"in-process: {label}",
                seconds=fastest.timings[label] * scale,
                cpu_seconds=cpu * scale if cpu is not None else None,
                runs=tuple(o.timings[label] * scale for o in timed),
                **common,
            )
        )
    return rows
