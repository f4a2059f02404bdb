"""`trailsweep watch SOURCE --state DIR`: continuous detection over a folder, an S3 trail or an
SQS queue of S3 notifications, with alerts to NDJSON, stdout or a webhook."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from trailsweep.alerts.allowlist import Allowlist
from trailsweep.alerts.allowlist_loader import load_allowlists
from trailsweep.cli.allowlist_options import AllowlistOpt
from trailsweep.cli.arguments import (
    AsnOpt,
    CityOpt,
    JobsOpt,
    QuietOpt,
    RulesOpt,
    ThresholdOpt,
    WindowOpt,
    parameter_overrides,
)
from trailsweep.cli.memory import keep_pandas_unloaded
from trailsweep.cli.options import EXIT_OK
from trailsweep.errors import TrailsweepError
from trailsweep.normalize import NormalizeOptions
from trailsweep.pipeline import ScanOptions
from trailsweep.schedule.runs import ScheduleError, parse_span

SourceArg = Annotated[
    str,
    typer.Argument(
        help="A folder, s3://bucket/prefix (a trail's bucket), or an SQS queue "
        "(sqs://name or its https URL) of S3 event notifications."
    ),
]
StateOpt = Annotated[
    Path, typer.Option("--state", help="Folder of the watcher's state (created if missing).")
]
OnceOpt = Annotated[bool, typer.Option("--once", help="Process everything new, then exit.")]
FlushOpt = Annotated[
    bool,
    typer.Option("--flush", help="Treat the end of input as the end of time: close every window."),
]
AlertsFileOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Append alerts (NDJSON) to this file.")
]
StdoutOpt = Annotated[
    bool, typer.Option("--stdout", help="Alerts to stdout (the default when no sink is given).")
]
WebhookOpt = Annotated[
    list[str] | None, typer.Option("--webhook", help="POST each alert (JSON) to this URL.")
]
SlackOpt = Annotated[
    bool, typer.Option("--slack", help='Webhook bodies as Slack-compatible {"text": ...}.')
]
LatenessOpt = Annotated[
    str, typer.Option("--lateness", help="How long a window waits for late events (e.g. 15m).")
]
RetentionOpt = Annotated[
    str, typer.Option("--retention", help="How long events are kept for late arrivals (e.g. 7d).")
]
PollOpt = Annotated[str, typer.Option("--poll", help="Wait between polls when idle (e.g. 30s).")]
BatchOpt = Annotated[int, typer.Option("--batch-files", help="Files per committed batch.")]
SettleOpt = Annotated[
    float, typer.Option("--settle", help="Folder: seconds a file must be unchanged to be read.")
]
EpisodesOpt = Annotated[
    bool,
    typer.Option("--episodes", help="Merge consecutive windows of one group into one alert."),
]
WatchStatsOpt = Annotated[
    Path | None, typer.Option("--stats", help="Keep the watcher's health as JSON in this file.")
]
EndpointOpt = Annotated[
    str | None, typer.Option("--endpoint-url", help="S3/SQS endpoint (e.g. a local emulator).")
]
RegionOpt = Annotated[str | None, typer.Option("--region", help="AWS region of the bucket/queue.")]


IDLE_LINE_SECONDS = 600.0


def register(app: typer.Typer) -> None:
    """Add `watch` to the `trailsweep` application."""
    app.command("watch")(watch_command)


def watch_command(
    source: SourceArg,
    state: StateOpt,
    once: OnceOpt = False,
    flush: FlushOpt = False,
    output: AlertsFileOpt = None,
    stdout: StdoutOpt = False,
    webhook: WebhookOpt = None,
    slack: SlackOpt = False,
    lateness: LatenessOpt = "15m",
    retention: RetentionOpt = "7d",
    poll: PollOpt = "30s",
    batch_files: BatchOpt = 64,
    settle: SettleOpt = 1.0,
    episodes: EpisodesOpt = False,
    stats: WatchStatsOpt = None,
    endpoint_url: EndpointOpt = None,
    region: RegionOpt = None,
    rule_paths: RulesOpt = None,
    threshold: ThresholdOpt = None,
    window: WindowOpt = None,
    jobs: JobsOpt = None,
    asn_db: AsnOpt = None,
    city_db: CityOpt = None,
    allowlist_paths: AllowlistOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Run the rules continuously over new CloudTrail files: windows in event time under a
    watermark (latest event minus --lateness), late events update their alert in place, and
    a restart after a crash resumes exactly where the last committed batch ended."""
    from trailsweep.cli import main as cli
    from trailsweep.sinks.alert_events import AlertSink
    from trailsweep.sinks.alert_file import AlertFileSink
    from trailsweep.sinks.alert_stdout import AlertStdoutSink
    from trailsweep.sinks.webhook import WebhookSink
    from trailsweep.sources.watch import open_watch_source
    from trailsweep.watch import Watcher, WatchHealth, WatchOptions, WatchState, write_stats

    try:
        overrides = parameter_overrides(threshold, window)
        options = WatchOptions(
            scan=ScanOptions(
                normalize=cli._normalize_options(asn_db, city_db, NormalizeOptions().namespace),
                parameters=overrides,
                jobs=jobs,
            ),
            lateness=_span(lateness, "--lateness", allow_zero=True),
            retention=_span(retention, "--retention"),
            batch_files=max(1, batch_files),
            poll_seconds=_span(poll, "--poll", allow_zero=True).total_seconds(),
            flush=flush,
            episodes=episodes,
            allowlist=_allowlist(allowlist_paths),
        )
    except ValueError as exc:
        cli._usage(str(exc))
    rules = cli._rules(rule_paths)
    report = cli._print_diagnostic
    keep_pandas_unloaded()
    sinks: list[AlertSink] = []
    try:
        if output is not None:
            sinks.append(AlertFileSink(output, report))
        for url in webhook or ():
            sinks.append(WebhookSink(url, report, slack=slack))
        if stdout or not sinks:
            sinks.append(AlertStdoutSink(report=report))
    except ValueError as exc:
        cli._usage(str(exc))
    stop = threading.Event()

    printed: list[tuple[object, float]] = []

    def on_health(health: WatchHealth) -> None:
        if stats is not None:
            write_stats(stats, health)
        # A line when something moved; while idle, one every IDLE_LINE_SECONDS at most.
        progress = (health.files_processed, health.alerts_created, health.alerts_updated,
                    health.alerts_suppressed, health.expired_events)  # fmt: skip
        now = time.monotonic()
        if not quiet and (
            not printed or printed[-1][0] != progress or now - printed[-1][1] >= IDLE_LINE_SECONDS
        ):
            cli.stderr.print(health.status_line(), markup=False)
            printed[:] = [(progress, now)]

    if _inside(state, source):
        cli._usage(
            f"--state {state} is inside the watched folder {source}: the watcher would read "
            "its own state as input (put the state elsewhere)"
        )
    try:
        watched = open_watch_source(
            source, endpoint_url=endpoint_url, region=region, settle_seconds=settle, report=report
        )
        store = WatchState(state)
    except TrailsweepError as exc:
        cli._usage(str(exc))
    try:
        watcher = Watcher(watched, store, rules, sinks, options, report)
        try:
            with _stop_on_signals(stop):
                watcher.run(stop, once=once, on_health=on_health)
        finally:
            watcher.close()
    except TrailsweepError as exc:
        cli._usage(str(exc))
    finally:
        store.close()
        watched.close()
    raise typer.Exit(EXIT_OK)


