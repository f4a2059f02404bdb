"""Stable alert identities: the same rule, version and group always give the same id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import orjson

# A fixed namespace makes the ids trailsweep's own, yet reproducible anywhere.
ALERT_NAMESPACE = uuid.UUID("6f1c2a53-2d0e-5b8e-9a57-0c7e3f4b9d21")


def alert_uuid(rule_id: str, rule_version: str, group_key: Sequence[object]) -> str:
    """A UUIDv5 over the rule id, its version and the group key values (as canonical JSON)."""
    payload = orjson.dumps([rule_id, rule_version, list(group_key)], option=orjson.OPT_SORT_KEYS)
    return str(uuid.uuid5(ALERT_NAMESPACE, payload.decode()))
