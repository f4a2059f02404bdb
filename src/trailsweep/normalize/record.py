"""One raw CloudTrail record → the ECS document Elastic's `aws.cloudtrail` pipeline indexes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson

from trailsweep.normalize.addresses import canonical_ip
from trailsweep.normalize.categorization import categorize
from trailsweep.normalize.empty_values import PLACEHOLDER_STRINGS, strip_empty, strip_keys
from trailsweep.normalize.fields import FieldPath, append_unique, keyword, kind_of, lookup, put
from trailsweep.normalize.geoip import as_fields, geo_fields
from trailsweep.normalize.identity import RELATED_USER, USER_NAME, map_user_identity
from trailsweep.normalize.model import NormalizedRecord, NormalizeOptions, RecordRejected
from trailsweep.normalize.needs import NormalizeNeeds
from trailsweep.normalize.payloads import (
    PAYLOAD_COPIES,
    PAYLOADS,
    RELATED_USER_KEYS,
    Payload,
    render_payload,
)
from trailsweep.normalize.resources import dedupe_resources, resource_objects
from trailsweep.normalize.timestamps import es_timestamp
from trailsweep.normalize.tls import tls_fields
from trailsweep.normalize.user_agent import user_agent_document

DATASET = "aws.cloudtrail"
ECS_VERSION = "8.11.0"
DEFAULT_OPTIONS = NormalizeOptions()

_CLOUDTRAIL = ("aws", "cloudtrail")
_FLATTENED = (*_CLOUDTRAIL, "flattened")
_ACCOUNT_ID: FieldPath = ("cloud", "account", "id")
_RECIPIENT: FieldPath = (*_CLOUDTRAIL, "recipient_account_id")

# Top-level record keys renamed to keyword fields. Keys the pipeline does not rename vanish with
# the temporary `json` object, so unknown keys (`_provenance`, `p_log_type`, `@version`, ...)
# need no special handling.
_KEYWORDS: tuple[tuple[str, FieldPath], ...] = (
    ("eventVersion", (*_CLOUDTRAIL, "event_version")),
    ("eventSource", ("event", "provider")),
    ("eventName", ("event", "action")),
    ("eventCategory", (*_CLOUDTRAIL, "event_category")),
    ("awsRegion", ("cloud", "region")),
    ("sourceIPAddress", ("source", "address")),
    ("errorCode", (*_CLOUDTRAIL, "error_code")),
    ("errorMessage", (*_CLOUDTRAIL, "error_message")),
    ("requestID", (*_CLOUDTRAIL, "request_id")),
    ("eventID", ("event", "id")),
    ("eventType", (*_CLOUDTRAIL, "event_type")),
    ("apiVersion", (*_CLOUDTRAIL, "api_version")),
    ("managementEvent", (*_CLOUDTRAIL, "management_event")),
    ("recipientAccountId", _RECIPIENT),
    # The pipeline renames `sharedEventId`; CloudTrail spells it `sharedEventID`. Both are read.
    ("sharedEventID", (*_CLOUDTRAIL, "shared_event_id")),
    ("sharedEventId", (*_CLOUDTRAIL, "shared_event_id")),
    ("vpcEndpointId", (*_CLOUDTRAIL, "vpc_endpoint_id")),
    ("sessionCredentialFromConsole", (*_CLOUDTRAIL, "session_credential_from_console")),
)

_TRUE_FALSE = {"true": True, "false": False}
# The raw keys read below besides the payloads (which are stripped one by one, when needed).
# Keys the pipeline does not map vanish, so what remove-nulls does to them does not matter.
_MAPPED_KEYS = frozenset(
    {key for key, _ in _KEYWORDS}
    | {"eventTime", "@timestamp", "userIdentity", "userAgent", "readOnly", "resources"}
    | {"insightDetails", "tlsDetails"}
)
SCREENED_KEYS = ("eventSource", "eventName", "eventTime", "@timestamp")
"""The only raw keys `screen_record` reads."""
_CLOUDTRAIL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")

VERBATIM_SOURCES: dict[str, str] = {
    ".".join(path): key
    for key, path in _KEYWORDS
    if sum(1 for _, other in _KEYWORDS if other == path) == 1
}
"""ECS keyword fields that are a verbatim copy of one raw top-level key (event.action is
eventName ...): a reader may test the raw key instead of the normalized field."""

CONSTANT_FIELDS: dict[str, str] = {
    "data_stream.dataset": DATASET,
    "data_stream.type": "logs",
    "event.dataset": DATASET,
    "event.module": "aws",
}
"""ECS fields with the same value on every normalized record."""


def is_text(value: Any) -> bool:
    """True for text that is not one of CloudTrail's placeholders (empty, `-` ...)."""
    return type(value) is str and value not in PLACEHOLDER_STRINGS


