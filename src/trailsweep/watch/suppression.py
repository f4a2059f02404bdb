"""Allowlists in the watcher: the entries in force on the current day (re-checked when the day
turns, so an entry stops applying when it expires), drop-mode entries in the reading, and
suppress-mode entries between evaluation and emission."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from trailsweep.alerts.allowlist import Allowlist, AllowlistEntry, expiry_warning
from trailsweep.alerts.ledger import suppress_alerts
from trailsweep.pipeline import Diagnostic
from trailsweep.watch.evaluation import WindowAlert


class AllowlistInForce:
    """The watcher's allowlist, as in force on one day at a time."""

    def __init__(self, allowlist: Allowlist, report: Diagnostic) -> None:
        self._all = allowlist
        self._report = report
        self._day: date | None = None
        self._warned: set[str] = set()
        self.live = Allowlist()
        self._warn_blind = True

    def turn_to(self, day: date) -> bool:
        """Move to `day`; True when the entries in force changed (the reading must be planned
        again, for drop-mode entries)."""
        if day == self._day:
            return False
        self._day = day
        live, expired = self._all.in_force(day)
        for entry in expired:
            if entry.id not in self._warned:
                self._warned.add(entry.id)
                self._report("warning", expiry_warning(entry))
        changed = live.entries != self.live.entries
        self.live = live
        self._warn_blind = True
        return changed

    def split(
        self, found: Sequence[WindowAlert]
    ) -> tuple[list[WindowAlert], list[tuple[WindowAlert, AllowlistEntry]]]:
        """The alerts to emit, and those a suppress-mode entry covers (with the entry)."""
        if not self.live.in_mode("suppress"):
            return list(found), []
        report = self._report if self._warn_blind else None
        self._warn_blind = False
        kept, suppressed = suppress_alerts(
            [item.alert for item in found], self.live.entries, report
        )
        by_id = {item.alert.uuid: item for item in found}
        kept_ids = {alert.uuid for alert in kept}
        return (
            [item for item in found if item.alert.uuid in kept_ids],
            [(by_id[s.alert.uuid], s.entry) for s in suppressed],
        )
