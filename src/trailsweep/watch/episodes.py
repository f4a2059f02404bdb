"""Episodes (`watch --episodes`): consecutive windows of one group (principal and IP for the
seed rule) over the threshold become one alert, so a two-minute sweep is one alert, not twelve.

An episode is a run of windows each starting where the previous one ended. It is emitted once
the window after its last one has closed without joining it (or at a flush), and updated in
place when a late window extends it. A late window that fills the gap between two emitted
episodes merges them: the earlier keeps its id and is updated; the later is re-emitted once more
with `trailsweep.episode.merged_into`, so a consumer can close it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson

from trailsweep.alerts.ids import alert_uuid
from trailsweep.watch.emission import WATCH_KEY, Emission, alert_digest
from trailsweep.watch.evaluation import RuleWindows
from trailsweep.watch.state import EmittedAlert, WatchState
from trailsweep.watch.windows import aware_utc, iso_utc, naive_utc

EPISODE_KEY = "trailsweep.episode"


@dataclass(frozen=True)
class _Window:
    start: datetime
    end: datetime
    document: dict[str, Any]


@dataclass(frozen=True)
class _Episode:
    uuid: str
    first_start: datetime
    last_end: datetime
    revision: int
    digest: str
    document: dict[str, Any]


class EpisodeTracker:
    """Keeps the closed windows of time-bucketed rules and emits their episodes."""

    def __init__(self, state: WatchState) -> None:
        self.state = state

    def track(
        self,
        rule: RuleWindows,
        due: Sequence[Emission],
        mark: datetime | None,
        flushing: bool,
    ) -> dict[str, int]:
        """Take the window emissions now due (remembered, not emitted), and emit the episodes
        that closed or changed. Returns counts of episodes created, updated and merged."""
        span = rule.shape.span
        assert span is not None, "episodes are for time-bucketed rules"
        rule_id = rule.plan.rule.rule_id
        groups: set[str] = set()
        for emission in due:
            alert = emission.found.alert
            self.state.remember_alert(
                EmittedAlert(alert.uuid, rule_id, emission.revision, emission.digest,
                             emission.found.window_end),
                emission.document,
            )  # fmt: skip
            group = _group_id(rule_id, alert.group_key, rule.shape.bucket_column)
            groups.add(group)
            self.state.sql(
                "DELETE FROM episode_windows WHERE rule_id = ? AND group_id = ? "
                "AND window_start = ?",
                [rule_id, group, naive_utc(emission.found.window_start)],
            )
            self.state.sql(
                "INSERT INTO episode_windows VALUES (?, ?, ?, ?, ?, NULL)",
                [rule_id, group, naive_utc(emission.found.window_start),
                 naive_utc(emission.found.window_end), orjson.dumps(emission.document).decode()],
            )  # fmt: skip
        pending = self.state.sql(
            "SELECT DISTINCT group_id FROM episode_windows WHERE rule_id = ? AND episode IS NULL",
            [rule_id],
        )
        groups.update(str(row[0]) for row in pending)
        counts = {"episodes_created": 0, "episodes_updated": 0, "episodes_merged": 0}
        for group in sorted(groups):
            for name, value in self._settle(rule, group, span, mark, flushing).items():
                counts[name] += value
        return counts

    def _settle(
        self, rule: RuleWindows, group: str, span: timedelta, mark: datetime | None,
        flushing: bool,
    ) -> dict[str, int]:  # fmt: skip
        rule_id = rule.plan.rule.rule_id
        counts = {"episodes_created": 0, "episodes_updated": 0, "episodes_merged": 0}
        windows = [
            _Window(aware_utc(start), aware_utc(end), orjson.loads(body))
            for start, end, body in self.state.sql(
                "SELECT window_start, window_end, body FROM episode_windows "
                "WHERE rule_id = ? AND group_id = ? ORDER BY window_start",
                [rule_id, group],
            )
        ]
        existing = self._episodes(rule_id, group)
        for run in _runs(windows):
            first, last = run[0].start, run[-1].end
            overlapping = [e for e in existing if e.first_start < last and first < e.last_end]
            closed = flushing or (mark is not None and last + span <= mark)
            if not overlapping and not closed:
                continue
            keep = overlapping[0] if overlapping else None
            for merged in overlapping[1:]:
                self._merge(rule_id, group, merged, into=keep.uuid if keep else "")
                counts["episodes_merged"] += 1
            uuid = keep.uuid if keep else _episode_uuid(rule, group, first)
            document = _episode_document(uuid, run)
            digest = alert_digest(document)
            if keep is None or keep.digest != digest:
                action = "created" if keep is None else "updated"
                revision = 1 if keep is None else keep.revision + 1
                self._emit(rule_id, group, uuid, first, last, revision, digest, action, document)
                counts[f"episodes_{action}"] += 1
            self.state.sql(
                "UPDATE episode_windows SET episode = ? WHERE rule_id = ? AND group_id = ? "
                "AND window_start >= ? AND window_end <= ?",
                [uuid, rule_id, group, naive_utc(first), naive_utc(last)],
            )
        return counts

    def _episodes(self, rule_id: str, group: str) -> list[_Episode]:
        rows = self.state.sql(
            "SELECT uuid, first_start, last_end, revision, digest, body FROM episodes "
            "WHERE rule_id = ? AND group_id = ? ORDER BY first_start",
            [rule_id, group],
        )
        return [
            _Episode(str(u), aware_utc(f), aware_utc(e), int(r), str(d), orjson.loads(b))
            for u, f, e, r, d, b in rows
        ]

    def _emit(
        self, rule_id: str, group: str, uuid: str, first: datetime, last: datetime,
        revision: int, digest: str, action: str, document: dict[str, Any],
    ) -> None:  # fmt: skip
        document[WATCH_KEY] = {"action": action, "revision": revision}
        entry = self.state.record_emission(
            EmittedAlert(uuid, rule_id, revision, digest, last), action, document
        )
        self.state.sql("DELETE FROM episodes WHERE uuid = ?", [uuid])
        self.state.sql(
            "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [uuid, rule_id, group, naive_utc(first), naive_utc(last), revision, digest,
             orjson.dumps(entry.document).decode()],
        )  # fmt: skip

    def _merge(self, rule_id: str, group: str, merged: _Episode, into: str) -> None:
        """The later of two episodes a late window joined: re-emitted once, pointing at the
        one that goes on, then forgotten."""
        document = {key: value for key, value in merged.document.items() if key != WATCH_KEY}
        document[EPISODE_KEY] = {**document.get(EPISODE_KEY, {}), "merged_into": into}
        document[WATCH_KEY] = {"action": "updated", "revision": merged.revision + 1}
        self.state.record_emission(
            EmittedAlert(merged.uuid, rule_id, merged.revision + 1, alert_digest(document),
                         merged.last_end),
            "updated",
            document,
        )  # fmt: skip
        self.state.sql("DELETE FROM episodes WHERE uuid = ?", [merged.uuid])


def _runs(windows: Sequence[_Window]) -> list[list[_Window]]:
    """Windows (sorted by start) split where one does not start as the previous one ends."""
    runs: list[list[_Window]] = []
    for window in windows:
        if runs and runs[-1][-1].end == window.start:
            runs[-1].append(window)
        else:
            runs.append([window])
    return runs


def _group_id(rule_id: str, group_key: Sequence[tuple[str, Any]], bucket: str | None) -> str:
    rest = [[name, value] for name, value in group_key if name != bucket]
    return hashlib.sha256(orjson.dumps([rule_id, rest])).hexdigest()[:32]


def _episode_uuid(rule: RuleWindows, group: str, start: datetime) -> str:
    """An episode's id: its rule, its group (without the time bucket) and its first window."""
    key = [["trailsweep.group", group], [EPISODE_KEY, start.isoformat()]]
    return alert_uuid(rule.plan.rule.rule_id, rule.plan.rule.version, key)


