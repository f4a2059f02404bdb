"""source.ip: whole-string IP literals only, canonical form."""

from __future__ import annotations

import pytest

from trailsweep.normalize.addresses import canonical_ip


def test_two_spellings_of_one_ipv6_address_are_one_ip() -> None:
    assert canonical_ip("2001:DB8:0:0:0:0:0:1") == canonical_ip("2001:db8::1") == "2001:db8::1"


def test_ipv4_mapped_ipv6_is_the_ipv4_address() -> None:
    assert canonical_ip("::ffff:1.2.3.4") == "1.2.3.4"
    assert canonical_ip("::FFFF:0102:0304") == "1.2.3.4"


@pytest.mark.parametrize("address", ["10.0.0.1", "127.0.0.1", "89.160.20.156"])
def test_ipv4_is_kept(address: str) -> None:
    assert canonical_ip(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "s3.amazonaws.com",
        "AWS Internal",
        "AWS Internal/3",
        "redacted",
        "81.2.69.142, 192.168.10.10",
        " 10.0.0.1",
        "fe80::1%eth0",
        "",
    ],
)
def test_not_an_ip_literal(address: str) -> None:
    assert canonical_ip(address) is None
