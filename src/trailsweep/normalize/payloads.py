"""The free-form payloads (`requestParameters`, ...) as Elastic keeps them: text plus a copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trailsweep.normalize.empty_values import is_empty_scalar
from trailsweep.normalize.fields import kind_of
from trailsweep.normalize.javamap import java_to_string

PAYLOADS: tuple[tuple[str, str], ...] = (
    ("requestParameters", "request_parameters"),
    ("responseElements", "response_elements"),
    ("additionalEventData", "additional_eventdata"),
    ("serviceEventDetails", "service_event_details"),
)
"""(record key, `aws.cloudtrail.*` field) for the four payloads the pipeline stringifies."""

PAYLOAD_COPIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("response_elements", ("group", "groupId"), ("group", "id")),
    ("response_elements", ("user", "userId"), ("user", "target", "id")),
    ("request_parameters", ("newUserName",), ("user", "changes", "name")),
    ("request_parameters", ("groupName",), ("group", "name")),
    ("request_parameters", ("userName",), ("user", "target", "name")),
)
"""Old pipeline steps that copy a few payload values into ECS user/group fields: (payload
field, path in the payload, ECS field)."""

RELATED_USER_KEYS: tuple[str, ...] = ("userName", "newUserName")
"""`requestParameters` keys whose values the pipeline also lists in `related.user`."""

# The script copies a payload into `aws.cloudtrail.flattened.*` only when its text is shorter
# than this many UTF-16 units (Lucene's term length limit for the flattened field).
_FLATTENED_LIMIT = 32766


@dataclass(frozen=True)
class Payload:
    """One payload as stored: its `toString()` text and, when it qualifies, the object itself."""

    text: str
    flattened: dict[str, Any] | None


def _java_length(text: str) -> int:
    if len(text) * 2 < _FLATTENED_LIMIT or text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def render_payload(name: str, raw: Any, cleaned: Any, warnings: list[str]) -> Payload | None:
    """The payload `name` from its raw record value and its null-stripped value.

    The text is rendered from the raw value because the HashMaps Elastic renders were sized by
    the parser before the remove-nulls script emptied some of their entries.

    >>> render_payload("requestParameters", {"Host": "h", "bucketName": "b", "acl": ""},
    ...                {"Host": "h", "bucketName": "b"}, [])
    Payload(text='{bucketName=b, Host=h}', flattened={'Host': 'h', 'bucketName': 'b'})
    """
    if cleaned is None:
        return None
    text = java_to_string(raw, removed=is_empty_scalar)
    if text is None:
        return None
    if not isinstance(cleaned, dict):
        warnings.append(
            f"{name} is {kind_of(cleaned)}, not an object: kept as text as Elastic does"
        )
        return Payload(text, None)
    return Payload(text, cleaned if _java_length(text) < _FLATTENED_LIMIT else None)