def _valid_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def plainly_valid(event_time: Any, event_source: Any, event_name: Any) -> bool:
    """True when a record with these raw eventTime, eventSource and eventName passes
    `screen_record` whatever else it holds: the shape CloudTrail always writes."""
    return (
        type(event_time) is str
        and _is_cloudtrail_time(event_time)
        and (is_text(event_source) or is_text(event_name))
    )


# Records of one file share a few thousand distinct times: each is checked once.
_TIMES_CHECKED: dict[str, bool] = {}
_TIMES_KEPT = 8192


def _is_cloudtrail_time(text: str) -> bool:
    known = _TIMES_CHECKED.get(text)
    if known is None:
        known = _CLOUDTRAIL_TIME.match(text) is not None and _valid_date(text)
        if len(_TIMES_CHECKED) >= _TIMES_KEPT:
            _TIMES_CHECKED.clear()
        _TIMES_CHECKED[text] = known
    return known


def screen_record(record: Any) -> None:
    """The checks of normalize_record that reject a record, without normalizing it: the same
    RecordRejected for a record that is not an object, not CloudTrail, or not placed in time."""
    if not isinstance(record, Mapping):
        raise RecordRejected(f"not a JSON object: the record is {kind_of(record)}")
    if plainly_valid(record.get("eventTime"), record.get("eventSource"), record.get("eventName")):
        return
    cleaned = strip_empty({key: record.get(key) for key in SCREENED_KEYS}) or {}
    if "eventSource" not in cleaned and "eventName" not in cleaned:
        raise RecordRejected("not CloudTrail: the record has neither eventSource nor eventName")
    _timestamp(cleaned, [])


def normalize_record(record: Any, options: NormalizeOptions = DEFAULT_OPTIONS) -> NormalizedRecord:
    """Normalize one `Records[]` element; RecordRejected when it cannot be evaluated at all.

    Wrong-typed optional fields are not rejections: they get what Elastic's pipeline gives them
    (usually nothing) and a line in `warnings`.
    """
    if not isinstance(record, Mapping):
        raise RecordRejected(f"not a JSON object: the record is {kind_of(record)}")
    raw = record if isinstance(record, dict) else dict(record)
    # Elastic's remove-nulls script runs before any field is mapped: `"-"`, `""`, `"none"` and
    # nulls at any depth are gone before anything below looks at the record.
    cleaned: dict[str, Any] = strip_keys(raw, _MAPPED_KEYS)
    needs = options.needs
    if "eventSource" not in cleaned and "eventName" not in cleaned:
        raise RecordRejected("not CloudTrail: the record has neither eventSource nor eventName")
    warnings: list[str] = []
    document: dict[str, Any] = {"@timestamp": _timestamp(cleaned, warnings)}
    put(document, ("ecs", "version"), ECS_VERSION)
    if "userIdentity" in raw and raw["userIdentity"] is None:
        warnings.append("userIdentity is null: dropped")
    map_user_identity(cleaned.get("userIdentity"), document, warnings)
    for key, path in _KEYWORDS:
        value = cleaned.get(key)
        if value is not None:
            _put_keyword(key, value, path, document, warnings)
    _map_source(document, options, needs)
    _map_user_agent(cleaned.get("userAgent"), document, warnings, needs)
    console = cleaned.get("eventName") == "ConsoleLogin"
    rendered = needs.console_payloads if console else needs.payloads
    payloads = _map_payloads(raw, cleaned, document, warnings, rendered)
    _map_read_only(cleaned.get("readOnly"), document, warnings)
    if needs.resources:
        resources = dedupe_resources(cleaned.get("resources"), warnings)
        if resources is not None:
            put(document, (*_CLOUDTRAIL, "resources"), resources)
    else:
        resource_objects(cleaned.get("resources"), warnings)
    _map_payload_users(payloads, document)
    _map_console_login(cleaned.get("eventName"), payloads, document)
    _categorize(cleaned, payloads, document)
    _map_cloud(document)
    insight = cleaned.get("insightDetails")
    if isinstance(insight, dict):
        put(document, (*_FLATTENED, "insight_details"), insight)
    tls = tls_fields(cleaned.get("tlsDetails"), warnings)
    if tls is not None:
        document["tls"] = tls
    document["data_stream"] = {"dataset": DATASET, "namespace": options.namespace, "type": "logs"}
    event = document.setdefault("event", {})
    event["dataset"] = DATASET
    event["module"] = "aws"
    if options.keep_original and needs.original:
        event["original"] = orjson.dumps(raw, default=str).decode()
    return NormalizedRecord(document, tuple(warnings))


