"""``abr/uuid``: random (version 4) UUIDs such as ``3f2b8c1e-9d4a-4b7e-a1c2-5e6f7a8b9c0d``.

The length is fixed by the UUID format (RFC 9562); for hexadecimal anchors of another length use
``abr/hex-key``. Edits never touch the dashes or the version and variant digits, so every near-duplicate
is still a valid version-4 UUID.
"""

from __future__ import annotations

from abr.components import AnchorStyle
from abr.errors import AbrError
from abr.plugins.anchors.base import substitute
from abr.rng import Rng

HEX = "0123456789abcdef"
DASHES = (8, 13, 18, 23)
VERSION_AT, VARIANT_AT = 14, 19


class Uuid(AnchorStyle):
    name = "uuid"
    version = 1
    description = "Random version-4 UUIDs, e.g. 3f2b8c1e-9d4a-4b7e-a1c2-5e6f7a8b9c0d (fixed length, 36 characters)"
    pattern = r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"

    def configure(self, argument: str) -> Uuid:
        raise AbrError(f"anchor style 'uuid' has a fixed length (36 characters), got {argument!r}; use "
                       f"hex-key:N for hexadecimal anchors of another length")

    def make(self, rng: Rng) -> str:
        digits = [rng.choice(HEX) for _ in range(32)]
        digits[12] = "4"
        digits[16] = rng.choice("89ab")
        h = "".join(digits)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def mutate(self, anchor: str, rng: Rng) -> str:
        return substitute(anchor, rng, lambda a, i: "" if i in DASHES or i in (VERSION_AT, VARIANT_AT) else HEX)
