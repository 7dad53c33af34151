"""``abr/bracketed-id``: labelled IDs such as ``[ID: B-292]`` (paper Appendix A.1)."""

from __future__ import annotations

import string

from abr.plugins.anchors.base import Lengths, SizedStyle, draw, substitute
from abr.rng import Rng

PREFIX = "[ID: "


class BracketedId(SizedStyle):
    name = "bracketed-id"
    version = 1
    description = ("Bracketed IDs, e.g. [ID: B-292]; 1 letter and 3 digits, set with "
                   "bracketed-id:letters=L,digits=D (letters 1-4, digits 2-8)")
    pattern = r"\[ID: [A-Z]{1,4}-\d{2,8}\]"
    limits = (("digits", (2, 8)), ("letters", (1, 4)))

    def __init__(self, digits: Lengths = (3, 3), letters: Lengths = (1, 1)) -> None:
        self.digits = digits
        self.letters = letters

    def make(self, rng: Rng) -> str:
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(draw(rng.child("letters"), self.letters)))
        digits = "".join(rng.choice(string.digits) for _ in range(draw(rng.child("digits"), self.digits)))
        return f"{PREFIX}{letters}-{digits}]"

    def mutate(self, anchor: str, rng: Rng) -> str:
        dash = anchor.index("-", len(PREFIX))

        def alphabet(a: str, i: int) -> str:
            if i < len(PREFIX) or i == dash or i == len(a) - 1:
                return ""
            return string.ascii_uppercase if i < dash else string.digits

        return substitute(anchor, rng, alphabet)

    def render_pair(self, anchor: str, question: str) -> str:
        return f"{anchor} {question}"
