"""A tiny MaxMind DB (mmdb) writer, for test databases holding what MaxMind's test data lacks.

MaxMind's GeoLite2 ASN *test* database has no "Amazon", "Google LLC" or "Microsoft Corporation"
organisation, which some of Elastic's rules treat as trusted clouds. This writes an IPv4-only
ASN database (24-bit records) from a few networks, in the MaxMind DB format 2.0 that
`maxminddb` reads: a binary search tree over the address bits, a 16-byte separator, the data
section, then the metadata after the `\\xab\\xcd\\xefMaxMind.com` marker.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"
_RECORD_BITS = 24

# MaxMind DB data types.
_UTF8 = 2
_DOUBLE = 3
_UINT16 = 5
_UINT32 = 6
_MAP = 7
_UINT64 = 9
_ARRAY = 11
_BOOLEAN = 14


def _control(type_code: int, size: int) -> bytes:
    if size < 29:
        head, extra = size, b""
    elif size < 29 + 256:
        head, extra = 29, bytes([size - 29])
    elif size < 285 + 65536:
        head, extra = 30, (size - 285).to_bytes(2, "big")
    else:
        head, extra = 31, (size - 65821).to_bytes(3, "big")
    if type_code <= 7:
        return bytes([(type_code << 5) | head]) + extra
    return bytes([head, type_code - 7]) + extra


def _unsigned(type_code: int, value: int) -> bytes:
    payload = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return _control(type_code, len(payload)) + payload


def encode(value: Any, *, uint_type: int = _UINT32) -> bytes:
    """One value in the data section's encoding (strings, unsigned ints, maps, lists...)."""
    if isinstance(value, bool):
        return _control(_BOOLEAN, int(value))
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _control(_UTF8, len(data)) + data
    if isinstance(value, int):
        return _unsigned(uint_type, value)
    if isinstance(value, float):
        return _control(_DOUBLE, 8) + struct.pack(">d", value)
    if isinstance(value, Mapping):
        parts = [_control(_MAP, len(value))]
        for key, item in value.items():
            parts.append(encode(str(key)))
            parts.append(encode(item, uint_type=uint_type))
        return b"".join(parts)
    if isinstance(value, list | tuple):
        items = [encode(item, uint_type=uint_type) for item in value]
        return _control(_ARRAY, len(items)) + b"".join(items)
    raise TypeError(f"cannot encode {value!r} in a MaxMind DB")


class _Tree:
    """The search tree: node i is [left, right]; a child is ("node", j) or ("data", offset)."""

    def __init__(self) -> None:
        self.nodes: list[list[tuple[str, int] | None]] = [[None, None]]

    def insert(self, network: ipaddress.IPv4Network, data_offset: int) -> None:
        bits = int(network.network_address)
        node = 0
        for depth in range(network.prefixlen):
            bit = (bits >> (31 - depth)) & 1
            last = depth == network.prefixlen - 1
            if last:
                self.nodes[node][bit] = ("data", data_offset)
                return
            child = self.nodes[node][bit]
            if child is None:
                self.nodes.append([None, None])
                child = ("node", len(self.nodes) - 1)
                self.nodes[node][bit] = child
            if child[0] != "node":
                raise ValueError(f"{network} lies inside a network inserted before it")
            node = child[1]

    def encode(self) -> bytes:
        count = len(self.nodes)
        out = bytearray()
        for pair in self.nodes:
            for child in pair:
                if child is None:
                    record = count
                elif child[0] == "node":
                    record = child[1]
                else:
                    record = count + 16 + child[1]
                out += record.to_bytes(_RECORD_BITS // 8, "big")
        return bytes(out)


def write_asn_database(path: Path, networks: Sequence[tuple[str, int, str]]) -> Path:
    """Write an IPv4 GeoLite2-ASN-shaped database: (CIDR, AS number, organisation) entries."""
    tree = _Tree()
    data = bytearray()
    for cidr, number, organization in networks:
        record = {
            "autonomous_system_number": number,
            "autonomous_system_organization": organization,
        }
        offset = len(data)
        data += encode(record)
        tree.insert(ipaddress.IPv4Network(cidr), offset)
    metadata = {
        "binary_format_major_version": 2,
        "binary_format_minor_version": 0,
        "build_epoch": 1_778_000_000,
        "database_type": "GeoLite2-ASN",
        "description": {"en": "trailsweep test ASN database"},
        "ip_version": 4,
        "languages": ["en"],
        "node_count": len(tree.nodes),
        "record_size": _RECORD_BITS,
    }
    encoded_metadata = b"".join(
        [
            _control(_MAP, len(metadata)),
            *(encode(key) + _metadata_value(key, value) for key, value in metadata.items()),
        ]
    )
    path.write_bytes(tree.encode() + bytes(16) + bytes(data) + _METADATA_MARKER + encoded_metadata)
    return path


def _metadata_value(key: str, value: Any) -> bytes:
    if key == "build_epoch":
        return encode(value, uint_type=_UINT64)
    if key in ("node_count",):
        return encode(value, uint_type=_UINT32)
    if isinstance(value, int):
        return encode(value, uint_type=_UINT16)
    return encode(value)
