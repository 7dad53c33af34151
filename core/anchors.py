"""Anchor helpers shared by every style: fresh anchors and near-duplicates within a similarity band.

Similarity is rapidfuzz's normalized Indel similarity, ``fuzz.ratio(a, b) / 100``: 1.0 for equal
strings, ``1 - (insertions + deletions) / (len(a) + len(b))`` otherwise. One substitution in an 8-character
anchor gives 0.875; two give 0.75.
"""

from __future__ import annotations

from collections.abc import Iterable

from abr.components import AnchorStyle
from abr.errors import AbrError
from abr.rng import Rng

MAX_TRIES = 2000


def similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(a, b)) / 100.0


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
                    taken: set[str]) -> list[str]:
    """``n`` distinct strings in the style whose similarity to ``target`` lies within ``band``.

    Candidates are built by applying 1..k in-style edits; each must differ from the target, from every
    other anchor, and must not contain (or be contained in) any of them.
    """
    lo, hi = band
    out: list[str] = []
    seen = set(taken) | {target}
    max_edits = max(1, len(target))
    for i in range(n):
        found = None
        for attempt in range(MAX_TRIES):
            r = rng.child("near", i, attempt)
            edits = 1 + r.below(max(1, min(max_edits, 1 + attempt // 50)))
            candidate = target
            for e in range(edits):
                candidate = style.mutate(candidate, r.child("edit", e))
            if candidate == target or _clashes(candidate, seen):
                continue
            s = similarity(candidate, target)
            if lo <= s <= hi:
                found = candidate
                break
        if found is None:
            raise AbrError(
                f"cannot make near-duplicates of {target!r} (style {style.name}) with similarity in "
                f"[{lo}, {hi}]; widen the band or use longer anchors (similarity of one edit is about "
                f"{1 - 1 / len(target):.2f})"
            )
        out.append(found)
        seen.add(found)
    return out
