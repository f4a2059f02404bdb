"""Watch alert events for the alert sink tests: bucket-posture documents as the watcher emits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trailsweep.sinks import AlertEvent

RULE_NAME = "AWS S3 Rapid Bucket Posture API Calls from a Single Principal"


def posture_document(
    sequence: int | None,
    *,
    uuid: str | None = None,
    action: str = "created",
    revision: int = 1,
    columns: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A bucket-posture alert document; `sequence=None` leaves it out of `trailsweep.watch`."""
    watch: dict[str, Any] = {"action": action, "revision": revision}
    if sequence is not None:
        watch["sequence"] = sequence
    document: dict[str, Any] = {
        "Esql.time_window_date_trunc": "2026-03-14T10:00:00.000Z",
        "aws.cloudtrail.user_identity.arn": "arn:aws:iam::123456789012:user/scanner",
        "source.ip": "198.51.100.7",
        "Esql.bucket_arn_count_distinct": 20,
        "Esql.user_agent_original_values": ["aws-cli/2.15.0"],
        "kibana.alert.uuid": uuid or f"00000000-0000-5000-8000-{sequence or 0:012d}",
        "kibana.alert.rule.name": RULE_NAME,
        "kibana.alert.severity": "low",
        "trailsweep.watch": watch,
    }
    document.update(columns or {})
    return document


def posture_event(sequence: int, *, action: str = "created", revision: int = 1) -> AlertEvent:
    """An event whose document carries its own sequence."""
    return AlertEvent(sequence, posture_document(sequence, action=action, revision=revision))


class Reports:
    """A report callback that keeps what it is told."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, level: str, message: str) -> None:
        self.seen.append((level, message))

    def of(self, level: str) -> list[str]:
        """The messages of one level."""
        return [message for seen_level, message in self.seen if seen_level == level]
