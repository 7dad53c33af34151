"""Anchor helpers shared by every style: fresh anchors and near-duplicates within a similarity band.

Similarity is one of two rapidfuzz scores, divided by 100:

- ``ratio`` (the default): normalized Indel similarity, ``1 - (insertions + deletions) / (len(a) + len(b))``.
  One substitution in an 8-character anchor gives 0.875, two give 0.75; in a 36-character UUID one
  substitution gives 0.972.
- ``partial_ratio``: the best ``ratio`` of the shorter string against any equally long window of the
  longer one, so an anchor that keeps a long stretch of the target intact scores high even when its other
  end differs. For equal-length strings it is at least ``ratio``.

A near-duplicate is built by a random walk of in-style edits (``AnchorStyle.mutate``) away from the
target towards a level drawn uniformly from the band, so decoys spread over the band. Each edit moves the similarity by
a small step, so the walk passes through every reachable level; a band narrower than one step (for
example [0.96, 0.99] for 8 letters) cannot be hit and is a clear error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from abr.components import AnchorStyle
from abr.errors import AbrError
from abr.rng import Rng

MAX_TRIES = 2000
NEAR_TRIES = 400
METRICS = ("ratio", "partial_ratio")


def similarity(a: str, b: str, metric: str = "ratio") -> float:
    """The rapidfuzz ``metric`` of two strings, in [0, 1]."""
    return _scorer(metric)(a, b)


def _scorer(metric: str) -> Callable[[str, str], float]:
    from rapidfuzz import fuzz

    if metric not in METRICS:
        raise AbrError(f"unknown similarity metric {metric!r}; use one of {', '.join(METRICS)}")
    score = fuzz.ratio if metric == "ratio" else fuzz.partial_ratio
    return lambda a, b: float(score(a, b)) / 100.0


def _clashes(candidate: str, taken: Iterable[str]) -> bool:
    return any(candidate in t or t in candidate for t in taken)


def fresh_anchors(style: AnchorStyle, rng: Rng, n: int, taken: set[str]) -> list[str]:
    """``n`` anchors, distinct from each other and from ``taken``, none a substring of another."""
    out: list[str] = []
    seen = set(taken)
    for i in range(n):
        for attempt in range(MAX_TRIES):
            candidate = style.make(rng.child("anchor", i, attempt))
            if not _clashes(candidate, seen):
                out.append(candidate)
                seen.add(candidate)
                break
        else:
            raise AbrError(f"anchor style {style.name} cannot make {n} distinct anchors; use a longer anchor style")
    return out


def near_duplicates(style: AnchorStyle, target: str, n: int, band: tuple[float, float], rng: Rng,
                    taken: set[str], metric: str = "ratio") -> list[str]:
    """``n`` distinct strings in the style whose similarity to ``target`` lies within ``band``.

    Every result differs from the target and from every anchor in ``taken``, and none contains (or is
    contained in) another anchor, so an exact search for the target never lands on a decoy.
    """
    lo, hi = band
    if not 0.0 <= lo <= hi <= 1.0:
        raise AbrError(f"similarity band [{lo}, {hi}] must satisfy 0 <= low <= high <= 1")
    score = _scorer(metric)
    out: list[str] = []
    seen = set(taken) | {target}
    steps = 4 * max(1, len(target))
    levels: set[float] = set()
    for i in range(n):
        found = _walk(style, target, (lo, hi), rng.child("near", i), seen, score, steps, levels)
        if found is None:
            near = sorted(levels, key=lambda s: min(abs(s - lo), abs(s - hi)))[:3]
            reachable = ", ".join(f"{s:.3f}" for s in sorted(near)) or "none"
            raise AbrError(
                f"cannot make near-duplicates of {target!r} (style {style.name}) with similarity in "
                f"[{lo}, {hi}] ({metric}); levels reached nearest the band: {reachable}; widen the band or "
                f"change the anchor length"
            )
        out.append(found)
        seen.add(found)
    return out


def _walk(style: AnchorStyle, target: str, band: tuple[float, float], rng: Rng, seen: set[str],
          score: Callable[[str, str], float], steps: int, levels: set[float]) -> str | None:
    """Random walks of single edits away from the target, each aiming at a level drawn uniformly from the
    band (so decoys spread over it); the first fresh string at or below that level and inside the band."""
    lo, hi = band
    for attempt in range(NEAR_TRIES):
        r = rng.child("walk", attempt)
        goal = lo + (hi - lo) * r.random()
        candidate = target
        in_band: str | None = None  # the walk's last fresh string inside the band, above the goal
        for step in range(steps):
            candidate = style.mutate(candidate, r.child("edit", step))
            if candidate == target:
                continue
            s = score(candidate, target)
            levels.add(round(s, 6))
            if s < lo:
                if in_band is not None:
                    return in_band
                break
            if s <= hi and not _clashes(candidate, seen):
                if s <= goal:
                    return candidate
                in_band = candidate
    return None
