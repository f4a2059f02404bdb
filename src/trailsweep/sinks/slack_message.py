"""Slack message text for a watch alert: what happened, for which rule, for which group.

Every value comes from the alert document, and most of them from the attacker (ARNs, bucket
names, user agents): they are data, never markup. Slack reads `<...>` as a link, a mention or a
`<!channel>` broadcast and `&` as an entity, so `&`, `<` and `>` become `&amp;`, `&lt;` and
`&gt;` (Slack's own escaping). Control characters, which could forge extra lines, become spaces,
and long values are cut (before escaping, so that an entity is never cut in half).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from trailsweep.sinks.alert_events import RULE_NAME_FIELD, alert_uuid, watch_metadata

MAX_VALUE = 160
"""Characters kept of one value (an ARN, a rule name) before it is cut with an ellipsis."""
MAX_LISTED = 3
"""Items shown of a multi-valued column."""
MAX_COLUMNS = 4
"""Result columns shown by the generic text."""

PRINCIPAL = "aws.cloudtrail.user_identity.arn"
SOURCE_IP = "source.ip"
BUCKET_COUNT = "Esql.bucket_arn_count_distinct"
WINDOW = "Esql.time_window_date_trunc"
_NOT_RESULTS = ("kibana.", "trailsweep.", "threat")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def slack_text(document: Mapping[str, Any]) -> str:
    """Two lines of Slack `mrkdwn`: the action (new or updated) and the rule's name, then the
    group the alert fired for (the principal, source and bucket count of the bucket-posture rule;
    otherwise the alert's uuid and its first few scalar result columns)."""
    rule = _escaped(document.get(RULE_NAME_FIELD, "unnamed rule"))
    heading = f"*{_action(watch_metadata(document))}:* {rule}"
    if all(field in document for field in (PRINCIPAL, SOURCE_IP, BUCKET_COUNT)):
        detail = (
            f"{_escaped(document[PRINCIPAL])} from {_escaped(document[SOURCE_IP])}: "
            f"{_escaped(document[BUCKET_COUNT])} buckets"
        )
        if document.get(WINDOW) is not None:
            detail += f" in the window of {_escaped(document[WINDOW])}"
    else:
        columns = [
            f"{_escaped(name)}={_escaped(value)}"
            for name, value in document.items()
            if not name.startswith(_NOT_RESULTS) and isinstance(value, str | int | float)
        ][:MAX_COLUMNS]
        detail = _escaped(alert_uuid(document))
        if columns:
            detail += ": " + ", ".join(columns)
    return f"{heading}\n{detail}"


def slack_escape(text: str) -> str:
    """Slack's escaping of its three control characters, `&` first."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _action(watch: Mapping[str, Any]) -> str:
    action, revision = watch.get("action"), watch.get("revision")
    if action == "created":
        return "New alert"
    if action == "updated":
        return (
            f"Updated alert (revision {revision})" if isinstance(revision, int) else "Updated alert"
        )
    return "Alert"


def _escaped(value: Any) -> str:
    """A value as safe, short Slack text."""
    text = "".join(
        " " if unicodedata.category(character) in _UNSAFE_CATEGORIES else character
        for character in _shown(value)
    )
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "…"
    return slack_escape(text)


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        shown = ", ".join(_shown(item) for item in value[:MAX_LISTED])
        if len(value) > MAX_LISTED:
            shown += f" (+{len(value) - MAX_LISTED} more)"
        return shown
    return str(value)