def _episode_document(uuid: str, run: Sequence[_Window]) -> dict[str, Any]:
    """The first window's document, with list columns united over the run, numbers at their
    peak, the evidence of every window, and the episode's extent."""
    first = run[0].document
    document = {key: value for key, value in first.items() if key != WATCH_KEY}
    lists: dict[str, list[Any]] = {}
    for window in run:
        for key, value in window.document.items():
            if key == WATCH_KEY or key.startswith("kibana."):
                continue
            if isinstance(value, list):
                merged = lists.setdefault(key, [])
                merged.extend(item for item in value if item not in merged)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                current = document.get(key)
                if isinstance(current, int | float) and value > current:
                    document[key] = value
    document.update(lists)
    if "trailsweep.evidence.event_ids" in lists:
        document["trailsweep.evidence.event_ids"] = sorted(lists["trailsweep.evidence.event_ids"])
    document["kibana.alert.uuid"] = uuid
    document[EPISODE_KEY] = {
        "start": iso_utc(run[0].start),
        "end": iso_utc(run[-1].end),
        "windows": len(run),
        "window_alert_uuids": [w.document.get("kibana.alert.uuid") for w in run],
        "distinct": {
            key: len(values)
            for key, values in sorted(lists.items())
            if not key.startswith("trailsweep.")
        },
    }
    return document
