"""MaxMind databases and the `source.geo.*` / `source.as.*` fields Elastic's `geoip` writes."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import maxminddb

from trailsweep.errors import InputError, Location

_LOOKUP_CACHE_SIZE = 65536


class GeoIpDatabase:
    """A MaxMind (mmdb) database opened for lookups, with a per-address cache.

    Opening fails with InputError when the file is missing or not an mmdb. The records `lookup`
    returns are shared between calls: read them, do not modify them.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._reader = _open_reader(self.path)
        self._cached_lookup = lru_cache(maxsize=_LOOKUP_CACHE_SIZE)(self._lookup)

    @property
    def database_type(self) -> str:
        """The database's own type name, e.g. `GeoLite2-ASN` or `GeoIP2-City`."""
        return str(self._reader.metadata().database_type)

    def lookup(self, ip: str) -> dict[str, Any] | None:
        """The database record for `ip`, or None when the address is not in the database."""
        return self._cached_lookup(ip)

    def _lookup(self, ip: str) -> dict[str, Any] | None:
        try:
            found = self._reader.get(ip)
        except ValueError:
            return None
        return found if isinstance(found, dict) else None

    def close(self) -> None:
        """Release the database file."""
        self._reader.close()

    def __enter__(self) -> GeoIpDatabase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GeoIpDatabase({self.path!r})"


def _open_reader(path: str) -> Any:
    try:
        return maxminddb.open_database(path)
    except FileNotFoundError:
        raise InputError("GeoIP database not found", Location(path)) from None
    except maxminddb.InvalidDatabaseError as exc:
        message = "not a MaxMind database (mmdb) file, or a corrupt one"
        raise InputError(message, Location(path)) from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot open GeoIP database: {exc}", Location(path)) from exc


def open_geoip(path: str | os.PathLike[str]) -> GeoIpDatabase:
    """Open a MaxMind database; InputError says why when the file is missing or not an mmdb."""
    return GeoIpDatabase(path)


def _english_name(section: Any) -> str | None:
    if not isinstance(section, dict):
        return None
    names = section.get("names")
    name = names.get("en") if isinstance(names, dict) else None
    return name if isinstance(name, str) else None


def geo_fields(record: dict[str, Any]) -> dict[str, Any] | None:
    """The `source.geo` object the `geoip` processor writes from a City (or Country) record.

    Only the processor's default properties: city_name, continent_name, country_iso_code,
    country_name, location, region_iso_code, region_name.
    """
    geo: dict[str, Any] = {}
    city = _english_name(record.get("city"))
    if city is not None:
        geo["city_name"] = city
    continent = _english_name(record.get("continent"))
    if continent is not None:
        geo["continent_name"] = continent
    country = record.get("country")
    country_iso = country.get("iso_code") if isinstance(country, dict) else None
    if isinstance(country_iso, str):
        geo["country_iso_code"] = country_iso
    country_name = _english_name(country)
    if country_name is not None:
        geo["country_name"] = country_name
    location = record.get("location")
    if isinstance(location, dict):
        lat, lon = location.get("latitude"), location.get("longitude")
        if lat is not None and lon is not None:
            geo["location"] = {"lat": lat, "lon": lon}
    subdivisions = record.get("subdivisions")
    if isinstance(subdivisions, list) and subdivisions:
        # Elasticsearch reads the most specific subdivision, which MaxMind lists last.
        region = subdivisions[-1]
        region_iso = region.get("iso_code") if isinstance(region, dict) else None
        if isinstance(country_iso, str) and isinstance(region_iso, str):
            geo["region_iso_code"] = f"{country_iso}-{region_iso}"
        region_name = _english_name(region)
        if region_name is not None:
            geo["region_name"] = region_name
    return geo or None


def as_fields(record: dict[str, Any]) -> dict[str, Any] | None:
    """The `source.as` object (`number`, `organization.name`) from an ASN record.

    The pipeline asks the processor for `asn` and `organization_name` and renames them; a
    record without an organisation (MaxMind's test data has some) yields only the number.
    """
    fields: dict[str, Any] = {}
    number = record.get("autonomous_system_number")
    if isinstance(number, int):
        fields["number"] = number
    organization = record.get("autonomous_system_organization")
    if isinstance(organization, str):
        fields["organization"] = {"name": organization}
    return fields or None
