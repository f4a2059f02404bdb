"""Seeded generators for the identifiers CloudTrail records carry (event ids, keys, request ids)."""

from __future__ import annotations

import base64
import random

_UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Version 4 and the RFC 4122 variant, forced into 128 random bits.
_UUID_KEEP = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_UUID_SET = (0x4 << 76) | (0x2 << 62)


class IdSource:
    """Every random identifier comes from one seeded `random.Random`, so output is reproducible."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._bits = rng.getrandbits

    def uuid4(self) -> str:
        """A version-4 UUID string; `uuid.uuid4()` would read the OS entropy pool."""
        h = ((self._bits(128) & _UUID_KEEP) | _UUID_SET).to_bytes(16, "big").hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def s3_request_id(self) -> str:
        """S3 request ids are 16 upper-case characters."""
        return f"{self._bits(64):016X}"

    def amz_id_2(self) -> str:
        """S3's extended request id (`x-amz-id-2`): base64 of opaque bytes."""
        return base64.b64encode(self.rng.randbytes(56)).decode()

    def access_key_id(self, prefix: str) -> str:
        """`AKIA...` for long-term keys, `ASIA...` for session credentials."""
        return prefix + "".join(self.rng.choices(_KEY_ALPHABET, k=16))

    def unique_id(self, prefix: str) -> str:
        """IAM unique ids: `AIDA...` for users, `AROA...` for roles (21 characters)."""
        return prefix + "".join(self.rng.choices(_UPPER_ALNUM, k=17))

    def alnum(self, length: int) -> str:
        """Mixed-case alphanumerics, as in log-file key suffixes."""
        return "".join(self.rng.choices(_ALNUM, k=length))

    def hex(self, length: int) -> str:
        """Lower-case hex digits."""
        return f"{self._bits(4 * length):0{length}x}"
