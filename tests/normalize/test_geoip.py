"""MaxMind databases and the source.geo / source.as fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from trailsweep.errors import InputError
from trailsweep.normalize import GeoIpDatabase, open_geoip
from trailsweep.normalize.geoip import as_fields, geo_fields


def test_asn_of_the_test_database(asn_db: GeoIpDatabase) -> None:
    record = asn_db.lookup("89.160.20.156")
    assert record is not None
    assert as_fields(record) == {"number": 29518, "organization": {"name": "Bredband2 AB"}}


def test_asn_without_organisation(asn_db: GeoIpDatabase) -> None:
    record = asn_db.lookup("216.160.83.56")
    assert record is not None
    assert as_fields(record) == {"number": 209}


def test_unknown_and_invalid_addresses(asn_db: GeoIpDatabase) -> None:
    assert asn_db.lookup("81.2.69.144") is None
    assert asn_db.lookup("127.0.0.1") is None
    assert asn_db.lookup("not an ip") is None


def test_city_fields_as_elastic_writes_them(city_db: GeoIpDatabase) -> None:
    record = city_db.lookup("81.2.69.144")
    assert record is not None
    assert geo_fields(record) == {
        "city_name": "London",
        "continent_name": "Europe",
        "country_iso_code": "GB",
        "country_name": "United Kingdom",
        "location": {"lat": 51.5142, "lon": -0.0931},
        "region_iso_code": "GB-ENG",
        "region_name": "England",
    }


def test_database_type(asn_db: GeoIpDatabase, city_db: GeoIpDatabase) -> None:
    assert asn_db.database_type == "GeoLite2-ASN"
    assert "City" in city_db.database_type


def test_missing_database_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found") as caught:
        open_geoip(tmp_path / "nope.mmdb")
    assert "nope.mmdb" in str(caught.value)


def test_corrupt_database_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mmdb"
    bad.write_bytes(b"not a database")
    with pytest.raises(InputError, match="not a MaxMind database"):
        open_geoip(bad)
