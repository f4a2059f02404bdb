"""`trailsweep ingest` and `trailsweep store-scan`: the event store from the command line.

The shared helpers (rule loading, output, summary, exit codes) live in `cli.main`, which
registers these commands by calling `register(app)`; they are imported when a command runs,
so that `cli.main` can import this module at its top.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer

from trailsweep.alerts.allowlist import Allowlist
from trailsweep.cli.allowlist_options import (
    AllowlistOpt,
    LedgerOpt,
    ShowSuppressedOpt,
    TodayOpt,
    allowlist_in_force,
)
from trailsweep.cli.arguments import (
    AsnOpt,
    CityOpt,
    EngineOpt,
    FailOnAlertOpt,
    FormatOpt,
    JobsOpt,
    MasterOpt,
    NamespaceOpt,
    NowOpt,
    OutputOpt,
    PathsArg,
    QuietOpt,
    RulesOpt,
    StatsOpt,
    ThresholdOpt,
    WindowOpt,
    engine_options,
    parameter_overrides,
)
from trailsweep.cli.options import EXIT_OK, EXIT_REJECTED_INPUT, BulkIndexOpt
from trailsweep.cli.triage_options import ContextMinutesOpt, NoContextOpt, store_with_context
from trailsweep.engine.engines import EngineOptions
from trailsweep.errors import TrailsweepError
from trailsweep.pipeline import ScanOptions
from trailsweep.rules import Rule
from trailsweep.sinks.bulk import DEFAULT_INDEX
from trailsweep.store import EventStore, IngestOptions, IngestReport, scan_store

StoreOpt = Annotated[Path, typer.Option("--store", help="The event store folder.")]
SinceOpt = Annotated[
    str | None,
    typer.Option(help="Only events at or after this time (ISO date or time; UTC if no zone)."),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(help="Only events before this time (ISO date or time; UTC if no zone)."),
]


def register(app: typer.Typer) -> None:
    """Add the store's commands to the `trailsweep` application."""
    app.command("ingest")(ingest_command)
    app.command("store-scan")(store_scan_command)


def ingest_command(
    paths: PathsArg,
    store: StoreOpt,
    asn_db: AsnOpt = None,
    city_db: CityOpt = None,
    namespace: NamespaceOpt = "default",
    jobs: JobsOpt = None,
    stats: StatsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Append normalized events to an event store (files already in it are skipped)."""
    from trailsweep.cli import main as cli

    if jobs is not None and jobs < 1:
        cli._usage("--jobs must be 1 or more")
    normalize = cli._normalize_options(asn_db, city_db, namespace)
    try:
        report = EventStore(store).ingest(
            paths, IngestOptions(normalize=normalize, jobs=jobs), cli._print_diagnostic
        )
    except (TrailsweepError, OSError) as exc:
        cli._usage(str(exc))
    if stats is not None:
        stats.write_bytes(orjson.dumps(ingest_json(report), option=orjson.OPT_INDENT_2))
    if not quiet:
        line = (
            f"ingested {report.files_ingested} file(s), {report.files_present} already present; "
            f"{report.records_written} events written; "
        )
        cli.stderr.print(line + cli._summary_line(report.summary, None), markup=False)
    raise typer.Exit(EXIT_REJECTED_INPUT if report.summary.had_rejections else EXIT_OK)


def store_scan_command(
    store: Annotated[Path, typer.Argument(help="The event store folder.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    output_format: FormatOpt = None,
    output: OutputOpt = None,
    threshold: ThresholdOpt = None,
    window: WindowOpt = None,
    rule_paths: RulesOpt = None,
    stats: StatsOpt = None,
    fail_on_alert: FailOnAlertOpt = False,
    now: NowOpt = None,
    engine: EngineOpt = "duckdb",
    master: MasterOpt = None,
    allowlist_paths: AllowlistOpt = None,
    today: TodayOpt = None,
    show_suppressed: ShowSuppressedOpt = False,
    ledger: LedgerOpt = None,
    bulk_index: BulkIndexOpt = DEFAULT_INDEX,
    context_minutes: ContextMinutesOpt = 30,
    no_context: NoContextOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Evaluate the rules over the events of an event store (optionally a time range)."""
    from trailsweep.cli import main as cli

    try:
        overrides = parameter_overrides(threshold, window)
        engine_choice = engine_options(engine, master)
    except ValueError as exc:
        cli._usage(str(exc))
    if engine_choice.name == "duckdb":
        from trailsweep.cli.memory import keep_pandas_unloaded

        keep_pandas_unloaded()
    scan_store_command(
        store,
        since=parse_store_time(since, "--since"),
        until=parse_store_time(until, "--until"),
        rules=cli._rules(rule_paths),
        output_format=output_format,
        output=output,
        overrides=overrides,
        now=now,
        stats=stats,
        quiet=quiet,
        fail_on_alert=fail_on_alert,
        engine=engine_choice,
        allowlist=allowlist_in_force(allowlist_paths, today, cli._print_diagnostic, cli._usage),
        show_suppressed=show_suppressed,
        ledger=ledger,
        bulk_index=bulk_index,
        context_minutes=None if no_context else context_minutes,
    )


def scan_store_command(
    store: Path,
    *,
    since: datetime | None,
    until: datetime | None,
    rules: list[Rule],
    output_format: str | None,
    output: Path | None,
    overrides: dict[str, object],
    now: datetime | None,
    stats: Path | None,
    quiet: bool,
    fail_on_alert: bool,
    engine: EngineOptions | None = None,
    allowlist: Allowlist | None = None,
    show_suppressed: bool = False,
    ledger: Path | None = None,
    bulk_index: str = DEFAULT_INDEX,
    context_minutes: int | None = None,
) -> None:
    """Scan an event store and print the alerts as `scan` does (same formats, summary and exit
    codes); `scan --store DIR` can call this with its own parsed options. With
    `context_minutes`, alerts carry their triage context from the store. Raises typer.Exit."""
    from trailsweep.cli import main as cli

    fmt = cli.output_format_for(output_format, output)
    if since is not None and until is not None and since >= until:
        cli._usage("--since must be before --until")
    options = ScanOptions(
        parameters=overrides,
        now=cli.utc_naive(now),
        engine=engine or EngineOptions(),
        allowlist=allowlist or Allowlist(),
    )
    try:
        report = scan_store(store, rules, options, since, until, cli._print_diagnostic)
        if context_minutes is not None:
            report = store_with_context(report, store, context_minutes)
    except TrailsweepError as exc:
        cli._usage(str(exc))
    cli.emit_alerts(
        report,
        fmt,
        output,
        stats,
        quiet,
        fail_on_alert,
        show_suppressed=show_suppressed,
        ledger=ledger,
        bulk_index=bulk_index,
    )


def parse_store_time(text: str | None, option: str) -> datetime | None:
    """`2026-03-14`, `2026-03-14T10:00`, `2026-03-14T10:00:00Z`, `...+02:00` → naive UTC (a
    date is its midnight UTC; a time without a zone is UTC)."""
    from trailsweep.cli import main as cli

    if text is None:
        return None
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return datetime(day.year, day.month, day.day)
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        cli._usage(f"{option}: {text!r} is not an ISO date or time (e.g. 2026-03-14T10:00:00Z)")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def ingest_json(report: IngestReport) -> dict[str, object]:
    """The ingest summary as JSON: `scan`'s summary plus what the store received."""
    document = report.summary.as_json()
    document["store"] = {
        "files_ingested": report.files_ingested,
        "files_present": report.files_present,
        "records_written": report.records_written,
        "batches": list(report.batches),
        "days": [day.isoformat() for day in report.days],
    }
    return document
