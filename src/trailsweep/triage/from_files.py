"""Context from files: a second, targeted pass over the input for the alerts' actors only.

Each raw CloudTrail record is tested on its raw identity ARN, access key and (canonical)
source address before anything else, and only the actor's records are normalized; every
record's `eventTime` still marks where the history starts. Files are read in worker processes
as `scan` reads them (`map_files`), and bad input is skipped silently: the scan reported it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from trailsweep.errors import InputError
from trailsweep.normalize import (
    FieldSelection,
    NormalizeOptions,
    RecordRejected,
    ecs_document_from,
    flatten_document,
    normalize_record,
    open_geoip,
)
from trailsweep.normalize.addresses import canonical_ip
from trailsweep.parallel import map_files
from trailsweep.sources import SourceRecord, discover, read_file
from trailsweep.triage.events import CONTEXT_FIELDS, ContextEvent, as_time, event_from_fields
from trailsweep.triage.history import History, HistoryBuilder


@dataclass(frozen=True)
class ActorFilter:
    """Whose events to keep, and in which time range (picklable)."""

    principals: frozenset[str]
    source_ips: frozenset[str]
    access_keys: frozenset[str]
    since: datetime
    until: datetime

    def involves(self, event: ContextEvent) -> bool:
        """Whether the event is one of the actors'."""
        return (
            event.principal_arn in self.principals
            or event.source_ip in self.source_ips
            or event.access_key_id in self.access_keys
        )

    def raw_may_involve(self, record: dict[str, Any]) -> bool:
        """Whether a raw CloudTrail record can be one of the actors' (never false for one that
        is: these are the raw fields the ECS fields are copied from)."""
        identity = record.get("userIdentity")
        if isinstance(identity, dict):
            if identity.get("arn") in self.principals:
                return True
            if identity.get("accessKeyId") in self.access_keys:
                return True
        address = record.get("sourceIPAddress")
        return isinstance(address, str) and canonical_ip(address) in self.source_ips


@dataclass(frozen=True)
class ContextReadSpec:
    """What a worker needs to read files for context (databases travel as paths)."""

    actors: ActorFilter
    namespace: str
    asn_path: str | None
    city_path: str | None


@dataclass(frozen=True)
class ContextOutcome:
    """One file's actor events in range, and its partial history."""

    events: tuple[ContextEvent, ...]
    history: History


class ContextFileReader:
    """Reads files for context under one spec; built once per process."""

    def __init__(self, spec: ContextReadSpec, options: NormalizeOptions | None = None) -> None:
        self._spec = spec
        self._options = options or NormalizeOptions(
            namespace=spec.namespace,
            asn_db=open_geoip(spec.asn_path) if spec.asn_path else None,
            city_db=open_geoip(spec.city_path) if spec.city_path else None,
        )
        self._selection = FieldSelection(CONTEXT_FIELDS)
        # Before the windows a record matters only as a first sighting: per raw (principal,
        # address, user agent), the earliest time normalized so far.
        self._sighted: dict[tuple[str, str, str], datetime] = {}

    def read(self, path: Path) -> ContextOutcome:
        """Read one file."""
        actors = self._spec.actors
        history = HistoryBuilder(actors.principals)
        events: list[ContextEvent] = []
        for item in read_file(path):
            if not isinstance(item, SourceRecord):
                continue
            document = self._document(item, history)
            if document is None:
                continue
            event = event_from_fields(flatten_document(document, self._selection))
            if event is None:
                continue
            history.saw(event)
            if actors.since <= event.timestamp < actors.until and actors.involves(event):
                events.append(event)
        return ContextOutcome(tuple(events), history.build())

    def _may_matter(self, data: dict[str, Any], moment: datetime | None) -> bool:
        """False for an actor's record that can change nothing: after every window (a
        sighting then is no earlier sighting), or before them with a raw principal, address
        and user agent already normalized at an earlier or equal time."""
        actors = self._spec.actors
        if moment is None or actors.since <= moment < actors.until:
            return True
        if moment >= actors.until:
            return False
        key = _sighting_key(data)
        if key is None:
            return True
        known = self._sighted.get(key)
        if known is not None and known <= moment:
            return False
        self._sighted[key] = moment
        return True

    def _document(self, item: SourceRecord, history: HistoryBuilder) -> dict[str, Any] | None:
        data = item.data
        if item.kind == "ecs":
            try:
                return ecs_document_from(data)
            except InputError:
                return None
        if not isinstance(data, dict):
            return None
        raw_time = data.get("eventTime")
        moment = as_time(raw_time) if isinstance(raw_time, str) else None
        history.saw_time(moment)
        actors = self._spec.actors
        if not actors.raw_may_involve(data) or not self._may_matter(data, moment):
            return None
        try:
            return normalize_record(data, self._options).document
        except RecordRejected:
            return None


def _sighting_key(data: dict[str, Any]) -> tuple[str, str, str] | None:
    identity = data.get("userIdentity")
    arn = identity.get("arn") if isinstance(identity, dict) else None
    address, agent = data.get("sourceIPAddress"), data.get("userAgent")
    if type(arn) is str and type(address) is str and type(agent) is str:
        return arn, address, agent
    return None


def read_context_events(
    paths: Sequence[Path],
    actors: ActorFilter,
    options: NormalizeOptions,
    jobs: int | None = None,
) -> tuple[list[ContextEvent], History]:
    """The actors' events in range under `paths`, and the history of the whole input."""
    files = [found for found in discover(paths) if isinstance(found, Path)]
    spec = ContextReadSpec(
        actors,
        options.namespace,
        options.asn_db.path if options.asn_db is not None else None,
        options.city_db.path if options.city_db is not None else None,
    )
    history = HistoryBuilder(actors.principals)
    events: list[ContextEvent] = []
    outcomes: Iterable[ContextOutcome] = map_files(
        files, jobs, ContextFileReader, spec, lambda: ContextFileReader(spec, options)
    )
    for outcome in outcomes:
        events.extend(outcome.events)
        history.merge(outcome.history)
    return events, history.build()
