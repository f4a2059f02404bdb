"""Reading S3 delivery documents lazily with simdjson: a record that no rule can want, judged by
its eventName, is screened from a few keys and counted, never built as Python objects.

A delivery file is one `{"Records": [...]}` document. simdjson validates and indexes it several
times faster than a full decode; each record is then a lazy view, and only the records a gate
wants (an active rule indexes their eventName) are turned into dicts and read as usual. The
others are screened by the gate (so that a record with no usable time is still rejected, with
its location) and counted in a `PassedOver`.

Anything this path does not handle the same way as the full decode (invalid JSON, numbers that
do not fit 64 bits, another wrapper, a record that is not a plain CloudTrail object) makes it
step aside, and the caller decodes the document in full as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from trailsweep.errors import Location
from trailsweep.sources.classify import MANIFEST_GENERATOR, classify_record
from trailsweep.sources.records import PassedOver, Rejection, SourceItem, record_time

try:  # pysimdjson is optional: without it every document is decoded in full.
    import simdjson
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    simdjson = None  # type: ignore[assignment]

_MISSING = object()


@dataclass(frozen=True)
class RecordGate:
    """Which raw records must be built in full, judged from their eventName alone, and how to
    screen the others.

    `plainly_valid(eventTime, eventSource, eventName)` is True for the usual, valid record;
    for any other, `screen` gets a dict of the `screened_keys` the record has and returns why
    it is rejected, or None when it is fine after all.
    """

    wanted_names: frozenset[str]
    plainly_valid: Callable[[Any, Any, Any], bool]
    screen: Callable[[dict[str, Any]], str | None]
    screened_keys: tuple[str, ...]
    name_suffices: Callable[[str], bool] = lambda name: False
    """True for an eventName with which `plainly_valid` does not depend on eventSource (so the
    reader need not look it up)."""

    def passes_over(self, name: object) -> bool:
        """True when no rule can want a record with this eventName (text)."""
        return type(name) is str and name not in self.wanted_names


def lazy_available() -> bool:
    """True when simdjson is installed (the lazy path can run)."""
    return simdjson is not None


def gated_items(content: bytes, path: str, gate: RecordGate) -> list[SourceItem] | None:
    """The items of a delivery document under the gate, or None when the document is not one
    this path handles (the caller then decodes it in full)."""
    if simdjson is None:
        return None
    # A parser per document: a lazy view of a previous document can then never block it.
    parser = simdjson.Parser()
    try:
        document = parser.parse(content)
        return _items(document, path, gate)
    except (ValueError, RuntimeError, UnicodeDecodeError):
        return None  # invalid or unusual JSON: the full decode reports it exactly


def _items(document: Any, path: str, gate: RecordGate) -> list[SourceItem] | None:
    if not isinstance(document, simdjson.Object):
        return None
    records = document.get("Records")
    if not isinstance(records, simdjson.Array) or document.get("generator") == MANIFEST_GENERATOR:
        return None
    items: list[SourceItem] = []
    passed_over = 0
    latest: str | None = None
    other_times: list[Any] = []
    plainly_valid = gate.plainly_valid
    # Per eventName: 0 = a rule wants it (built in full), 1 = passed over and the name alone
    # satisfies the text check, 2 = passed over, eventSource must be looked at too.
    kinds: dict[str, int] = {}
    times: dict[str, bool] = {}
    for index, record in enumerate(records):
        # (Only keys a CloudTrail record always has are asked for: simdjson is slow to say a
        # key is missing.)
        if isinstance(record, simdjson.Object):
            name = record.get("eventName")
            kind = kinds.get(name) if type(name) is str else 0
            if kind is None:
                kind = _name_kind(gate, cast(str, name))
                kinds[cast(str, name)] = kind
            if kind:  # passed over, so a CloudTrail record (see classify_record)
                event_time = record.get("eventTime")
                valid: bool | None
                if kind == 2:
                    valid = plainly_valid(event_time, record.get("eventSource"), name)
                elif type(event_time) is str:
                    # The name alone passes the text check: validity is the time's, and the
                    # records of a file share few times (each is judged once).
                    valid = times.get(event_time)
                    if valid is None:
                        valid = times[event_time] = plainly_valid(event_time, None, name)
                else:
                    valid = False
                if valid:
                    passed_over += 1
                    # (plainly valid: text in CloudTrail's fixed form, so text order is time order)
                    if latest is None or cast(str, event_time) > latest:
                        latest = cast(str, event_time)
                    continue
                screened = _screened(record, gate.screened_keys)
                reason = gate.screen(screened)
                if reason is None:
                    passed_over += 1
                    when = record_time(screened)
                    if when is not None:
                        other_times.append(when)
                else:
                    items.append(Rejection(Location(path, record=index), reason))
                continue
        items.append(classify_record(_python(record), Location(path, record=index)))
    if passed_over:
        items.append(PassedOver(passed_over, latest, tuple(other_times)))
    return items


def _name_kind(gate: RecordGate, name: str) -> int:
    if not gate.passes_over(name):
        return 0
    return 1 if gate.name_suffices(name) else 2


def _screened(record: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    found = {key: record.get(key, _MISSING) for key in keys}
    return {key: _python(value) for key, value in found.items() if value is not _MISSING}


def _python(value: Any) -> Any:
    if isinstance(value, simdjson.Object):
        return value.as_dict()
    if isinstance(value, simdjson.Array):
        return value.as_list()
    return value
