"""tls.* from tlsDetails."""

from __future__ import annotations

from trailsweep.normalize.tls import tls_fields


def test_bare_version_goes_to_tls_version() -> None:
    # test-tls-details-json, third record: "1.3" has no protocol part.
    assert tls_fields({"tlsVersion": "1.3", "cipherSuite": "c"}, []) == {
        "version": "1.3",
        "cipher": "c",
    }


def test_placeholder_details_are_dropped() -> None:
    warnings: list[str] = []
    placeholders = {
        "tlsVersion": "tlsVersion",
        "cipherSuite": "cipherSuite",
        "clientProvidedHostHeader": "clientProvidedHostHeader",
    }
    assert tls_fields(placeholders, warnings) is None
    assert warnings == ["tlsDetails holds placeholder values: dropped as Elastic does"]


def test_absent_details() -> None:
    assert tls_fields(None, []) is None
