"""``abr/random-id``: uppercase letter IDs such as ``OSXVANVP`` (paper Appendix A.4; lengths 6-10 there)."""

from __future__ import annotations

import string

from abr.plugins.anchors.base import Lengths, SizedStyle, describe, draw, substitute
from abr.rng import Rng

LETTERS = string.ascii_uppercase

class RandomId(SizedStyle):
    name = "random-id"
    version = 2
    description = ("Random uppercase letter IDs, e.g. OSXVANVP; length 8, set with random-id:N or random-id:LOW-HIGH "
                   "(6-32)")
    pattern = r"\b[A-Z]{6,}\b"
    limits = (("length", (6, 32)),)

    def __init__(self, length: Lengths = (8, 8)) -> None:
        self.length = length

    def make(self, rng: Rng) -> str:
        return "".join(rng.choice(LETTERS) for _ in range(draw(rng.child("length"), self.length)))

    def mutate(self, anchor: str, rng: Rng) -> str:
        return substitute(anchor, rng, lambda a, i: LETTERS)

    def __repr__(self) -> str:
        return f"RandomId(length={describe(self.length)})"
