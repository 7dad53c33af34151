"""``abr/random-id``: uppercase letter IDs such as ``OSXVANVP`` (paper Appendix A.4)."""

from __future__ import annotations

import string

from abr.components import AnchorStyle
from abr.rng import Rng

LETTERS = string.ascii_uppercase


class RandomId(AnchorStyle):
    name = "random-id"
    version = 1
    description = "Random uppercase letter IDs, e.g. OSXVANVP (8 letters); near-duplicates by letter swaps"
    pattern = r"\b[A-Z]{6,}\b"

    def __init__(self, length: int = 8) -> None:
        self.length = length

    def make(self, rng: Rng) -> str:
        return "".join(rng.choice(LETTERS) for _ in range(self.length))

    def mutate(self, anchor: str, rng: Rng) -> str:
        i = rng.below(len(anchor))
        options = [c for c in LETTERS if c != anchor[i]]
        return anchor[:i] + rng.choice(options) + anchor[i + 1:]
