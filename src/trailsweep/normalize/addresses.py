"""`source.address` → `source.ip`: only a whole-string IP literal, in the form ES stores."""

from __future__ import annotations

import ipaddress
from functools import lru_cache


@lru_cache(maxsize=65536)
def canonical_ip(address: str) -> str | None:
    """The canonical text of `address` if the whole string is an IPv4 or IPv6 literal, else None.

    Elastic's pipeline runs `grok ^%{IP:source.ip}$` on the source address, so host names
    (`s3.amazonaws.com`), `AWS Internal` and comma lists never become `source.ip`. The field is of
    type `ip`, which ES compares and returns canonically: IPv6 compressed in lower case, an
    IPv4-mapped IPv6 address as its IPv4 address. Grouping by the canonical form keeps two
    spellings of one address together.

    >>> [canonical_ip(a) for a in ("10.0.0.1", "2001:DB8:0:0::1", "::ffff:1.2.3.4", "AWS Internal")]
    ['10.0.0.1', '2001:db8::1', '1.2.3.4', None]
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        # A zone index (`fe80::1%eth0`) is not something an `ip` field can hold.
        if ip.scope_id is not None:
            return None
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
    return str(ip)
