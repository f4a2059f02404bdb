"""Deciding what to emit: an alert whose window closed is created once, and re-emitted under
the same id (a new revision) only when late events changed it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson

from trailsweep.alerts.document import alert_document
from trailsweep.watch.evaluation import WindowAlert
from trailsweep.watch.state import EmittedAlert
from trailsweep.watch.windows import EPOCH, iso_utc

WATCH_KEY = "trailsweep.watch"
Action = Literal["created", "updated"]


@dataclass(frozen=True)
class Emission:
    """An alert to emit now: created (revision 1) or updated (a later revision)."""

    found: WindowAlert
    action: Action
    revision: int
    digest: str
    document: dict[str, Any]


def alert_digest(document: Mapping[str, Any]) -> str:
    """A digest of what an alert says (its watch bookkeeping left out)."""
    content = {key: value for key, value in document.items() if key != WATCH_KEY}
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def decide(
    found: Sequence[WindowAlert],
    emitted: Mapping[str, EmittedAlert],
    watermark: datetime | None,
    flushing: bool = False,
) -> tuple[list[Emission], int]:
    """The emissions due: alerts whose window the watermark passed (every one when flushing)
    that are new or changed. Also returns how many alerts wait for their window to close."""
    due: list[Emission] = []
    waiting = 0
    for item in found:
        if not is_closed(item, watermark, flushing):
            waiting += 1
            continue
        document = alert_document(item.alert)
        digest = alert_digest(document)
        before = emitted.get(item.alert.uuid)
        if before is not None and before.digest == digest:
            continue
        action: Action = "created" if before is None else "updated"
        revision = 1 if before is None else before.revision + 1
        document[WATCH_KEY] = {
            "action": action,
            "revision": revision,
            "window": {
                "start": _iso(item.window_start),
                "end": _iso(item.window_end),
            },
            "watermark": None if watermark is None else _iso(watermark),
            "flushed": flushing and not (watermark is not None and item.window_end <= watermark),
        }
        due.append(Emission(item, action, revision, digest, document))
    return due, waiting


def is_closed(item: WindowAlert, watermark: datetime | None, flushing: bool) -> bool:
    """Whether an alert's window is closed: the watermark passed its end (or a flush)."""
    return (
        flushing
        or item.window_end == EPOCH
        or (watermark is not None and item.window_end <= watermark)
    )


def _iso(moment: datetime) -> str | None:
    return None if moment == EPOCH else iso_utc(moment)
