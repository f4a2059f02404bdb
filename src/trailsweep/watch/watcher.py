"""The watcher: polls a source, reads each batch of new files, keeps the rules' candidate
events, evaluates the windows the watermark closed, and emits every alert once (updates
aside), each batch committed to the state in one transaction.

A batch goes: poll → fetch → read and normalize → (one transaction: files, events, the
latest event time, the source position, evaluation, alert revisions and the outbox) →
acknowledge the source → deliver the outbox to every sink → record how far each got. A crash
before the commit loses nothing (the batch is read again); after it, nothing is read twice
(the files are known) and nothing is emitted twice (sinks resume from their recorded or
recovered position).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from trailsweep.alerts.allowlist import Allowlist, AllowlistEntry
from trailsweep.alerts.document import alert_document
from trailsweep.engine.engines import open_engine, require_engine
from trailsweep.errors import Location
from trailsweep.parallel import FileOutcome, read_files
from trailsweep.pipeline import Diagnostic, ScanOptions, plan_read
from trailsweep.rules.model import Rule
from trailsweep.sinks.alert_events import AlertEvent, AlertSink
from trailsweep.sources.watch import (
    DeliveredObject,
    MissingObjectError,
    Poll,
    SourceError,
    WatchSource,
)
from trailsweep.summary import RunCounters
from trailsweep.watch.emission import decide, is_closed
from trailsweep.watch.episodes import EpisodeTracker
from trailsweep.watch.evaluation import RuleWindows, WindowAlert, evaluate_periods
from trailsweep.watch.health import WatchHealth
from trailsweep.watch.state import EmittedAlert, StoredEvent, WatchState
from trailsweep.watch.suppression import AllowlistInForce
from trailsweep.watch.windows import EPOCH, floor_time, iso_utc, parse_utc, window_shape

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class WatchOptions:
    """How the watcher reads, waits for late events, and batches."""

    scan: ScanOptions = field(default_factory=ScanOptions)
    lateness: timedelta = timedelta(minutes=15)
    """How far behind the latest event time a window stays open for late events."""
    retention: timedelta = timedelta(days=7)
    """How long candidate events are kept for late arrivals; older arrivals are reported."""
    batch_files: int = 64
    poll_seconds: float = 30.0
    flush: bool = False
    """Treat the end of input as the end of time: close every open window when a poll finds
    nothing new."""
    episodes: bool = False
    """Merge consecutive windows of one group into one episode alert."""
    allowlist: Allowlist = field(default_factory=Allowlist)
    """Every allowlist entry loaded; those in force on the current day apply (drop-mode ones
    in the reading, suppress-mode ones before emission)."""


@dataclass
class _Batch:
    """What one batch read, before it is committed."""

    objects: list[DeliveredObject] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    records: int = 0
    latest: datetime | None = None


class Watcher:
    """Runs rules continuously over a watched source, with its state in a folder."""

    def __init__(
        self,
        source: WatchSource,
        state: WatchState,
        rules: Sequence[Rule],
        sinks: Sequence[AlertSink],
        options: WatchOptions | None = None,
        on_diagnostic: Diagnostic | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.options = options or WatchOptions()
        require_engine(self.options.scan.engine)
        self.source = source
        self.state = state
        self.sinks = tuple(sinks)
        self._report: Diagnostic = on_diagnostic or (lambda level, message: None)
        self._clock = clock
        self._rule_list = tuple(rules)
        self._allowlist = AllowlistInForce(self.options.allowlist, self._report)
        self._allowlist.turn_to(clock().date())
        self._plan()
        self._episodes = EpisodeTracker(state) if self.options.episodes else None
        self._engine = open_engine(self.options.scan.engine)
        self._scratch = state.folder / "fetched"
        shutil.rmtree(self._scratch, ignore_errors=True)
        self._scratch.mkdir(parents=True)
        self._backlog: int | None = 0
        self._rate = 0.0
        self._open_windows = 0
        self._recover_sinks()

    def _plan(self) -> None:
        """Plan the rules and the reading under the allowlist entries in force."""
        scan = replace(self.options.scan, allowlist=self._allowlist.live)
        plans, _, spec = plan_read([], self._rule_list, scan, RunCounters(), self._report)
        self._plans = plans
        self._spec = spec
        self._rules = [
            RuleWindows(plan, window_shape(plan), spec.fields[i], spec.patterns[i])
            for i, plan in enumerate(plans)
        ]

    def close(self) -> None:
        """Close the engine and every sink (the state and source are the caller's)."""
        self._engine.close()
        for sink in self.sinks:
            sink.close()
        shutil.rmtree(self._scratch, ignore_errors=True)

    # -- the loop --------------------------------------------------------------------------

    def run(
        self,
        stop: threading.Event,
        once: bool = False,
        on_health: Callable[[WatchHealth], None] | None = None,
    ) -> None:
        """Poll and process until `stop` is set (or, with `once`, until nothing is new)."""
        while not stop.is_set():
            try:
                processed = self.step()
            except SourceError as exc:
                if once:
                    raise
                # A network blip or a throttled listing: the next poll tries again.
                self._report("error", f"{exc} (trying again in {self.options.poll_seconds:g} s)")
                stop.wait(self.options.poll_seconds)
                continue
            if on_health is not None:
                on_health(self.health())
            if processed:
                continue  # more may be waiting: poll again at once
            if once:
                return
            stop.wait(self.options.poll_seconds)

    def step(self) -> int:
        """One poll and the batch it found; returns how many files were processed."""
        if self._allowlist.turn_to(self._clock().date()):
            self._plan()
        cursor = self.state.meta("cursor")
        poll = self.source.poll(cursor, self._is_known, self.options.batch_files)
        self._backlog = poll.backlog
        if poll.known:
            self.source.acknowledge(poll.known)
        if poll.objects:
            self._process(poll)
            self.source.acknowledge(poll.objects)
        elif self.options.flush:
            self._flush()
        self.deliver()
        return len(poll.objects)

    def _is_known(self, key: str) -> bool:
        return key in self.state.known_files

    # -- one batch -------------------------------------------------------------------------

    def _process(self, poll: Poll) -> None:
        started = time.monotonic()
        batch = self._read(poll.objects)
        keys = [obj.key for obj in batch.objects]
        try:
            with self.state.transaction():
                self._commit(batch, poll.cursor)
        except BaseException:
            self.state.forget_pending_files(keys)
            raise
        elapsed = max(time.monotonic() - started, 1e-6)
        self._rate = batch.records / elapsed

    def _read(self, objects: Sequence[DeliveredObject]) -> _Batch:
        batch = _Batch()
        fetched: list[tuple[DeliveredObject, Path]] = []
        try:
            for obj in objects:
                path = self._fetch(obj)
                if path is None:
                    batch.objects.append(obj)
                    batch.outcomes.append(_missing(obj, len(self._rules)))
                    continue
                fetched.append((obj, path))
            paths = [path for _, path in fetched]
            outcomes = read_files(paths, self._spec, self.options.scan.normalize,
                                  self.options.scan.jobs, self._plans)  # fmt: skip
            for (obj, path), outcome in zip(fetched, outcomes, strict=True):
                outcome = _as_delivered(outcome, path, obj.display)
                for level, message in outcome.diagnostics:
                    self._report(level, message)
                batch.objects.append(obj)
                batch.outcomes.append(outcome)
                batch.records += outcome.counters.records_read
                seen = outcome.counters.latest_event
                if seen is not None and (batch.latest is None or seen > batch.latest):
                    batch.latest = seen
        finally:
            for _, path in fetched:
                self.source.discard(path)
        return batch

    def _fetch(self, obj: DeliveredObject) -> Path | None:
        try:
            return self.source.fetch(obj, self._scratch)
        except MissingObjectError as exc:
            self._report(
                "error", f"{obj.display}: not read, it vanished before it could be ({exc})"
            )
            return None

    def _commit(self, batch: _Batch, cursor: str | None) -> None:
        state = self.state
        old_latest = state.latest_event()
        new_latest = _later(old_latest, batch.latest)
        lateness = self.options.lateness
        old_mark = None if old_latest is None else old_latest - lateness
        new_mark = None if new_latest is None else new_latest - lateness
        horizon = None if new_latest is None else new_latest - self.options.retention
        counts: Counter[str] = Counter()
        events: list[StoredEvent] = []
        dirty: list[set[datetime]] = [set() for _ in self._rules]
        for obj, outcome in zip(batch.objects, batch.outcomes, strict=True):
            state.add_file(obj.key, obj.version, obj.size, obj.display,
                           outcome.counters.records_read,
                           sum(outcome.counters.records_rejected.values()))  # fmt: skip
            counts.update(_file_counts(outcome))
            late: set[Location] = set()
            expired: list[Location] = []
            # Kept events are read back file by file in the order a batch scan reads the
            # files (Path order: part by part), then record by record.
            order = "\x00".join(obj.key.split("/"))
            for index, rule in enumerate(self._rules):
                for fields, location in outcome.rows[index]:
                    moment = parse_utc(fields.get("@timestamp"))
                    if moment is None:  # normalized documents always have one
                        continue
                    period = rule.shape.period_start(moment)
                    if horizon is not None and period + rule.shape.period <= horizon:
                        expired.append(location)
                        continue
                    if old_mark is not None and moment < old_mark:
                        late.add(location)
                    events.append(StoredEvent(rule.plan.rule.rule_id, period, order, location,
                                              fields))  # fmt: skip
                    dirty[index].add(period)
            counts["late_events"] += len(late)
            if expired and horizon is not None:  # (only a horizon makes events expire)
                distinct = sorted(set(expired), key=str)
                counts["expired_events"] += len(distinct)
                self._report(
                    "warning",
                    f"{obj.display}: {len(distinct)} event(s) older than the retention horizon "
                    f"({iso_utc(horizon)}) were not evaluated (first: {distinct[0]})",
                )
        state.add_events(events)
        if new_latest is not None and new_latest != old_latest:
            state.set_latest_event(new_latest)
        if cursor is not None:
            state.set_meta("cursor", cursor)
        state.set_meta("flushed_latest", None)  # new input: the next flush closes its windows
        counts.update(self._evaluate(dirty, old_mark, new_mark, flushing=False))
        if horizon is not None:
            longest = max((rule.shape.period for rule in self._rules), default=timedelta(0))
            counts["pruned_events"] += state.prune_events(horizon - longest)
        state.add_counts(dict(counts))

    def _flush(self) -> None:
        """Close every open window (end of input is the end of time), once per new input."""
        latest = self.state.latest_event()
        if latest is None or self.state.meta("flushed_latest") == latest.isoformat():
            return
        mark = latest - self.options.lateness
        with self.state.transaction():
            counts = self._evaluate([set() for _ in self._rules], mark, mark, flushing=True)
            self.state.set_meta("flushed_latest", latest.isoformat())
            self.state.add_counts(dict(counts))

    def _evaluate(
        self,
        dirty: Sequence[set[datetime]],
        old_mark: datetime | None,
        new_mark: datetime | None,
        flushing: bool,
    ) -> Counter[str]:
        """Evaluate the periods with new events and those whose windows may have closed (all
        from the old watermark on), and record what is due."""
        counts: Counter[str] = Counter()
        waiting = 0
        state = self.state
        scratch = RunCounters()
        for rule, periods in zip(self._rules, dirty, strict=True):
            period = rule.shape.period
            low = EPOCH if old_mark is None else floor_time(old_mark, period) - period
            touched = set(periods) | set(
                state.event_periods(rule.plan.rule.rule_id, low, FAR_FUTURE)
            )
            found = evaluate_periods(rule, state, sorted(touched), self._engine, self._report,
                                     scratch)  # fmt: skip
            emitted = state.emitted([item.alert.uuid for item in found])
            found, suppressed = self._allowlist.split(found)
            counts["alerts_suppressed"] += self._suppress(
                rule, suppressed, emitted, new_mark, flushing
            )
            due, open_now = decide(found, emitted, new_mark, flushing)
            waiting += open_now
            if self._episodes is not None and rule.shape.span is not None:
                counts.update(self._episodes.track(rule, due, new_mark, flushing))
                continue
            for emission in due:
                alert = emission.found.alert
                state.record_emission(
                    EmittedAlert(alert.uuid, rule.plan.rule.rule_id, emission.revision,
                                 emission.digest, emission.found.window_end),
                    emission.action,
                    emission.document,
                )  # fmt: skip
                counts[f"alerts_{emission.action}"] += 1
        self._open_windows = waiting
        return counts

    def _suppress(
        self,
        rule: RuleWindows,
        suppressed: Sequence[tuple[WindowAlert, AllowlistEntry]],
        emitted: Mapping[str, EmittedAlert],
        mark: datetime | None,
        flushing: bool,
    ) -> int:
        """Remember (once) the closed alerts an allowlist entry suppressed, and say so."""
        count = 0
        for item, entry in suppressed:
            uuid = item.alert.uuid
            if not is_closed(item, mark, flushing) or uuid in emitted:
                continue
            document = alert_document(item.alert)
            document["trailsweep.suppressed_by"] = {"id": entry.id, "owner": entry.owner}
            self.state.remember_alert(
                EmittedAlert(uuid, rule.plan.rule.rule_id, 0, "suppressed", item.window_end),
                document,
            )
            self._report(
                "info",
                f"alert {uuid} of rule {rule.plan.rule.name!r} suppressed by allowlist entry "
                f"{entry.id!r} (owner {entry.owner})",
            )
            count += 1
        return count

    # -- delivery --------------------------------------------------------------------------

    def _recover_sinks(self) -> None:
        last = self.state.last_sequence()
        for sink in self.sinks:
            recovered = sink.recovered_through()
            if recovered is None or recovered <= self.state.delivered(sink.name):
                continue
            if recovered > last:
                # The sink holds emissions of another state (this one was deleted or is new):
                # trusting it would skip this state's alerts up to that number.
                self._report(
                    "warning",
                    f"{sink.name}: holds alerts up to sequence {recovered}, but this state has "
                    f"emitted only {last}; it was written by another state, so it is not "
                    "taken as proof of delivery",
                )
                continue
            self.state.set_delivered(sink.name, recovered)

    def deliver(self) -> None:
        """Hand every sink the emissions past its position, and record how far it got."""
        for sink in self.sinks:
            entries = self.state.outbox_after(self.state.delivered(sink.name))
            if not entries:
                continue
            events = [AlertEvent(entry.sequence, entry.document) for entry in entries]
            done = sink.deliver(events)
            if done:
                self.state.set_delivered(sink.name, entries[done - 1].sequence)
        self.state.prune_outbox([sink.name for sink in self.sinks])

    # -- health ----------------------------------------------------------------------------

    def health(self) -> WatchHealth:
        """The watcher's health now."""
        totals = self.state.counters()
        latest = self.state.latest_event()
        mark = None if latest is None else latest - self.options.lateness
        now = self._clock()
        return WatchHealth(
            at=now,
            source=self.source.description,
            watermark=mark,
            lag_seconds=None if mark is None else (now - mark).total_seconds(),
            records_per_second=self._rate,
            files_pending=self._backlog,
            files_processed=len(self.state.known_files),
            records_read=totals.get("records_read", 0),
            late_events=totals.get("late_events", 0),
            expired_events=totals.get("expired_events", 0),
            alerts_created=totals.get("alerts_created", 0),
            alerts_updated=totals.get("alerts_updated", 0),
            alerts_suppressed=totals.get("alerts_suppressed", 0),
            open_windows=self._open_windows,
            outbox_pending=self.state.pending_outbox(),
            kept_events=self.state.event_count(),
        )


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None:
        return second
    if second is None:
        return first
    return max(first, second)


def _file_counts(outcome: FileOutcome) -> Counter[str]:
    counters = outcome.counters
    return Counter(
        {
            "files_read": counters.files_read,
            "files_rejected": counters.files_rejected,
            "files_skipped": sum(counters.files_skipped.values()),
            "records_read": counters.records_read,
            "records_evaluated": counters.records_evaluated,
            "records_rejected": sum(counters.records_rejected.values()),
        }
    )


def _missing(obj: DeliveredObject, rules: int) -> FileOutcome:
    counters = RunCounters(files_rejected=1)
    return FileOutcome([[] for _ in range(rules)], counters, [])


def _as_delivered(outcome: FileOutcome, path: Path, display: str) -> FileOutcome:
    """The outcome of a fetched copy, told as of the delivered object (its key, not the local
    copy's name)."""
    local = str(path)
    if local == display:
        return outcome
    rows = [
        [(fields, _moved(location, local, display)) for fields, location in rule_rows]
        for rule_rows in outcome.rows
    ]
    diagnostics = [
        (level, message.replace(local, display)) for level, message in outcome.diagnostics
    ]
    return FileOutcome(rows, outcome.counters, diagnostics)


def _moved(location: Location, local: str, display: str) -> Location:
    if location.path != local:
        return location
    return Location(display, location.line, location.column, location.record)
