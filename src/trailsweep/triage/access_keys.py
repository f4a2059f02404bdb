"""Access key kinds from the key id's prefix: `AKIA` long-term (IAM user), `ASIA` temporary."""

from __future__ import annotations

from trailsweep.triage.model import AccessKey, KeyKind


def key_kind(key_id: str) -> KeyKind:
    """`long-term` for AKIA keys, `temporary` for ASIA (STS session) keys, else `unknown`."""
    if key_id.startswith("AKIA"):
        return "long-term"
    if key_id.startswith("ASIA"):
        return "temporary"
    return "unknown"


def access_key(key_id: str) -> AccessKey:
    """The key with its kind."""
    return AccessKey(key_id, key_kind(key_id))
