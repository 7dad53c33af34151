"""``abr/hex-key``: lowercase hexadecimal keys such as ``9f3ac07be41d52a8``.

Every key holds at least one digit and one letter (and so do its near-duplicates), which keeps plain
numbers and ordinary words from ever looking like a key.
"""

from __future__ import annotations

from abr.plugins.anchors.base import Lengths, SizedStyle, draw, draw_valid, substitute_valid
from abr.rng import Rng

HEX = "0123456789abcdef"


def _mixed(key: str) -> bool:
    return any(c.isdigit() for c in key) and any(c.isalpha() for c in key)


class HexKey(SizedStyle):
    name = "hex-key"
    version = 1
    description = "Lowercase hexadecimal keys, e.g. 9f3ac07be41d52a8; length 16, set with hex-key:N or LOW-HIGH (8-64)"
    pattern = r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b"
    limits = (("length", (8, 64)),)

    def __init__(self, length: Lengths = (16, 16)) -> None:
        self.length = length

    def make(self, rng: Rng) -> str:
        return draw_valid(rng.child("key"), draw(rng.child("length"), self.length), HEX, _mixed)

    def mutate(self, anchor: str, rng: Rng) -> str:
        return substitute_valid(anchor, rng, HEX, _mixed)
