"""``abr/mixed-id``: mixed-case alphanumeric IDs such as ``h6qKmUOmz2m`` (paper Appendix A.3).

Every ID holds a digit, a lowercase and an uppercase letter, and edits keep all three present, so the
style's pattern never matches an ordinary word or number.
"""

from __future__ import annotations

import string

from abr.plugins.anchors.base import Lengths, SizedStyle, draw, draw_valid, substitute_valid
from abr.rng import Rng

ALPHABET = string.ascii_letters + string.digits


def _mixed(anchor: str) -> bool:
    return any(c.isdigit() for c in anchor) and any(c.islower() for c in anchor) and any(c.isupper() for c in anchor)


class MixedId(SizedStyle):
    name = "mixed-id"
    version = 1
    description = "Mixed-case alphanumeric IDs, e.g. h6qKmUOmz2m; length 11, set with mixed-id:N or LOW-HIGH (8-32)"
    pattern = r"\b(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{8,}\b"
    limits = (("length", (8, 32)),)

    def __init__(self, length: Lengths = (11, 11)) -> None:
        self.length = length

    def make(self, rng: Rng) -> str:
        return draw_valid(rng.child("id"), draw(rng.child("length"), self.length), ALPHABET, _mixed)

    def mutate(self, anchor: str, rng: Rng) -> str:
        return substitute_valid(anchor, rng, ALPHABET, _mixed)
