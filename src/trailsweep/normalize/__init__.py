"""Raw CloudTrail records → the ECS documents Elastic's AWS integration indexes, exactly.

`normalize_record` reproduces the `aws.cloudtrail` ingest pipeline (remove-nulls, renames,
user agent and GeoIP enrichment, Java `toString()` payloads, categorization);
`flatten_document` gives the dotted field names ES|QL reads; `ecs_document_from` accepts input
that is already ECS. A reader that keeps only some fields says which (`NormalizeOptions.wanted`),
and normalizing skips the costly steps whose fields it never reads (see `needs`).
"""

from __future__ import annotations

from trailsweep.normalize.ecs_input import ecs_document_from, is_ecs_document
from trailsweep.normalize.flatten import FieldSelection, flatten_document
from trailsweep.normalize.geoip import GeoIpDatabase, open_geoip
from trailsweep.normalize.model import NormalizedRecord, NormalizeOptions, RecordRejected
from trailsweep.normalize.record import (
    CONSTANT_FIELDS,
    SCREENED_KEYS,
    VERBATIM_SOURCES,
    is_text,
    normalize_record,
    plainly_valid,
    screen_record,
)

__all__ = [
    "CONSTANT_FIELDS",
    "FieldSelection",
    "GeoIpDatabase",
    "NormalizeOptions",
    "NormalizedRecord",
    "RecordRejected",
    "ecs_document_from",
    "flatten_document",
    "is_ecs_document",
    "is_text",
    "normalize_record",
    "open_geoip",
    "plainly_valid",
    "SCREENED_KEYS",
    "screen_record",
    "VERBATIM_SOURCES",
]