def _timestamp(cleaned: dict[str, Any], warnings: list[str]) -> str:
    value = cleaned.get("eventTime")
    source = "eventTime"
    if value is None:
        # Logstash-shipped records (OTRF's datasets) lost eventTime to the shipper's @timestamp.
        value = cleaned.get("@timestamp")
        if value is None:
            raise RecordRejected("no eventTime: the record has no eventTime (and no @timestamp)")
        source = "@timestamp"
        warnings.append("eventTime missing: used @timestamp added by the shipper")
    formatted = es_timestamp(value) if isinstance(value, str) else None
    if formatted is None:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise RecordRejected(f"unparseable eventTime: {source} {shown} is not an ISO-8601 time")
    return formatted


def _put_keyword(
    key: str, value: Any, path: FieldPath, document: dict[str, Any], warnings: list[str]
) -> None:
    text = value if type(value) is str else keyword(value)
    if text is None:
        warnings.append(f"{key} is {kind_of(value)}, not a string: ignored")
        return
    put(document, path, text)


def _map_source(document: dict[str, Any], options: NormalizeOptions, needs: NormalizeNeeds) -> None:
    address = lookup(document, ("source", "address"))
    ip = canonical_ip(address) if address is not None else None
    if ip is None:
        return
    source = document["source"]
    source["ip"] = ip
    # Current pipelines also list the address in related.ip (older fixtures predate it).
    append_unique(document, ("related", "ip"), ip)
    if options.city_db is not None and needs.city:
        city = options.city_db.lookup(ip)
        geo = geo_fields(city) if city is not None else None
        if geo is not None:
            source["geo"] = geo
    if options.asn_db is not None and needs.asn:
        asn = options.asn_db.lookup(ip)
        as_ = as_fields(asn) if asn is not None else None
        if as_ is not None:
            source["as"] = as_


def _map_user_agent(
    value: Any, document: dict[str, Any], warnings: list[str], needs: NormalizeNeeds
) -> None:
    if value is None:
        return
    if isinstance(value, str):
        if needs.parsed_user_agent:
            document["user_agent"] = user_agent_document(value)
        elif needs.user_agent:
            document["user_agent"] = {"original": value}
        return
    # The processor fails on a non-string; its on_failure keeps the raw value as the original.
    text = keyword(value)
    warnings.append(f"userAgent is {kind_of(value)}, not a string: not parsed")
    if text is not None:
        document["user_agent"] = {"original": text}


def _map_payloads(
    raw: dict[str, Any],
    cleaned: dict[str, Any],
    document: dict[str, Any],
    warnings: list[str],
    rendered: frozenset[str],
) -> dict[str, Payload]:
    """Render the payloads; those not in `rendered` only when they draw a warning."""
    payloads: dict[str, Payload] = {}
    for key, field in PAYLOADS:
        original = raw.get(key)
        if original is None or (field not in rendered and isinstance(original, dict)):
            # An object (stripped: an object or nothing) draws no warning.
            continue
        value = strip_empty(original)
        if key == "additionalEventData" and isinstance(value, dict):
            original, value = _take_sign_in_user(original, value, document, cleaned)
        payload = render_payload(key, original, value, warnings)
        if payload is None:
            continue
        payloads[field] = payload
        put(document, (*_CLOUDTRAIL, field), payload.text)
        if payload.flattened is not None:
            put(document, (*_FLATTENED, field), payload.flattened)
    return payloads


