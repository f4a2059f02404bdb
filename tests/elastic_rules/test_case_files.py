"""The checked-in event files are what the builders make, and the test ASN database reads back."""

from __future__ import annotations

from pathlib import Path

import maxminddb
import pytest

from tests.elastic_rules.generate import BUILDERS, CASES_DIR, rendered
from tests.elastic_rules.mmdb import write_asn_database
from tests.elastic_rules.test_elastic_rules import TRAILSWEEP_ASN_NETWORKS


@pytest.mark.parametrize("stem", sorted(BUILDERS))
def test_event_files_match_their_builder(stem: str) -> None:
    for name, text in rendered(stem).items():
        on_disk = (CASES_DIR / stem / name).read_text(encoding="utf-8")
        assert on_disk == text, f"run `python -m tests.elastic_rules.generate {stem}`"


def test_written_asn_database_answers_like_maxminds(tmp_path: Path) -> None:
    path = write_asn_database(tmp_path / "asn.mmdb", TRAILSWEEP_ASN_NETWORKS)
    with maxminddb.open_database(str(path)) as reader:
        assert reader.get("203.0.113.40") == {
            "autonomous_system_number": 16509,
            "autonomous_system_organization": "Amazon.com, Inc.",
        }
        assert reader.get("198.51.100.255") == {
            "autonomous_system_number": 8075,
            "autonomous_system_organization": "Microsoft Corporation",
        }
        assert reader.get("89.160.127.1") == {
            "autonomous_system_number": 29518,
            "autonomous_system_organization": "Bredband2 AB",
        }
        assert reader.get("89.160.128.1") is None
        assert reader.get("192.0.2.1") is None
        assert reader.metadata().database_type == "GeoLite2-ASN"
