"""What a scenario is and the context each one is built in (own random stream, hours, recorder)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trailsweep.simulate.actors import Cast
from trailsweep.simulate.clock import WINDOW_SECONDS, DayClock
from trailsweep.simulate.identity import Principal, Role
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.inventory import Bucket
from trailsweep.simulate.planned import PlannedRecord, RecordFactory
from trailsweep.simulate.sweeps import ExpectedAlert, SweepRecorder


@dataclass(frozen=True)
class Scenario:
    """A labelled injection: its records, the alerts it must cause, and what it shows."""

    name: str
    label: str
    description: str
    records: tuple[PlannedRecord, ...]
    expected_alerts: tuple[ExpectedAlert, ...]
    follow_on_event_ids: tuple[str, ...] = ()


class ScenarioContext:
    """What one scenario draws on; each scenario has its own random stream and hours of the day."""

    def __init__(self, name: str, seed: int, casts: Sequence[Cast], clock: DayClock) -> None:
        self.name = name
        self.rng = random.Random(f"trailsweep-scenario:{seed}:{name}")
        self.ids = IdSource(self.rng)
        self.casts = casts
        self.clock = clock
        self.recorder = SweepRecorder(RecordFactory(self.ids, clock))

    def cast(self, index: int) -> Cast:
        """The cast of account `index`, or of the last account when there are fewer."""
        return self.casts[min(index, len(self.casts) - 1)]

    def window(self, hours: Sequence[int]) -> int:
        """Start of a 10-s window at a seeded minute of one of `hours` (disjoint per scenario)."""
        hour = self.rng.choice(hours)
        second = self.rng.randrange(5 * 60, 50 * 60, WINDOW_SECONDS)
        return self.clock.start + hour * 3600 + second

    def role(self, cast: Cast, name: str) -> Role:
        """A role that exists only for this scenario."""
        return Role(cast.account.account_id, name, self.ids.unique_id("AROA"))

    def session(self, role: Role, name: str, at: int, **kwargs: Any) -> Principal:
        """A fresh session of `role` created some minutes before `at`."""
        return role.session(name, self.ids.access_key_id("ASIA"), self.created(at), **kwargs)

    def created(self, ts: int) -> str:
        """A session creation time some minutes before `ts`."""
        return self.clock.event_time(ts - self.rng.randrange(120, 1500))

    def sample(self, buckets: Sequence[Bucket], count: int) -> list[Bucket]:
        """`count` distinct buckets (all of them when there are fewer)."""
        return self.rng.sample(list(buckets), min(count, len(buckets)))

    def done(self, label: str, description: str, follow_on: Sequence[str] = ()) -> Scenario:
        """Package what was recorded."""
        return Scenario(
            name=self.name,
            label=label,
            description=description,
            records=tuple(self.recorder.records),
            expected_alerts=self.recorder.expected_alerts(self.name),
            follow_on_event_ids=tuple(follow_on),
        )
