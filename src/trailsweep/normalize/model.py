"""The normalizer's value types: its options, its result, and its one exception."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from trailsweep.normalize.flatten import FieldSelection
from trailsweep.normalize.geoip import GeoIpDatabase
from trailsweep.normalize.needs import NormalizeNeeds, needs_of


@dataclass(frozen=True)
class NormalizeOptions:
    """What the Elastic deployment being reproduced would add that a record does not carry."""

    namespace: str = "default"
    """`data_stream.namespace` (the integration policy's namespace)."""
    asn_db: GeoIpDatabase | None = None
    """MaxMind ASN database for `source.as.*`; without it those fields are absent."""
    city_db: GeoIpDatabase | None = None
    """MaxMind City (or Country) database for `source.geo.*`; without it they are absent."""
    keep_original: bool = False
    """Keep the record's JSON text in `event.original` (tag `preserve_original_event`)."""
    wanted: FieldSelection | None = None
    """The only fields the caller reads (through `flatten_document` with this selection); the
    document may then lack steps whose fields are not among them (see `needs`). Rejections
    and warnings are the same whatever it is. None: the whole document."""

    @cached_property
    def needs(self) -> NormalizeNeeds:
        """The optional normalization steps `wanted` can see."""
        return needs_of(self.wanted)


@dataclass(frozen=True)
class NormalizedRecord:
    """One record as Elastic would index it, and what Elastic would have ignored in silence."""

    document: dict[str, Any]
    """The nested ECS document."""
    warnings: tuple[str, ...] = ()
    """Parts of the record Elastic's pipeline drops or ignores without a word, said out loud."""


class RecordRejected(Exception):
    """A record that cannot be evaluated at all; `reason` reads "<category>: <details>"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