def _allowlist(paths: list[Path] | None) -> Allowlist:
    """Every entry of the files (the watcher applies those in force day by day)."""
    if not paths:
        return Allowlist()
    try:
        return load_allowlists(paths)
    except TrailsweepError as exc:
        raise ValueError(str(exc)) from exc


def _inside(state: Path, source: str) -> bool:
    """Whether the state folder lies in a watched local folder."""
    folder = Path(source)
    if "://" in source or not folder.is_dir():
        return False
    return state.resolve().is_relative_to(folder.resolve())


def _span(text: str, option: str, allow_zero: bool = False) -> timedelta:
    """`30s`, `15m`, `2h`, `7d`; seconds may be fractional (`0.5s`) where zero is allowed."""
    text = text.strip()
    if allow_zero and text.endswith("s"):
        try:
            seconds = float(text[:-1])
        except ValueError:
            seconds = -1.0
        if seconds >= 0:
            return timedelta(seconds=seconds)
    try:
        return parse_span(text, option)
    except ScheduleError as exc:
        raise ValueError(str(exc)) from exc


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While inside: SIGTERM, SIGINT and SIGHUP finish the batch in hand, deliver, and exit
    cleanly (the previous handlers come back afterwards)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    names = ("SIGTERM", "SIGINT", "SIGHUP")
    numbers = [getattr(signal, name) for name in names if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread; the caller stops us some other way
        return
    previous = {number: signal.signal(number, handler) for number in numbers}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
