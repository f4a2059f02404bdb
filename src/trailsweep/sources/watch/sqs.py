"""The SQS source: a queue of S3 event notifications announcing new log files.

Acknowledging: a message is deleted once every object it announced (new or known) has been
acknowledged, whether in one `acknowledge` call or several; a message that announces nothing
to read (a TestEvent, deletions only, digest files only) is deleted at once. Until then the
source keeps its receipt handle; `close` makes still-held messages visible again so another
poll gets them at once instead of after the queue's visibility timeout.

Bad messages: a body that is not an S3 notification at all is reported (level "error", naming
the message id and the reason) and deleted, so it cannot come back forever; a dead-letter queue
would only collect messages trailsweep can never read. Records of a message that cannot be read
are reported the same way while the message's other records are still delivered.

The watcher should run with a visibility timeout longer than one poll's processing: a message
that becomes visible again before it is acknowledged comes back with a new handle, and then
lands in `Poll.known` once its object is committed (acknowledging it deletes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trailsweep.sources.watch.aws import source_errors
from trailsweep.sources.watch.download import Downloads
from trailsweep.sources.watch.model import (
    DeliveredObject,
    KnownCheck,
    Poll,
    Report,
    SourceError,
)
from trailsweep.sources.watch.notifications import (
    CreatedObject,
    NotANotificationError,
    parse_notification,
)
from trailsweep.sources.watch.trail_layout import is_digest

BATCH = 10  # SQS's limit for ReceiveMessage and the *Batch calls
MAX_MESSAGES = 1000
_SNIPPET = 120


@dataclass
class _Held:
    """A received message whose objects are not all acknowledged yet."""

    message_id: str
    outstanding: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Arrival:
    at: float
    obj: DeliveredObject


class SqsSource:
    """Watches an SQS queue fed by S3 event notifications (direct, via SNS or EventBridge)."""

    def __init__(
        self,
        sqs_client: Any,
        s3_client: Any,
        queue_url: str,
        *,
        wait_seconds: int = 1,
        report: Report | None = None,
    ) -> None:
        self.sqs = sqs_client
        self.s3 = s3_client
        self.queue_url = queue_url
        self.wait_seconds = wait_seconds
        self.description = f"sqs {queue_url}"
        self._report: Report = report or (lambda level, message: None)
        self._held: dict[str, _Held] = {}
        self._downloads = Downloads()

    def poll(self, cursor: str | None, is_known: KnownCheck, limit: int) -> Poll:
        """Receive messages until `limit` new objects or an empty receive (cursor unused).

        A message that would take the poll past `limit` is made visible again for the next
        poll, unless it is the poll's first: a message's records are never split. A poll stops
        after `MAX_MESSAGES` messages even if they brought nothing new (duplicates, junk)."""
        arrivals: list[_Arrival] = []
        known: list[DeliveredObject] = []
        seen: set[str] = set()
        received = 0
        while len(arrivals) < limit and received < MAX_MESSAGES:
            wanted = min(BATCH, limit - len(arrivals))
            messages = self._receive(wanted, self.wait_seconds if received == 0 else 0)
            if not messages:
                break
            received += len(messages)
            overflow = self._take(messages, is_known, limit, arrivals, known, seen)
            if overflow:
                break
        arrivals.sort(key=lambda arrival: (arrival.at, arrival.obj.key))
        return Poll(tuple(arrival.obj for arrival in arrivals), None, None, tuple(known))

    def fetch(self, obj: DeliveredObject, scratch: Path) -> Path:
        """Download the announced object into `scratch` under a hashed name."""
        return self._downloads.fetch(self.s3, obj.key, scratch, self.description)

    def discard(self, path: Path) -> None:
        """Delete a downloaded file."""
        self._downloads.discard(path)

    def acknowledge(self, objects: Sequence[DeliveredObject]) -> None:
        """Delete each message all of whose objects are now acknowledged. Handles this source
        did not hand out (or already deleted) are ignored."""
        done: list[str] = []
        for obj in objects:
            handle = obj.handle
            held = None if handle is None else self._held.get(handle)
            if handle is None or held is None:
                continue
            held.outstanding.discard(obj.key)
            if not held.outstanding:
                del self._held[handle]
                done.append(handle)
        self._delete(done)

    def close(self) -> None:
        """Make unacknowledged messages visible again, then close the clients."""
        handles = list(self._held)
        self._held.clear()
        try:
            self._release(handles)
        except SourceError as exc:  # closing must not fail: the messages come back anyway
            self._report("warning", f"{exc}; they return after the visibility timeout")
        finally:
            self.sqs.close()
            self.s3.close()

    def _receive(self, count: int, wait: int) -> list[dict[str, Any]]:
        with source_errors(self.description, "receiving messages"):
            response = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=count,
                WaitTimeSeconds=wait,
                MessageSystemAttributeNames=["SentTimestamp"],
            )
        return list(response.get("Messages", ()))

    def _take(
        self,
        messages: list[dict[str, Any]],
        is_known: KnownCheck,
        limit: int,
        arrivals: list[_Arrival],
        known: list[DeliveredObject],
        seen: set[str],
    ) -> bool:
        """Sort each message's objects into `arrivals` or `known`; True when a message did
        not fit under `limit` (it was released for the next poll)."""
        finished: list[str] = []
        released: list[str] = []
        for message in messages:
            handle = str(message["ReceiptHandle"])
            created = self._created(message)
            fresh: list[_Arrival] = []
            duplicates: list[DeliveredObject] = []
            for item in created:
                obj = _object(item, handle)
                if is_known(obj.key) or obj.key in seen:
                    duplicates.append(obj)
                else:
                    seen.add(obj.key)
                    fresh.append(_Arrival(_moment(item, message), obj))
            if not fresh and not duplicates:
                finished.append(handle)
            elif arrivals and len(arrivals) + len(fresh) > limit:
                seen.difference_update(arrival.obj.key for arrival in fresh)
                released.append(handle)
            else:
                keys = {arrival.obj.key for arrival in fresh} | {obj.key for obj in duplicates}
                self._held[handle] = _Held(str(message.get("MessageId", "?")), keys)
                arrivals.extend(fresh)
                known.extend(duplicates)
        self._delete(finished)
        self._release(released)
        return bool(released)

    def _created(self, message: dict[str, Any]) -> list[CreatedObject]:
        """The log objects a message announces; problems are reported, digests dropped."""
        message_id = message.get("MessageId", "?")
        body = str(message.get("Body", ""))
        try:
            notification = parse_notification(body)
        except NotANotificationError as exc:
            snippet = body[:_SNIPPET] + ("…" if len(body) > _SNIPPET else "")
            self._report(
                "error",
                f"{self.description}: message {message_id} is not an S3 event notification "
                f"({exc}); deleted it. Body: {snippet!r}",
            )
            return []
        for problem in notification.problems:
            self._report("error", f"{self.description}: message {message_id}: {problem}")
        return [
            item
            for item in notification.created
            if not is_digest(item.key) and not item.key.endswith("/")
        ]

    def _delete(self, handles: list[str]) -> None:
        for start in range(0, len(handles), BATCH):
            entries = [
                {"Id": str(index), "ReceiptHandle": handle}
                for index, handle in enumerate(handles[start : start + BATCH])
            ]
            with source_errors(self.description, "deleting messages"):
                response = self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            for failure in response.get("Failed", ()):
                self._report(
                    "warning",
                    f"{self.description}: could not delete a message ({failure.get('Code')}: "
                    f"{failure.get('Message', '')}); it will come back and be acknowledged then",
                )

    def _release(self, handles: list[str]) -> None:
        for start in range(0, len(handles), BATCH):
            entries = [
                {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                for index, handle in enumerate(handles[start : start + BATCH])
            ]
            with source_errors(self.description, "releasing messages"):
                self.sqs.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)


def _object(item: CreatedObject, handle: str) -> DeliveredObject:
    url = f"s3://{item.bucket}/{item.key}"
    return DeliveredObject(url, item.etag, item.size, url, handle)


def _moment(item: CreatedObject, message: dict[str, Any]) -> float:
    """When the object was delivered: the event's time, else when the message was sent."""
    if item.event_time is not None:
        return item.event_time.timestamp()
    sent = message.get("Attributes", {}).get("SentTimestamp")
    if sent is not None and str(sent).isdigit():
        return int(sent) / 1000
    return datetime.now(UTC).timestamp()
