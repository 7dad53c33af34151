"""Deterministic random streams keyed by names, never by global state or Python's ``hash()``.

Each stream is seeded from a SHA-256 of its key path (recipe seed, skill, index, purpose...), so a
sample's draws do not depend on which process made it, on ``PYTHONHASHSEED``, or on how many other
draws happened before. Children are derived by label, so adding draws to one component never shifts
another component's draws.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_SEP = "\x1f"


def derive_seed(*parts: object) -> int:
    """A 64-bit seed from a key path; stable across machines, processes and Python versions."""
    key = _SEP.join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


class Rng:
    """A named random stream. Integer draws use rejection sampling on raw bits for portability."""

    __slots__ = ("_key", "_random")

    def __init__(self, *key: object) -> None:
        self._key: tuple[str, ...] = tuple(str(k) for k in key)
        self._random = random.Random(derive_seed(*self._key))

    @property
    def key(self) -> tuple[str, ...]:
        return self._key

    def child(self, *label: object) -> Rng:
        """An independent stream for a sub-task, determined by this stream's key and the label."""
        return Rng(*self._key, *label)

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        if n <= 0:
            raise ValueError(f"below() needs n > 0, got {n}")
        bits = n.bit_length()
        while True:
            r = self._random.getrandbits(bits)
            if r < n:
                return r

    def integers(self, low: int, high: int) -> int:
        """A uniform integer in [low, high], both ends included."""
        if high < low:
            raise ValueError(f"integers() needs low <= high, got {low} > {high}")
        return low + self.below(high - low + 1)

    def random(self) -> float:
        """A uniform float in [0, 1) with 53 random bits."""
        return self._random.getrandbits(53) / 9007199254740992.0

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def chance(self, p: float) -> bool:
        return self.random() < p

    def choice(self, seq: Sequence[T]) -> T:
        if not seq:
            raise ValueError("choice() from an empty sequence")
        return seq[self.below(len(seq))]

    def weighted(self, seq: Sequence[T], weights: Sequence[float]) -> T:
        total = float(sum(weights))
        if not seq or total <= 0:
            raise ValueError("weighted() needs items with positive total weight")
        x = self.random() * total
        acc = 0.0
        for item, w in zip(seq, weights):
            acc += w
            if x < acc:
                return item
        return seq[-1]

    def shuffled(self, seq: Sequence[T]) -> list[T]:
        """A shuffled copy (Fisher-Yates)."""
        out = list(seq)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        """k distinct items in random order (a partial Fisher-Yates that never copies ``seq``)."""
        n = len(seq)
        if k > n:
            raise ValueError(f"sample() of {k} from {n} items")
        if k <= 2:  # the common case, same draws and result as the general loop below, without the dict
            if k == 0:
                return []
            first = self.below(n)
            if k == 1:
                return [seq[first]]
            second = 1 + self.below(n - 1)
            return [seq[first], seq[0] if second == first else seq[second]]
        moved: dict[int, int] = {}
        out = []
        for i in range(k):
            j = i + self.below(n - i)
            out.append(seq[moved.get(j, j)])
            moved[j] = moved.get(i, i)
        return out
