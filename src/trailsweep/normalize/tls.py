"""`tlsDetails` → `tls.*`: Elastic's dissect of the TLS version, with its two edge cases."""

from __future__ import annotations

from typing import Any

from trailsweep.normalize.fields import keyword, kind_of

# Some services fill tlsDetails with the field names themselves; Elastic's pipeline drops the
# whole object then (fixture test-tls-details-json, grafana record: no tls.* at all).
_PLACEHOLDER_VERSION = "tlsVersion"


def tls_fields(details: Any, warnings: list[str]) -> dict[str, Any] | None:
    """The `tls` object for a record's (null-stripped) `tlsDetails`.

    `TLSv1.3` is dissected by `%{version_protocol}v%{version}` into `tls` / `1.3`; a value
    without a `v` (`1.3`) goes whole to `tls.version` (the dissect's on_failure).

    >>> tls_fields({"tlsVersion": "TLSv1.2", "cipherSuite": "c",
    ...             "clientProvidedHostHeader": "h"}, [])
    {'version_protocol': 'tls', 'version': '1.2', 'cipher': 'c', 'client': {'server_name': 'h'}}
    """
    if details is None:
        return None
    if not isinstance(details, dict):
        warnings.append(f"tlsDetails is {kind_of(details)}, not an object: ignored as Elastic does")
        return None
    version = keyword(details.get("tlsVersion"))
    if version == _PLACEHOLDER_VERSION:
        warnings.append("tlsDetails holds placeholder values: dropped as Elastic does")
        return None
    tls: dict[str, Any] = {}
    if version is not None:
        protocol, separator, number = version.partition("v")
        if separator:
            if protocol:
                tls["version_protocol"] = protocol.lower()
            if number:
                tls["version"] = number
        else:
            tls["version"] = version
    cipher = keyword(details.get("cipherSuite"))
    if cipher is not None:
        tls["cipher"] = cipher
    server_name = keyword(details.get("clientProvidedHostHeader"))
    if server_name is not None:
        tls["client"] = {"server_name": server_name}
    return tls or None
