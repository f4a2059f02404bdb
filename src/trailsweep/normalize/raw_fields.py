"""Reading a few ECS fields straight from a raw record, without normalizing it.

Used by prefilters: a field that Elastic's pipeline copies verbatim from one raw key (event.action
is eventName, aws.cloudtrail.user_identity.arn is userIdentity.arn ...), a constant of the data
stream, or an enrichment that cannot exist because its database was not given. The reader
returns the value the normalized field would hold (None for null), or UNKNOWN when it cannot
tell without normalizing (a raw value that is not a string).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from trailsweep.normalize.empty_values import PLACEHOLDER_STRINGS
from trailsweep.normalize.model import NormalizeOptions
from trailsweep.normalize.record import CONSTANT_FIELDS, VERBATIM_SOURCES


class _Unknown:
    """The value of a field that only normalizing can tell."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
RawReader = Callable[[Mapping[str, Any]], "str | None | _Unknown"]

IDENTITY_SOURCES: dict[str, str] = {
    "aws.cloudtrail.user_identity.type": "type",
    "aws.cloudtrail.user_identity.arn": "arn",
    "aws.cloudtrail.user_identity.access_key_id": "accessKeyId",
    "aws.cloudtrail.user_identity.invoked_by": "invokedBy",
}
"""ECS fields renamed verbatim from a key of userIdentity."""


def reads_record(field: str, options: NormalizeOptions) -> bool:
    """False for fields whose value does not depend on the record (constants, and enrichments
    whose database was not given)."""
    if field in CONSTANT_FIELDS or field == "data_stream.namespace":
        return False
    return not _missing_enrichment(field, options)


def _missing_enrichment(field: str, options: NormalizeOptions) -> bool:
    return (field.startswith("source.as.") and options.asn_db is None) or (
        field.startswith("source.geo.") and options.city_db is None
    )


def raw_field_reader(field: str, options: NormalizeOptions) -> RawReader | None:
    """A reader of `field` from raw records, or None when the field needs normalizing."""
    if field in CONSTANT_FIELDS:
        constant = CONSTANT_FIELDS[field]
        return lambda record: constant
    if field == "data_stream.namespace":
        namespace = options.namespace
        return lambda record: namespace
    if field in VERBATIM_SOURCES:
        key = VERBATIM_SOURCES[field]
        return lambda record: _keyword(record.get(key))
    if field in IDENTITY_SOURCES:
        inner = IDENTITY_SOURCES[field]
        return lambda record: _identity_keyword(record, inner)
    if _missing_enrichment(field, options):
        return lambda record: None
    return None


def _keyword(value: Any) -> str | None | _Unknown:
    if value is None:
        return None
    if type(value) is str:
        return None if value in PLACEHOLDER_STRINGS else value
    return UNKNOWN


def _identity_keyword(record: Mapping[str, Any], key: str) -> str | None | _Unknown:
    identity = record.get("userIdentity")
    if identity is None:
        return None
    if not isinstance(identity, dict):
        return None  # ignored (with a warning) by normalize_record, so the field is null
    return _keyword(identity.get(key))
