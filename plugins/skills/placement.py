"""Where pairs go: shared by the built-in skills so that "depth" means the same thing in all of them."""

from __future__ import annotations

from abr.rng import Rng


def locate(depth: float, documents: int) -> tuple[int, float]:
    """The document (0-based) and relative position inside it for a depth over equal-sized documents."""
    scaled = min(max(depth, 0.0), 1.0) * documents
    doc = min(int(scaled), documents - 1)
    return doc, min(1.0, scaled - doc)


def stratified(rng: Rng, n: int) -> list[float]:
    """``n`` depths, one drawn in each of ``n`` equal slices of [0, 1] (spread, but not evenly spaced).

    ``rng`` must be a stream of its own: the draws are taken from it in order."""
    return [(i + rng.random()) / n for i in range(n)]


def positions(rng: Rng, n: int) -> list[float]:
    """``n`` increasing relative positions inside one document (reading order is the list order)."""
    return sorted(rng.random() for _ in range(n))


def spread_documents(rng: Rng, n: int, documents: int) -> list[int]:
    """``n`` document indices covering as many different documents as possible, in random order."""
    out: list[int] = []
    while len(out) < n:
        out += rng.child("round", len(out)).shuffled(range(documents))
    return out[:n]


def level(*factors: float) -> float:
    """A sortable difficulty in [0, 1]: the mean of factors each already scaled to [0, 1]."""
    clipped = [min(1.0, max(0.0, f)) for f in factors]
    return round(sum(clipped) / len(clipped), 4) if clipped else 0.0


def scaled(value: float, low: float, high: float) -> float:
    """``value`` mapped linearly from [low, high] to [0, 1]."""
    return 0.0 if high <= low else (value - low) / (high - low)
