"""Counting verdicts into accuracies with Wilson intervals, and the length and depth buckets reports use."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import attrs
from abr.evaluation.verdicts import COUNTED, FAILURES, VERDICTS

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for k successes in n trials (None for n = 0): unlike the normal
    approximation it stays inside [0, 1] and is honest at 0% and 100% with few samples."""
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))


@attrs.frozen
class Tally:
    """Verdict counts of a group of responses, and its accuracy over the counted ones."""

    verdicts: Mapping[str, int]
    strict: bool = False

    @classmethod
    def of(cls, verdicts: Iterable[str], strict: bool = False) -> Tally:
        counts = dict.fromkeys(VERDICTS, 0)
        for v in verdicts:
            counts[v] = counts.get(v, 0) + 1
        return cls(counts, strict)

    @property
    def total(self) -> int:
        return sum(self.verdicts.values())

    @property
    def correct(self) -> int:
        return self.verdicts.get("correct", 0)

    @property
    def counted(self) -> int:
        """The denominator: correct + wrong, plus the failures under ``--strict``."""
        kinds = COUNTED + FAILURES if self.strict else COUNTED
        return sum(self.verdicts.get(v, 0) for v in kinds)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.counted if self.counted else None

    @property
    def ci95(self) -> tuple[float, float] | None:
        return wilson(self.correct, self.counted)

    def as_json(self) -> dict[str, object]:
        ci = self.ci95
        return {"accuracy": _round(self.accuracy), "ci95": None if ci is None else [_round(ci[0]), _round(ci[1])],
                "correct": self.correct, "n": self.counted}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def length_label(tokens: int | None) -> str:
    """``8K`` for 8192, ``1M`` for 1048576, else the plain count."""
    if tokens is None:
        return "?"
    if tokens >= 1 << 20 and tokens % (1 << 20) == 0:
        return f"{tokens >> 20}M"
    if tokens >= 1024 and tokens % 1024 == 0:
        return f"{tokens >> 10}K"
    return str(tokens)


class DepthBuckets:
    """Exact depths when a report has at most 11 distinct ones (sweeps like 0.1,0.5,0.9), else tenths."""

    def __init__(self, depths: Iterable[float | None]) -> None:
        distinct = sorted({round(d, 4) for d in depths if d is not None})
        self.exact = len(distinct) <= 11
        self.labels = ([format(d, "g") for d in distinct] if self.exact else
                       [f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10)])

    def label(self, depth: float | None) -> str:
        if depth is None:
            return "?"
        if self.exact:
            return format(round(depth, 4), "g")
        i = min(9, max(0, int(depth * 10)))
        return f"{i / 10:.1f}-{(i + 1) / 10:.1f}"


def percent(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}"
