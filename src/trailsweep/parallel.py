"""Reading files in worker processes, one file at a time, merged back in file order.

A worker reads a file, screens, prefilters and normalizes its records, and keeps only the
fields the rules read; the parent gets those rows, the counts and the diagnostics of each file
in the order the files were found, so output and messages are the same as a one-process run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from trailsweep.alerts.allowlist import MATCHED_FIELDS, EventDropper
from trailsweep.engine.plan import RulePlan, plan_rules
from trailsweep.engine.prefilter import Prefilter, build_prefilter
from trailsweep.engine.table import select_fields
from trailsweep.errors import Location
from trailsweep.normalize import FieldSelection, NormalizeOptions, flatten_document, open_geoip
from trailsweep.reading import file_candidates
from trailsweep.rules.model import Rule
from trailsweep.summary import RunCounters

Outcome = TypeVar("Outcome")
Outcome_co = TypeVar("Outcome_co", covariant=True)
Spec = TypeVar("Spec")

# Below this much input, starting workers costs more than it saves.
PARALLEL_MIN_BYTES = 32 << 20


@dataclass(frozen=True)
class ReaderSpec:
    """Everything a worker needs to read files as the parent would (picklable)."""

    rules: tuple[Rule, ...]
    parameters: Mapping[str, object]
    now: datetime | None
    namespace: str
    asn_path: str | None
    city_path: str | None
    prefilter: bool
    fields: tuple[tuple[str, ...], ...]
    """Per rule, the fields its table needs."""
    patterns: tuple[tuple[str, ...], ...]
    """Per rule, the KEEP patterns whose matching fields its table needs."""
    dropper: EventDropper | None = None
    """Drop-mode allowlist entries, per rule: matching events never reach its table."""

    @staticmethod
    def of(
        rules: Sequence[Rule],
        parameters: Mapping[str, object],
        now: datetime | None,
        options: NormalizeOptions,
        prefilter: bool,
        fields: Iterable[Iterable[str]],
        patterns: Iterable[Iterable[str]],
        dropper: EventDropper | None = None,
    ) -> ReaderSpec:
        """The spec of a scan (databases travel as paths and are reopened in each worker)."""
        return ReaderSpec(
            rules=tuple(rules),
            parameters=dict(parameters),
            now=now,
            namespace=options.namespace,
            asn_path=options.asn_db.path if options.asn_db is not None else None,
            city_path=options.city_db.path if options.city_db is not None else None,
            prefilter=prefilter,
            fields=tuple(tuple(names) for names in fields),
            patterns=tuple(tuple(names) for names in patterns),
            dropper=dropper or None,
        )


@dataclass(frozen=True)
class FileOutcome:
    """What reading one file produced: per rule, the rows (wanted fields) of the records that
    rule may match; counts; diagnostics."""

    rows: list[list[tuple[dict[str, Any], Location]]]
    counters: RunCounters
    diagnostics: list[tuple[str, str]]


class FileReader:
    """Reads files under one spec; built once per process."""

    def __init__(
        self,
        spec: ReaderSpec,
        options: NormalizeOptions | None = None,
        plans: Sequence[RulePlan] | None = None,
    ) -> None:
        self._spec = spec
        self._dropper = spec.dropper
        # Allowlist matchers read fields the rules may not: flatten those too.
        matched = set(MATCHED_FIELDS) if self._dropper is not None else set()
        self._selection = FieldSelection(
            {name for names in spec.fields for name in names} | matched,
            {pattern for patterns in spec.patterns for pattern in patterns},
        )
        options = options or NormalizeOptions(
            namespace=spec.namespace,
            asn_db=open_geoip(spec.asn_path) if spec.asn_path else None,
            city_db=open_geoip(spec.city_path) if spec.city_path else None,
        )
        # Only the selected fields of a document are kept: normalizing may skip the steps
        # (user agent parse, GeoIP, payload text ...) whose fields are not among them.
        self._options = replace(options, wanted=self._selection)
        if plans is None:  # in a worker process: plan the rules here
            plans = plan_rules(spec.rules, spec.parameters, spec.now)
        prefilter = build_prefilter(plans, self._options)
        self._prefilter: Prefilter | None = prefilter if spec.prefilter else None

    def read(self, path: Path) -> FileOutcome:
        """Read one file."""
        counters = RunCounters()
        diagnostics: list[tuple[str, str]] = []
        spec = self._spec
        rows: list[list[tuple[dict[str, Any], Location]]] = [[] for _ in spec.fields]
        everyone = tuple(range(len(spec.fields)))
        documents = file_candidates(
            path,
            self._options,
            counters,
            lambda level, message: diagnostics.append((level, message)),
            self._prefilter,
        )
        dropper = self._dropper
        for record, document, passing in documents:
            flat = flatten_document(document, self._selection)
            matched = dropper.matching(flat) if dropper is not None else ()
            dropped = None
            # Each rule's table holds only the records its own raw test let through.
            for index in everyone if passing is None else passing:
                entry = dropper.dropping(matched, index) if matched and dropper else None
                if entry is not None:
                    dropped = entry
                    continue
                wanted = select_fields(flat, spec.fields[index], spec.patterns[index])
                rows[index].append((wanted, record.location))
            counters.records_evaluated += 1
            if dropped is not None:
                counters.records_allowlisted += 1
                counters.allowlist_hits[dropped.id] += 1
        return FileOutcome(rows, counters, diagnostics)


def read_files(
    files: Sequence[Path],
    spec: ReaderSpec,
    options: NormalizeOptions,
    jobs: int | None,
    plans: Sequence[RulePlan] | None = None,
) -> Iterator[FileOutcome]:
    """The outcome of every file, in order (see `map_files`); `plans` spares this process
    planning the rules again."""
    return map_files(files, jobs, FileReader, spec, lambda: FileReader(spec, options, plans))


class PathReader(Protocol[Outcome_co]):
    """Something that reads one file into an outcome (built once per process)."""

    def read(self, path: Path) -> Outcome_co:
        """Read one file."""
        ...


def map_files(
    files: Sequence[Path],
    jobs: int | None,
    build: Callable[[Spec], PathReader[Outcome]],
    spec: Spec,
    local: Callable[[], PathReader[Outcome]],
) -> Iterator[Outcome]:
    """`build(spec).read(path)` for every file, results in file order: in `jobs` worker
    processes when given; when None, one per core once the input is large enough to pay for
    starting them; else in this process, with the reader `local()` makes."""
    workers = min(jobs or os.cpu_count() or 1, len(files))
    worth_it = jobs is not None or _total_size(files) >= PARALLEL_MIN_BYTES
    if workers > 1 and worth_it:
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with context.Pool(workers, initializer=_start_worker, initargs=(build, spec)) as pool:
            yield from pool.imap(_read_in_worker, files, chunksize=2)
        return
    reader = local()
    for path in files:
        yield reader.read(path)


def _total_size(files: Sequence[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


_WORKER: PathReader[Any] | None = None


def _start_worker(build: Callable[[Any], PathReader[Any]], spec: Any) -> None:
    global _WORKER
    _WORKER = build(spec)


def _read_in_worker(path: Path) -> Any:
    assert _WORKER is not None, "worker used before its initializer ran"
    return _WORKER.read(path)
