"""``abr correlate``: Spearman rank correlation between score columns, as in the paper's Figure 3.

Input is one or more CSV files whose first column names the model and whose other columns are scores
(``66.50%``, ``66.5`` or ``0.665``: only ranks matter); several files are joined on the model name. Each
cell uses the models that have both scores, and reports ρ, a two-sided p-value and n. With few models the
usual t approximation is poor, so for n ≤ 8 the p-value is exact: the share of all n! pairings whose |ρ| is
at least the observed one.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
from abr.errors import AbrError

EXACT_MAX_N = 8
MISSING = {"", "-", "—", "na", "n/a", "nan", "none", "null"}


@attrs.frozen
class ScoreTable:
    models: tuple[str, ...]
    columns: tuple[str, ...]
    values: dict[tuple[str, str], float]


def _number(text: str, where: str) -> float | None:
    s = text.strip()
    if s.lower() in MISSING:
        return None
    try:
        value = float(s[:-1]) if s.endswith("%") else float(s)
    except ValueError:
        raise AbrError(f"{where}: {text!r} is not a score; use numbers like 66.5, 66.5% or 0.665, or leave the "
                       f"cell empty when it is unknown") from None
    if math.isnan(value):
        return None
    return value


def load_scores(paths: Sequence[str]) -> ScoreTable:
    """Read and join the CSV files (first column: model)."""
    models: list[str] = []
    columns: list[str] = []
    values: dict[tuple[str, str], float] = {}
    owner: dict[str, str] = {}
    for path in paths:
        if not Path(path).is_file():
            raise AbrError(f"no such scores file '{path}'; pass a CSV with a model column and score columns")
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [row for row in csv.reader(fh) if any(cell.strip() for cell in row)]
        if len(rows) < 2 or len(rows[0]) < 2:
            raise AbrError(f"{path}: needs a header row and at least one model row with a score column")
        header = [h.strip() for h in rows[0]]
        for name in header[1:]:
            if not name:
                raise AbrError(f"{path}: a score column has no name in the header")
            if name in owner:
                raise AbrError(f"{path}: column '{name}' is also in {owner[name]}; rename one of them")
            owner[name] = path
            columns.append(name)
        seen: set[str] = set()
        for line, row in enumerate(rows[1:], 2):
            model = row[0].strip()
            if not model:
                raise AbrError(f"{path}:{line}: the model name is empty")
            if model in seen:
                raise AbrError(f"{path}:{line}: model '{model}' is listed twice; give the rows distinct names")
            seen.add(model)
            if model not in models:
                models.append(model)
            if len(row) > len(header):
                raise AbrError(f"{path}:{line}: {len(row)} cells but the header has {len(header)}")
            for name, cell in zip(header[1:], row[1:]):
                value = _number(cell, f"{path}:{line}: column '{name}'")
                if value is not None:
                    values[(model, name)] = value
    return ScoreTable(tuple(models), tuple(columns), values)


@attrs.frozen
class Cell:
    rho: float | None
    p: float | None
    n: int
    method: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"rho": None if self.rho is None else round(self.rho, 6),
                "p": None if self.p is None else float(f"{self.p:.6g}"), "n": self.n, "p_method": self.method}


@attrs.frozen
class Correlation:
    x: tuple[str, ...]
    y: tuple[str, ...]
    cells: dict[tuple[str, str], Cell]
    min_n: int

    def as_json(self) -> dict[str, Any]:
        return {"x": list(self.x), "y": list(self.y), "min_n": self.min_n,
                "cells": [{"x": a, "y": b, **self.cells[(a, b)].as_json()} for a in self.x for b in self.y]}

    def rich(self) -> Any:
        from rich.table import Table

        table = Table(title="Spearman ρ (two-sided p, n models)",
                      caption=f"— : fewer than {self.min_n} models with both scores, or a constant column")
        table.add_column("")
        for b in self.y:
            table.add_column(b, justify="right", overflow="fold")
        for a in self.x:
            row = []
            for b in self.y:
                c = self.cells[(a, b)]
                row.append("—" if c.rho is None or c.p is None else f"{c.rho:+.2f} (p={c.p:.2g}, n={c.n})")
            table.add_row(a, *row)
        return table


def _ranks(xs: Sequence[float]) -> list[float]:
    """Average ranks (ties share the mean of their positions)."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _pearson(a: Sequence[float], b: Sequence[float]) -> float | None:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    sa = math.sqrt(sum((x - ma) ** 2 for x in a))
    sb = math.sqrt(sum((y - mb) ** 2 for y in b))
    if sa == 0 or sb == 0:
        return None
    return round(sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (sa * sb), 12)  # 1.0, not 0.9999999999999998


def spearman(a: Sequence[float], b: Sequence[float]) -> Cell:
    """ρ with a two-sided p-value: exact by enumeration for n ≤ 8, else scipy's t approximation."""
    n = len(a)
    ra, rb = _ranks(a), _ranks(b)
    rho = _pearson(ra, rb)
    if rho is None:
        return Cell(None, None, n)
    if n <= EXACT_MAX_N:
        hits = total = 0
        for perm in itertools.permutations(rb):
            r = _pearson(ra, perm)
            total += 1
            if r is not None and abs(r) >= abs(rho) - 1e-12:
                hits += 1
        return Cell(rho, hits / total, n, "exact")
    from scipy import stats

    result = stats.spearmanr(a, b)
    return Cell(float(result.statistic), float(result.pvalue), n, "t")


def correlate(table: ScoreTable, x: Sequence[str] | None = None, y: Sequence[str] | None = None,
              min_n: int = 3) -> Correlation:
    if min_n < 3:
        raise AbrError(f"--min-n must be at least 3 (a rank correlation of 2 points is always ±1), got {min_n}")
    for name in [*(x or ()), *(y or ())]:
        if name not in table.columns:
            raise AbrError(f"no column '{name}' in the scores; columns are: {', '.join(table.columns)}")
    xs = tuple(x or table.columns)
    ys = tuple(y or table.columns)
    cells = {}
    for a in xs:
        for b in ys:
            shared = [m for m in table.models if (m, a) in table.values and (m, b) in table.values]
            if len(shared) < min_n:
                cells[(a, b)] = Cell(None, None, len(shared))
                continue
            cells[(a, b)] = spearman([table.values[(m, a)] for m in shared], [table.values[(m, b)] for m in shared])
    return Correlation(xs, ys, cells, min_n)