def _take_sign_in_user(
    original: Any, value: dict[str, Any], document: dict[str, Any], cleaned: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """Sign-in events without a userIdentity user name carry it in additionalEventData.UserName;
    current pipelines move it to `user.name` (fixture test-user-authentication: it is gone from
    both the text and the flattened copy)."""
    name = value.get("UserName")
    if (
        not isinstance(name, str)
        or cleaned.get("eventSource") != "signin.amazonaws.com"
        or lookup(document, USER_NAME) is not None
    ):
        return original, value
    put(document, USER_NAME, name)
    append_unique(document, RELATED_USER, name)
    # Blank the entry instead of deleting it: the HashMap keeps the size it was parsed with.
    return {**original, "UserName": None}, {k: v for k, v in value.items() if k != "UserName"}


def _map_read_only(value: Any, document: dict[str, Any], warnings: list[str]) -> None:
    if value is None:
        return
    flag = value if isinstance(value, bool) else _TRUE_FALSE.get(str(value).lower())
    if flag is None:
        warnings.append(f"readOnly {str(value)[:40]!r} is not a boolean: ignored")
        return
    put(document, (*_CLOUDTRAIL, "read_only"), flag)


def _flattened_value(payloads: dict[str, Payload], field: str, path: tuple[str, ...]) -> Any:
    payload = payloads.get(field)
    if payload is None or payload.flattened is None:
        return None
    return lookup(payload.flattened, path)


def _map_payload_users(payloads: dict[str, Payload], document: dict[str, Any]) -> None:
    if not payloads:
        return
    for key in RELATED_USER_KEYS:
        name = keyword(_flattened_value(payloads, "request_parameters", (key,)))
        if name is not None:
            append_unique(document, RELATED_USER, name)
    for field, path, target in PAYLOAD_COPIES:
        text = keyword(_flattened_value(payloads, field, path))
        if text is not None:
            put(document, target, text)


def _map_console_login(
    event_name: Any, payloads: dict[str, Payload], document: dict[str, Any]
) -> None:
    if event_name != "ConsoleLogin":
        return
    details: dict[str, Any] = {}
    mobile = _flattened_value(payloads, "additional_eventdata", ("MobileVersion",))
    if mobile is not None:
        details["mobile_version"] = mobile != "No"
    login_to = _flattened_value(payloads, "additional_eventdata", ("LoginTo",))
    if login_to is not None:
        details["login_to"] = login_to
    mfa = _flattened_value(payloads, "additional_eventdata", ("MFAUsed",))
    if mfa is not None:
        details["mfa_used"] = mfa != "No"
    if details:
        put(document, (*_CLOUDTRAIL, "console_login", "additional_eventdata"), details)


def _categorize(
    cleaned: dict[str, Any], payloads: dict[str, Payload], document: dict[str, Any]
) -> None:
    # Any errorCode/errorMessage left after remove-nulls, whatever its type, is a failure.
    failed = "errorCode" in cleaned or "errorMessage" in cleaned
    console = _flattened_value(payloads, "response_elements", ("ConsoleLogin",))
    categorization = categorize(lookup(document, ("event", "action")), failed, console)
    categorization.apply(document.setdefault("event", {}))


def _map_cloud(document: dict[str, Any]) -> None:
    cloud = document.setdefault("cloud", {})
    # Caller's account first; the recipient only when the identity names no account (AWS
    # services, SAML users). Pipelines before ~2025 had no such fallback.
    recipient = lookup(document, _RECIPIENT)
    if recipient is not None and lookup(document, _ACCOUNT_ID) is None:
        put(document, _ACCOUNT_ID, recipient)
    cloud["provider"] = "aws"
    provider = lookup(document, ("event", "provider"))
    if isinstance(provider, str) and provider.endswith(".amazonaws.com"):
        cloud["service"] = {"name": provider.split(".", 1)[0]}
