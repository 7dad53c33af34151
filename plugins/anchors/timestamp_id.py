"""``abr/timestamp-id``: a millisecond timestamp and a base-36 suffix, e.g. ``1760536321726-5em0`` (paper A.2).

The timestamp is drawn between 2020 and 2030, so it reads like a real event id; its first digit stays
fixed under edits so every near-duplicate is still a 13-digit timestamp.
"""

from __future__ import annotations

import string

from abr.plugins.anchors.base import Lengths, SizedStyle, draw, substitute
from abr.rng import Rng

BASE36 = string.digits + string.ascii_lowercase
START_MS = 1_577_836_800_000  # 2020-01-01T00:00:00Z
END_MS = 1_893_456_000_000  # 2030-01-01T00:00:00Z

class TimestampId(SizedStyle):
    name = "timestamp-id"
    version = 1
    description = ("Millisecond timestamp plus a base-36 suffix, e.g. 1760536321726-5em0; suffix length 4, set "
                   "with timestamp-id:N (2-12)")
    pattern = r"\b\d{13}-[0-9a-z]{2,12}\b"
    limits = (("suffix", (2, 12)),)

    def __init__(self, suffix: Lengths = (4, 4)) -> None:
        self.suffix = suffix

    def make(self, rng: Rng) -> str:
        stamp = rng.integers(START_MS, END_MS - 1)
        tail = "".join(rng.choice(BASE36) for _ in range(draw(rng.child("suffix"), self.suffix)))
        return f"{stamp}-{tail}"

    def mutate(self, anchor: str, rng: Rng) -> str:
        dash = anchor.index("-")

        def alphabet(a: str, i: int) -> str:
            if i == 0 or i == dash:
                return ""
            return string.digits if i < dash else BASE36

        return substitute(anchor, rng, alphabet)
