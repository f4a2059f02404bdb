"""Bucket-posture sweeps as scenarios inject them, and the alerts the generator knows they cause."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from trailsweep.simulate.calls_s3 import POSTURE_APIS, posture_call
from trailsweep.simulate.clock import WINDOW_SECONDS, iso_millis, window_start
from trailsweep.simulate.identity import Client, Principal
from trailsweep.simulate.inventory import Bucket
from trailsweep.simulate.planned import PlannedRecord, RecordFactory
from trailsweep.simulate.record import S3, Call

RULE_ID = "a7577205-88a1-4a08-85d4-7b72a9a2e969"
THRESHOLD = 15
"""The rule alerts when the distinct bucket count is strictly greater than this."""


@dataclass(frozen=True)
class ExpectedAlert:
    """An alert the rule must raise: group key, distinct bucket count, contributing events."""

    scenario: str
    user_identity_arn: str
    source_ip: str
    window_start: int
    bucket_count: int
    event_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The manifest form, keyed by the rule's output field names."""
        return {
            "rule_id": RULE_ID,
            "scenario": self.scenario,
            "aws.cloudtrail.user_identity.arn": self.user_identity_arn,
            "source.ip": self.source_ip,
            "Esql.time_window_date_trunc": iso_millis(self.window_start),
            "Esql.bucket_arn_count_distinct": self.bucket_count,
            "event_ids": list(self.event_ids),
        }


def canonical_ip(text: str) -> str | None:
    """`source.ip` as Elastic stores it, or None when `sourceIPAddress` is not an IP literal."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def counted_by_rule(principal: Principal, client: Client, call: Call) -> bool:
    """Whether the generator built this call to pass every filter of the rule."""
    return (
        call.event_source == S3
        and call.event_name in POSTURE_APIS
        and not call.failed
        and principal.user_identity.get("type") != "AWSService"
        and principal.arn is not None
        and canonical_ip(client.source_ip) is not None
        and any(r.get("ARN") for r in call.resources)
        and not client.console
    )


@dataclass
class _Group:
    buckets: set[str] = field(default_factory=set)
    event_ids: list[str] = field(default_factory=list)


class SweepRecorder:
    """Collects a scenario's records and, for the posture calls the rule counts, their groups."""

    def __init__(self, factory: RecordFactory) -> None:
        self.factory = factory
        self.records: list[PlannedRecord] = []
        self._groups: dict[tuple[str, str, int], _Group] = {}

    def add(
        self,
        principal: Principal,
        client: Client,
        call: Call,
        *,
        region: str,
        ts: int,
        recipient_account_id: str | None = None,
    ) -> PlannedRecord:
        """Make one record and remember it."""
        record = self.factory.make(
            principal,
            client,
            call,
            region=region,
            ts=ts,
            recipient_account_id=recipient_account_id,
        )
        self.records.append(record)
        if counted_by_rule(principal, client, call):
            arn, ip = principal.arn, canonical_ip(client.source_ip)
            assert arn is not None and ip is not None
            group = self._groups.setdefault((arn, ip, window_start(ts)), _Group())
            group.buckets.update(r["ARN"] for r in call.resources if r.get("ARN"))
            group.event_ids.append(record.event_id)
        return record

    def sweep(
        self,
        principal: Principal,
        client: Client,
        buckets: Sequence[Bucket],
        times: Sequence[int],
        *,
        apis: Iterable[str] = POSTURE_APIS,
        denied: bool = False,
    ) -> None:
        """Posture calls on each bucket at its time; each record lands in its bucket's region."""
        api_list = tuple(apis)
        for bucket, ts in zip(buckets, times, strict=True):
            for api in api_list:
                call = posture_call(bucket, api, denied=denied)
                self.add(
                    principal,
                    client,
                    call,
                    region=bucket.region,
                    ts=ts,
                    recipient_account_id=bucket.account_id,
                )

    def expected_alerts(self, scenario: str) -> tuple[ExpectedAlert, ...]:
        """Groups over the threshold, in time order."""
        alerts = [
            ExpectedAlert(
                scenario=scenario,
                user_identity_arn=arn,
                source_ip=ip,
                window_start=start,
                bucket_count=len(group.buckets),
                event_ids=tuple(sorted(group.event_ids)),
            )
            for (arn, ip, start), group in self._groups.items()
            if len(group.buckets) > THRESHOLD
        ]
        return tuple(sorted(alerts, key=lambda a: (a.window_start, a.user_identity_arn)))


def burst_times(start: int, count: int, span: int) -> list[int]:
    """`count` call times spread evenly over `[start, start + span]` seconds, in order."""
    if count <= 1:
        return [start] * count
    return [start + (i * span) // (count - 1) for i in range(count)]


def windowed_times(first_window: int, count: int, per_window: int, span: int) -> list[int]:
    """A paced sweep: `per_window` buckets in each consecutive 10-s window, `span` seconds each."""
    if span >= WINDOW_SECONDS:
        raise ValueError("a window's burst must fit inside the window")
    times: list[int] = []
    for chunk_start in range(0, count, per_window):
        chunk = min(per_window, count - chunk_start)
        window = first_window + (chunk_start // per_window) * WINDOW_SECONDS
        times += burst_times(window, chunk, span)
    return times
