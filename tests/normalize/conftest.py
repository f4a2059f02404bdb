"""Fixtures for the normalizer tests: Elastic's pipeline fixtures and MaxMind's test databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trailsweep.normalize import GeoIpDatabase, NormalizeOptions, open_geoip


@pytest.fixture(scope="session")
def pipeline_dir(shared_dir: Path) -> Path:
    """Elastic's CloudTrail pipeline tests: `test-*.log` with `*-expected.json`."""
    return shared_dir / "fixtures" / "elastic-cloudtrail-pipeline"


@pytest.fixture(scope="session")
def maxmind_dir(shared_dir: Path) -> Path:
    """MaxMind's test databases, the ones behind the fixtures' source.as/geo values."""
    return shared_dir / "fixtures" / "maxmind-test-db"


@pytest.fixture(scope="session")
def asn_db(maxmind_dir: Path) -> Iterator[GeoIpDatabase]:
    with open_geoip(maxmind_dir / "GeoLite2-ASN-Test.mmdb") as database:
        yield database


@pytest.fixture(scope="session")
def city_db(maxmind_dir: Path) -> Iterator[GeoIpDatabase]:
    with open_geoip(maxmind_dir / "GeoLite2-City-Test.mmdb") as database:
        yield database


@pytest.fixture(scope="session")
def geo_options(asn_db: GeoIpDatabase, city_db: GeoIpDatabase) -> NormalizeOptions:
    """Options with both test databases, as Elastic's pipeline tests run."""
    return NormalizeOptions(asn_db=asn_db, city_db=city_db)
