"""Records placed ahead of time (scenarios, scheduled jobs) and the factory that serializes them."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from trailsweep.simulate.clock import DayClock
from trailsweep.simulate.identity import Client, Principal
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.record import AMZ_ID_2, S3, Call, build_record


@dataclass(frozen=True)
class PlannedRecord:
    """A serialized record with the facts delivery needs: time, receiving account, region."""

    ts: int
    account_id: str
    region: str
    event_id: str
    payload: bytes


class RecordFactory:
    """Turns (principal, client, call, time) into a `PlannedRecord` with fresh seeded ids."""

    def __init__(self, ids: IdSource, clock: DayClock) -> None:
        self.ids = ids
        self.clock = clock

    def make(
        self,
        principal: Principal,
        client: Client,
        call: Call,
        *,
        region: str,
        ts: int,
        recipient_account_id: str | None = None,
    ) -> PlannedRecord:
        """Build and serialize one record; the recipient defaults to the caller's account."""
        recipient = recipient_account_id or principal.account_id
        if recipient is None:
            raise ValueError("an AWS service principal needs an explicit recipient account")
        event_id = self.ids.uuid4()
        record = build_record(
            principal,
            client,
            call,
            region=region,
            recipient_account_id=recipient,
            event_time=self.clock.event_time(ts),
            event_id=event_id,
            request_id=self.ids.s3_request_id() if call.event_source == S3 else self.ids.uuid4(),
        )
        extra = record.get("additionalEventData")
        if isinstance(extra, dict) and AMZ_ID_2 in extra:
            extra[AMZ_ID_2] = self.ids.amz_id_2()
        return PlannedRecord(ts, recipient, region, event_id, orjson.dumps(record))
