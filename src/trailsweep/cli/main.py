"""The `trailsweep` command line: a thin layer over the library."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, BinaryIO, NoReturn, TextIO

import orjson
import typer
from rich.console import Console

from trailsweep.alerts import alert_document
from trailsweep.cli.allowlist_options import (
    AllowlistOpt,
    LedgerOpt,
    ShowSuppressedOpt,
    TodayOpt,
    allowlist_in_force,
    emit_ledger,
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
    ReadLocallyOpt,
    RulesOpt,
    StatsOpt,
    ThresholdOpt,
    WindowOpt,
    engine_options,
    parameter_overrides,
)
from trailsweep.cli.compare_command import register as register_compare_command
from trailsweep.cli.memory import keep_pandas_unloaded, run_standalone
from trailsweep.cli.options import (
    EXIT_ALERTS,
    EXIT_OK,
    EXIT_REJECTED_INPUT,
    EXIT_USAGE,
    OUTPUT_FORMATS,
    BulkIndexOpt,
)
from trailsweep.cli.progress import scan_progress
from trailsweep.cli.report_command import register as register_report_command
from trailsweep.cli.schedule_options import (
    FirstRunOpt,
    IntervalOpt,
    LookbackOpt,
    ScheduleOpt,
    scan_on_schedule,
)
from trailsweep.cli.store_commands import register as register_store_commands
from trailsweep.cli.triage_options import ContextMinutesOpt, FileContextOpt, files_with_context
from trailsweep.cli.tune_command import register as register_tune_command
from trailsweep.cli.watch_command import register as register_watch_command
from trailsweep.engine.validate import check_rule_files
from trailsweep.errors import TrailsweepError
from trailsweep.normalize import GeoIpDatabase, NormalizeOptions, open_geoip
from trailsweep.pipeline import ScanOptions, ScanReport, read_documents, scan
from trailsweep.rules import Rule, bundled_rules, load_rules
from trailsweep.simulate import DeliveryOptions, simulate_day
from trailsweep.sinks import DEFAULT_INDEX, render_alert_table, write_bulk, write_ndjson, write_ocsf
from trailsweep.summary import RunCounters, RunSummary

app = typer.Typer(
    name="trailsweep",
    help="Run Elastic's CloudTrail detections (S3 bucket-posture sweeps first) on log files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


@app.command("scan")
def scan_command(
    paths: PathsArg,
    output_format: FormatOpt = None,
    output: OutputOpt = None,
    threshold: ThresholdOpt = None,
    window: WindowOpt = None,
    rule_paths: RulesOpt = None,
    asn_db: AsnOpt = None,
    city_db: CityOpt = None,
    namespace: NamespaceOpt = "default",
    stats: StatsOpt = None,
    fail_on_alert: FailOnAlertOpt = False,
    now: NowOpt = None,
    jobs: JobsOpt = None,
    engine: EngineOpt = "duckdb",
    master: MasterOpt = None,
    read_locally: ReadLocallyOpt = False,
    allowlist_paths: AllowlistOpt = None,
    today: TodayOpt = None,
    show_suppressed: ShowSuppressedOpt = False,
    ledger: LedgerOpt = None,
    bulk_index: BulkIndexOpt = DEFAULT_INDEX,
    context_minutes: ContextMinutesOpt = 30,
    context: FileContextOpt = False,
    schedule: ScheduleOpt = None,
    interval: IntervalOpt = None,
    lookback: LookbackOpt = None,
    first_run: FirstRunOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Evaluate the rules over CloudTrail files and print the alerts."""
    fmt = output_format_for(output_format, output)
    options = file_scan_options(
        threshold,
        window,
        (engine, master, read_locally),
        jobs,
        now,
        (asn_db, city_db, namespace),
        (allowlist_paths, today),
    )
    rules = _rules(rule_paths)
    if schedule is not None:
        schedule_args = (interval, lookback, first_run)
        scan_on_schedule(
            paths, rules, options, schedule, schedule_args, fmt, output, stats, quiet, fail_on_alert
        )
    if options.engine.name == "duckdb":
        keep_pandas_unloaded()
    try:
        with scan_progress(stderr, quiet) as on_progress:
            report = scan(paths, rules, options, _print_diagnostic, on_progress)
        if context:
            report = files_with_context(report, paths, options.normalize, context_minutes, jobs)
    except TrailsweepError as exc:
        _usage(str(exc))
    emit_alerts(
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


def file_scan_options(
    threshold: int | None,
    window: str | None,
    engine: tuple[str, str | None, bool],
    jobs: int | None,
    now: datetime | None,
    enrichment: tuple[Path | None, Path | None, str],
    allowlist: tuple[list[Path] | None, str | None],
) -> ScanOptions:
    """The scan options that `scan` and `report` flags choose: parameter overrides,
    `(--engine, --master, --read-locally)`, `--jobs`, `--now`, `(--asn-db, --city-db,
    --namespace)` and `(--allowlist..., --today)`; a usage error when they do not fit."""
    try:
        overrides = parameter_overrides(threshold, window)
        engine_choice = engine_options(*engine)
    except ValueError as exc:
        _usage(str(exc))
    if jobs is not None and jobs < 1:
        _usage("--jobs must be 1 or more")
    return ScanOptions(
        _normalize_options(*enrichment),
        overrides,
        jobs=jobs,
        now=utc_naive(now),
        engine=engine_choice,
        allowlist=allowlist_in_force(*allowlist, _print_diagnostic, _usage),
    )


def output_format_for(output_format: str | None, output: Path | None) -> str:
    """The output format: as asked, else a table on a terminal and NDJSON elsewhere."""
    fmt = output_format or ("table" if output is None and sys.stdout.isatty() else "ndjson")
    if fmt not in OUTPUT_FORMATS:
        _usage(f"--format must be {', '.join(OUTPUT_FORMATS)}, not {fmt!r}")
    return fmt


def utc_naive(moment: datetime | None) -> datetime | None:
    """A time given with a zone, as the naive UTC time the engine uses."""
    if moment is not None and moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def emit_alerts(
    report: ScanReport,
    fmt: str,
    output: Path | None,
    stats: Path | None,
    quiet: bool,
    fail_on_alert: bool,
    *,
    show_suppressed: bool = False,
    ledger: Path | None = None,
    bulk_index: str = DEFAULT_INDEX,
) -> NoReturn:
    """Print a scan's alerts, its ledger of suppressed alerts when asked, and its summary, and
    exit with the scan's status."""
    if fmt == "table":
        render_alert_table(report.alerts, Console(file=_text_target(output), highlight=False))
    elif fmt == "ocsf":
        _write_with(lambda target: write_ocsf(report.alerts, target), output)
    elif fmt == "bulk":
        _write_with(lambda target: write_bulk(report.alerts, target, bulk_index), output)
    else:
        _write_documents([alert_document(alert) for alert in report.alerts], output)
    try:
        emit_ledger(report.suppressed, show_suppressed, ledger, stderr)
    except OSError as exc:
        _usage(f"cannot write {ledger}: {exc.strerror or exc}")
    _finish(report.summary, stats, quiet, alerts=len(report.alerts), fail_on_alert=fail_on_alert)


@app.command("normalize")
def normalize_command(
    paths: PathsArg,
    output: OutputOpt = None,
    asn_db: AsnOpt = None,
    city_db: CityOpt = None,
    namespace: NamespaceOpt = "default",
    stats: StatsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write raw CloudTrail as ECS documents (NDJSON), as Elastic's AWS integration maps it."""
    counters = RunCounters()
    options = _normalize_options(asn_db, city_db, namespace)
    target = _binary_target(output)
    try:
        for _, document in read_documents(paths, options, counters, _print_diagnostic):
            write_ndjson([document], target)
            counters.records_evaluated += 1
    finally:
        if output is not None:
            target.close()
    _finish(counters.frozen(), stats, quiet, alerts=None, fail_on_alert=False)


@app.command("simulate")
def simulate_command(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the simulated trail into.")],
    events: Annotated[int, typer.Option(help="About how many records to write.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 1,
    late_files: Annotated[
        float, typer.Option(help="Fraction of log files delivered 1 to 6 hours late.")
    ] = 0.0,
) -> None:
    """Write a realistic simulated day of CloudTrail with labelled scenarios."""
    if events <= 0:
        _usage("--events must be positive")
    if not 0.0 <= late_files <= 1.0:
        _usage("--late-files must be a fraction between 0 and 1")
    delivery = DeliveryOptions(late_files=late_files)
    manifest = simulate_day(out_dir, events=events, seed=seed, delivery=delivery)
    stderr.print(
        f"wrote {manifest.records_written} records in {manifest.files_written} files "
        f"to {out_dir} ({manifest.expected_alert_count} alerts expected; see manifest.json)"
    )


rules_app = typer.Typer(help="List and check rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
register_store_commands(app)
register_tune_command(app)
register_report_command(app)
register_compare_command(app)
register_watch_command(app)


@rules_app.command("validate")
def rules_validate(
    rule_paths: Annotated[list[Path], typer.Argument(help="Rule files or folders.")],
) -> None:
    """Check that every rule loads, parses and runs; exit 0 only when all are supported."""
    checks = list(check_rule_files(rule_paths))
    for check in checks:
        typer.echo(str(check))
    failed = sum(1 for check in checks if not check.supported)
    stderr.print(f"{len(checks) - failed} of {len(checks)} rule(s) supported", markup=False)
    if not checks:
        _usage("no rule files found")
    raise typer.Exit(EXIT_ALERTS if failed else EXIT_OK)


@rules_app.command("list")
def rules_list(
    rule_paths: Annotated[list[Path] | None, typer.Argument(help="Rule files or folders.")] = None,
) -> None:
    """Show the bundled rules and any given ones."""
    for label, rules in (("bundled", bundled_rules()), ("given", _load(rule_paths or []))):
        for rule in rules:
            typer.echo(f"{label}\t{rule.rule_id}\t{rule.severity}\t{rule.name}")


def _rules(rule_paths: list[Path] | None) -> list[Rule]:
    return _load(rule_paths) if rule_paths else bundled_rules()


def _load(paths: list[Path]) -> list[Rule]:
    try:
        return load_rules(paths)
    except TrailsweepError as exc:
        _usage(str(exc))


def _normalize_options(asn: Path | None, city: Path | None, namespace: str) -> NormalizeOptions:
    try:
        asn_db: GeoIpDatabase | None = open_geoip(asn) if asn else None
        city_db: GeoIpDatabase | None = open_geoip(city) if city else None
    except TrailsweepError as exc:
        _usage(str(exc))
    return NormalizeOptions(namespace=namespace, asn_db=asn_db, city_db=city_db)


def _print_diagnostic(level: str, message: str) -> None:
    style = "red" if level == "error" else "yellow"
    stderr.print(f"[{style}]{level}[/{style}]: ", end="")
    stderr.print(message, markup=False)


def _write_documents(documents: list[dict[str, object]], output: Path | None) -> None:
    _write_with(lambda target: write_ndjson(documents, target), output)


def _write_with(write: Callable[[BinaryIO], object], output: Path | None) -> None:
    target = _binary_target(output)
    try:
        write(target)
    finally:
        if output is not None:
            target.close()
        else:
            target.flush()


def _binary_target(output: Path | None) -> BinaryIO:
    if output is None:
        return sys.stdout.buffer
    try:
        return output.open("wb")
    except OSError as exc:
        _usage(f"cannot write {output}: {exc.strerror or exc}")


def _text_target(output: Path | None) -> TextIO:
    if output is None:
        return sys.stdout
    return output.open("w", encoding="utf-8")


def _finish(
    summary: RunSummary, stats: Path | None, quiet: bool, *, alerts: int | None, fail_on_alert: bool
) -> NoReturn:
    if stats is not None:
        stats.write_bytes(orjson.dumps(summary.as_json(), option=orjson.OPT_INDENT_2))
    if not quiet:
        stderr.print(_summary_line(summary, alerts), markup=False)
    if fail_on_alert and alerts:
        raise typer.Exit(EXIT_ALERTS)
    raise typer.Exit(EXIT_REJECTED_INPUT if summary.had_rejections else EXIT_OK)


def _summary_line(summary: RunSummary, alerts: int | None) -> str:
    skipped = sum(summary.files_skipped.values())
    text = (
        f"files: {summary.files_read} read, {skipped} skipped, {summary.files_rejected} rejected; "
        f"records: {summary.records_read} read, {summary.records_evaluated} evaluated, "
        f"{summary.total_rejected} rejected"
    )
    if summary.records_rejected:
        reasons = ", ".join(f"{n} {r}" for r, n in summary.records_rejected.items())
        text += f" ({reasons})"
    if summary.records_with_warnings:
        text += f", {summary.records_with_warnings} with warnings"
    if summary.records_allowlisted:
        text += f", {summary.records_allowlisted} dropped by allowlist"
    if alerts is None:
        return text
    suppressed = sum(summary.alerts_suppressed.values())
    return text + f"; alerts: {alerts}" + (f" ({suppressed} suppressed)" if suppressed else "")


def _usage(message: str) -> NoReturn:
    stderr.print("error: ", end="", style="red")
    stderr.print(message, markup=False)
    raise typer.Exit(EXIT_USAGE)


def main() -> None:
    """Console-script entry point."""
    run_standalone()
    app()
