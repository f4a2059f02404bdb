"""Alert events of `trailsweep watch` and the sink protocol that delivers them.

The watcher keeps an outbox of alert events, numbered by a sequence that only grows, and one
delivery cursor per sink (keyed by the sink's `name`). After each committed batch it hands a sink
the events past its cursor; `deliver` returns how many of them, as a prefix, the sink now holds,
and the watcher moves the cursor by that much. A sink never raises for a failed delivery: it
reports the failure and returns the count so far, and the watcher offers the rest again with the
next batch. Delivery is therefore at-least-once: a crash between a delivery and the cursor's
commit repeats the events after the cursor, unless the sink can prove what it already holds
(`recovered_through`, which the file sink reads from the file itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import orjson

Report = Callable[[str, str], None]
"""Receives (level, message) for each delivery problem: level is "error" or "warning"."""

WATCH_FIELD = "trailsweep.watch"
UUID_FIELD = "kibana.alert.uuid"
RULE_NAME_FIELD = "kibana.alert.rule.name"


@dataclass(frozen=True)
class AlertEvent:
    """One alert emission from the watcher's outbox.

    `sequence` grows strictly across the watcher's life. `document` is the NDJSON alert document:
    it holds `kibana.alert.uuid`, `kibana.alert.rule.name`, the rule's result columns and
    `trailsweep.watch`: {"action": "created" | "updated", "revision": int, "sequence": int}.
    """

    sequence: int
    document: Mapping[str, Any]


@runtime_checkable
class AlertSink(Protocol):
    """Where the watcher delivers alert events, in order.

    `name` is the sink's stable identity, the key of its delivery cursor: `file:<absolute path>`,
    `stdout`, or `webhook:<scheme>://<host>/#<digest of the rest of the URL>` (hooks keep secrets
    in their path or query).
    """

    name: str

    def recovered_through(self) -> int | None:
        """The highest sequence the sink can prove it already holds; None when it cannot tell."""
        ...

    def deliver(self, events: Sequence[AlertEvent]) -> int:
        """Deliver these events in order; returns how many (a prefix) were delivered. Never raises
        for a delivery failure: reports it and returns the count so far."""
        ...

    def close(self) -> None:
        """Release what the sink holds open."""
        ...


def event_document(event: AlertEvent) -> dict[str, Any]:
    """The document a sink sends: the event's, with `trailsweep.watch.sequence` set to the event's
    sequence (added when the outbox left it out), which the file sink reads back as its proof of
    delivery. A shallow copy: the outbox's document is not changed."""
    document = dict(event.document)
    watch = watch_metadata(document)
    if watch.get("sequence") != event.sequence:
        document[WATCH_FIELD] = {**watch, "sequence": event.sequence}
    return document


def alert_line(event: AlertEvent) -> bytes:
    """The event's document as one NDJSON line (JSON plus newline); TypeError when it cannot be
    JSON."""
    return orjson.dumps(event_document(event), option=orjson.OPT_APPEND_NEWLINE)


def encodable_lines(events: Sequence[AlertEvent], sink: str, report: Report) -> list[bytes]:
    """The NDJSON lines of the events up to the first whose document cannot be JSON (which is
    reported: it and the events after it wait for the next delivery)."""
    lines: list[bytes] = []
    for event in events:
        try:
            lines.append(alert_line(event))
        except TypeError as error:
            report(
                "error",
                f"{sink}: alert of sequence {event.sequence} is not JSON ({error}); "
                "it and the alerts after it wait for the next delivery",
            )
            break
    return lines


def watch_metadata(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document's `trailsweep.watch` object (action, revision, sequence); empty when absent."""
    watch = document.get(WATCH_FIELD)
    return watch if isinstance(watch, Mapping) else {}


def watch_integer(document: Mapping[str, Any], key: str) -> int | None:
    """An integer of `trailsweep.watch` (`revision`, `sequence`); None when absent or not one."""
    value = watch_metadata(document).get(key)
    # bool is an int in Python, never a revision or a sequence.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def alert_uuid(document: Mapping[str, Any]) -> str:
    """The alert's uuid for messages; `?` when the document has none."""
    return str(document.get(UUID_FIELD, "?"))
