"""The ES|QL types of ECS fields, as Elastic's `logs-aws.cloudtrail-*` mapping declares them."""

from __future__ import annotations

from collections.abc import Iterable

from trailsweep.esql.types import EsqlType, FieldSpec

DATE_FIELDS = frozenset(
    {
        "@timestamp",
        "event.ingested",
        "event.created",
        "event.start",
        "event.end",
        "aws.cloudtrail.user_identity.session_context.creation_date",
    }
)
IP_FIELDS = frozenset({"source.ip", "destination.ip", "client.ip", "host.ip"})
LONG_FIELDS = frozenset({"source.as.number", "event.duration", "event.sequence"})
DOUBLE_FIELDS = frozenset({"source.geo.location.lat", "source.geo.location.lon"})
# `aws.cloudtrail.management_event` is a keyword in Elastic's mapping (fields.yml), so ES|QL
# returns the string "true", not a boolean; only `read_only` is mapped as a boolean.
BOOLEAN_FIELDS = frozenset({"aws.cloudtrail.read_only"})
# Fields that hold several values in Elastic's documents (arrays, or leaves under an array of
# objects such as aws.cloudtrail.resources[]); they stay lists even where one value is present.
MULTIVALUED_FIELDS = frozenset(
    {
        "aws.cloudtrail.resources.arn",
        "aws.cloudtrail.resources.account_id",
        "aws.cloudtrail.resources.type",
        "event.type",
        "event.category",
        "related.user",
        "related.ip",
        "related.entity",
        "tags",
        "actor.entity.id",
        "target.entity.id",
    }
)


def declared_type(name: str) -> EsqlType | None:
    """The mapped type of a known ECS field, or None where the values decide."""
    if name in DATE_FIELDS:
        return "date"
    if name in IP_FIELDS:
        return "ip"
    if name in LONG_FIELDS:
        return "long"
    if name in DOUBLE_FIELDS:
        return "double"
    if name in BOOLEAN_FIELDS:
        return "boolean"
    return None


def inferred_type(values: list[object]) -> EsqlType:
    """The type of an unmapped field from its values (mixed values fall back to keyword)."""
    return type_of_kinds(value_kinds(values))


def value_kinds(values: list[object]) -> set[EsqlType]:
    """The kinds of the values (and of the items of list values), nulls left out."""
    kinds: set[EsqlType] = set()
    for value in values:
        for item in value if isinstance(value, list) else (value,):
            if item is None:
                continue
            if isinstance(item, bool):
                kinds.add("boolean")
            elif isinstance(item, int):
                kinds.add("long")
            elif isinstance(item, float):
                kinds.add("double")
            else:
                kinds.add("keyword")
    return kinds


def type_of_kinds(kinds: set[EsqlType]) -> EsqlType:
    """The type of an unmapped field whose values are of these kinds."""
    if not kinds:
        return "null"
    if kinds == {"long", "double"}:
        return "double"
    return next(iter(kinds)) if len(kinds) == 1 else "keyword"


def assumed_schema(names: Iterable[str]) -> dict[str, FieldSpec]:
    """Column specs for fields before any data is seen: the mapped type, else keyword (what
    `rules validate` compiles against)."""
    return {
        name: FieldSpec(name, declared_type(name) or "keyword", name in MULTIVALUED_FIELDS)
        for name in names
    }
