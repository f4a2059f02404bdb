"""Background traffic: how many records each delivery slot gets, rendered from templates."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from trailsweep.simulate.actors import Cast
from trailsweep.simulate.clock import SLOT_SECONDS, SLOTS_PER_DAY, DayClock
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.inventory import Trail
from trailsweep.simulate.record import RecordTemplate
from trailsweep.simulate.workloads import WORKLOADS, Sessions

EPOCH_HOURS = 6
"""Role sessions are renewed every six hours: new keys and creation dates."""

_SLOTS_PER_HOUR = 3600 // SLOT_SECONDS
_ACCOUNT_SCALE = 0.5
"""Accounts after the first carry half its traffic."""


@dataclass(frozen=True)
class TemplateTable:
    """The record templates of one account, region and epoch, with cumulative weights per hour."""

    templates: tuple[RecordTemplate, ...]
    cumulative: tuple[tuple[float, ...], ...]

    def hour_weight(self, hour_in_epoch: int) -> float:
        """Total relative rate during that hour."""
        cumulative = self.cumulative[hour_in_epoch]
        return cumulative[-1] if cumulative else 0.0


@dataclass(frozen=True)
class SlotCell:
    """Where background records go: slot of the day, account index, region."""

    slot: int
    account: int
    region: str


class Background:
    """The estate's background traffic, planned per slot and rendered one slot at a time."""

    def __init__(
        self,
        casts: Sequence[Cast],
        regions: Sequence[str],
        trail: Trail,
        clock: DayClock,
        rng: random.Random,
    ) -> None:
        self._casts = tuple(casts)
        self._regions = tuple(regions)
        self._clock = clock
        self._rng = rng
        self._ids = IdSource(rng)
        self._tables: dict[tuple[int, str, int], TemplateTable] = {}
        for epoch in range(24 // EPOCH_HOURS):
            sessions = Sessions(
                self._ids, clock.start + epoch * EPOCH_HOURS * 3600, clock.event_time
            )
            for index, cast in enumerate(self._casts):
                for region in self._regions:
                    self._tables[(index, region, epoch)] = self._table(
                        cast, index, region, epoch, trail, sessions
                    )

    def _table(
        self, cast: Cast, index: int, region: str, epoch: int, trail: Trail, sessions: Sessions
    ) -> TemplateTable:
        scale = 1.0 if index == 0 else _ACCOUNT_SCALE
        templates: list[RecordTemplate] = []
        rates: list[tuple[float, ...]] = []
        hours = [epoch * EPOCH_HOURS + h + 0.5 for h in range(EPOCH_HOURS)]
        for workload in WORKLOADS:
            rhythm = [workload.rhythm(h) for h in hours]
            for principal, client, call, weight in workload.entries(cast, region, trail, sessions):
                templates.append(
                    RecordTemplate.of(principal, client, call, region, cast.account.account_id)
                )
                base = weight * workload.weight * scale
                rates.append(tuple(base * r for r in rhythm))
        cumulative = tuple(tuple(accumulate(rate[h] for rate in rates)) for h in range(EPOCH_HOURS))
        return TemplateTable(tuple(templates), cumulative)

    def allocate(self, total: int) -> dict[SlotCell, int]:
        """Split `total` records over slots, accounts and regions by rate, with some jitter."""
        cells: list[SlotCell] = []
        shares: list[float] = []
        for slot in range(SLOTS_PER_DAY):
            hour = slot // _SLOTS_PER_HOUR
            for index in range(len(self._casts)):
                for region in self._regions:
                    table = self._tables[(index, region, hour // EPOCH_HOURS)]
                    cells.append(SlotCell(slot, index, region))
                    shares.append(
                        table.hour_weight(hour % EPOCH_HOURS) * self._rng.uniform(0.8, 1.2)
                    )
        return dict(zip(cells, _apportion(total, shares), strict=True))

    def render(self, cell: SlotCell, count: int) -> tuple[list[bytes], list[int]]:
        """`count` serialized records of one cell and their event times (epoch seconds)."""
        hour = cell.slot // _SLOTS_PER_HOUR
        table = self._tables[(cell.account, cell.region, hour // EPOCH_HOURS)]
        cumulative = table.cumulative[hour % EPOCH_HOURS]
        if count <= 0 or not cumulative:
            return [], []
        templates = table.templates
        limit = cumulative[-1]
        start = self._clock.start + cell.slot * SLOT_SECONDS
        random_ = self._rng.random
        event_time = self._clock.event_time
        uuid4, s3_id, amz_id = self._ids.uuid4, self._ids.s3_request_id, self._ids.amz_id_2
        times = [start + int(random_() * SLOT_SECONDS) for _ in range(count)]
        payloads = [
            templates[bisect_right(cumulative, random_() * limit)].render(
                event_time(ts), uuid4, s3_id, amz_id
            )
            for ts in times
        ]
        return payloads, times


def _apportion(total: int, shares: Sequence[float]) -> list[int]:
    """Largest-remainder rounding: integer counts proportional to `shares` that sum to `total`."""
    weight = sum(shares)
    if total <= 0 or weight <= 0:
        return [0] * len(shares)
    exact = [total * share / weight for share in shares]
    counts = [int(x) for x in exact]
    missing = total - sum(counts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[:missing]:
        counts[i] += 1
    return counts
