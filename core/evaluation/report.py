"""``abr report``: accuracy per skill × length × depth for one or more runs, side by side.

A run is one (model, sampling parameters) in a run store; a store can hold several, and several stores
can be compared. The same figures come out as rich tables, JSON (``--json``), markdown, a CSV of model ×
skill accuracies (the input of ``abr correlate``), PNG heatmaps and a self-contained HTML page.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
from abr.evaluation.stats import DepthBuckets, Tally, length_label, percent
from abr.evaluation.store import SampleInfo, Store, store_path
from abr.evaluation.verdicts import VERDICTS

#: verdict names shortened for table headers (JSON keeps the full names)
SHORT = {"no-answer": "no-ans", "truncated": "trunc", "over-length": "over-len"}


@attrs.frozen
class Row:
    """One response, without its text (reports over large runs stay small in memory)."""

    key: str
    record_id: str
    sample: int
    skill: str
    length: int | None
    depth: float | None
    verdict: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_s: float


@attrs.frozen
class Run:
    label: str
    identity: str
    params: dict[str, Any]
    store: Path
    rows: tuple[Row, ...]
    samples: dict[str, SampleInfo]


def load_runs(paths: Sequence[str]) -> list[Run]:
    """Every (model, parameters) run in the given run folders or store files, in the order given."""
    found: list[tuple[str, str, str, Path, list[Row], dict[str, SampleInfo]]] = []
    for path in paths:
        store = Store(store_path(path), create=False)
        try:
            samples = store.samples()
            for identity, params, label in store.runs():
                rows = []
                for r in store.responses(identity, params):
                    info = samples.get(r["record_id"])
                    rows.append(Row(r["key"], r["record_id"], r["sample"], info.skill if info else "?",
                                    info.length if info else None, info.depth if info else None, r["verdict"],
                                    r["prompt_tokens"], r["completion_tokens"], r["latency_s"]))
                found.append((label, identity, params, store.path, rows, samples))
        finally:
            store.close()
    labels = _distinct_labels([(f[0], json.loads(f[2]), f[3]) for f in found])
    return [Run(label, f[1], json.loads(f[2]), f[3], tuple(f[4]), f[5]) for label, f in zip(labels, found)]


def _distinct_labels(runs: Sequence[tuple[str, dict[str, Any], Path]]) -> list[str]:
    """Model labels, with the differing sampling parameters (then the run folder) added where they clash."""
    labels = []
    for label, params, store in runs:
        same = [(p, s) for lab, p, s in runs if lab == label]
        text = label
        if len(same) > 1:
            differing = sorted(k for k in params if any(p.get(k) != params[k] for p, _ in same))
            if differing:
                text += " [" + ", ".join(f"{k}={params[k]}" for k in differing) + "]"
            if sum(1 for p, _ in same if p == params) > 1:
                text += f" ({store.parent.name})"
        labels.append(text)
    return labels


class Report:
    """Tallies of runs by skill, length bucket and depth bucket."""

    def __init__(self, runs: Sequence[Run], strict: bool = False) -> None:
        self.runs = list(runs)
        self.strict = strict
        rows = [r for run in self.runs for r in run.rows]
        self.skills = sorted({r.skill for r in rows})
        self.lengths = sorted({r.length for r in rows if r.length is not None})
        self.buckets = DepthBuckets(r.depth for r in rows)
        self.depths = [d for d in self.buckets.labels if any(self.buckets.label(r.depth) == d for r in rows)]
        self._cells: list[dict[tuple[str, int | None, str], list[str]]] = []
        for run in self.runs:
            cells: dict[tuple[str, int | None, str], list[str]] = {}
            for r in run.rows:
                cells.setdefault((r.skill, r.length, self.buckets.label(r.depth)), []).append(r.verdict)
            self._cells.append(cells)

    def tally(self, i: int, skill: str | None = None, length: int | None = None, depth: str | None = None) -> Tally:
        verdicts: list[str] = []
        for (s, n, d), vs in self._cells[i].items():
            if (skill is None or s == skill) and (length is None or n == length) and (depth is None or d == depth):
                verdicts += vs
        return Tally.of(verdicts, self.strict)

    # -- JSON ------------------------------------------------------------------------------------------------
    def as_json(self) -> dict[str, Any]:
        runs = []
        for i, run in enumerate(self.runs):
            overall = self.tally(i)
            whole = overall.as_json()
            accuracy = {"overall": whole["accuracy"], "ci95": whole["ci95"], "n": whole["n"],
                        "correct": whole["correct"],
                        "per_skill": {s: self.tally(i, skill=s).as_json() for s in self.skills}}
            cells = []
            for (skill, length, depth), verdicts in sorted(self._cells[i].items(), key=lambda kv: _cell_order(kv[0])):
                cells.append({"skill": skill, "length": length, "depth": depth,
                              **Tally.of(verdicts, self.strict).as_json()})
            latencies = [r.latency_s for r in run.rows if r.verdict not in ("error",)]
            runs.append({
                "label": run.label, "model": run.identity, "params": run.params, "store": str(run.store),
                "samples": overall.total, "verdicts": dict(overall.verdicts), "accuracy": accuracy,
                "per_length": {length_label(n): self.tally(i, length=n).as_json() for n in self.lengths},
                "cells": cells,
                "tokens": {"prompt_mean": _mean(r.prompt_tokens for r in run.rows),
                           "completion_mean": _mean(r.completion_tokens for r in run.rows)},
                "latency_s": {"mean": _mean(latencies), "p50": _quantile(latencies, 0.5),
                              "p95": _quantile(latencies, 0.95)},
            })
        return {"strict": self.strict, "skills": self.skills, "lengths": [length_label(n) for n in self.lengths],
                "depths": self.depths, "runs": runs}

    # -- tables -----------------------------------------------------------------------------------------------
    def skill_table(self) -> tuple[list[str], list[list[str]]]:
        """The paper's Table 1: one row per run, accuracy per skill and overall with 95% intervals."""
        head = ["model", *self.skills, "overall"]
        body = []
        for i, run in enumerate(self.runs):
            body.append([run.label, *(_cell(self.tally(i, skill=s)) for s in self.skills), _cell(self.tally(i))])
        return head, body

    def verdict_table(self) -> tuple[list[str], list[list[str]]]:
        head = ["model", "n", *(SHORT.get(v, v) for v in VERDICTS), "acc %", "tok in", "tok out", "lat s"]
        body = []
        for i, run in enumerate(self.runs):
            t = self.tally(i)
            body.append([run.label, str(t.total), *(str(t.verdicts.get(v, 0)) for v in VERDICTS),
                         percent(t.accuracy),
                         _num(_mean(r.prompt_tokens for r in run.rows)),
                         _num(_mean(r.completion_tokens for r in run.rows)),
                         _num(_mean(r.latency_s for r in run.rows), 2)])
        return head, body

    def grid_table(self, i: int) -> tuple[list[str], list[list[str]]]:
        """One run: a row per (skill, length), a column per depth bucket, accuracy % with n."""
        head = ["skill", "length", *(f"depth {d}" for d in self.depths), "all depths"]
        body = []
        for skill in self.skills:
            for length in self.lengths:
                whole = self.tally(i, skill=skill, length=length)
                if not whole.total:
                    continue
                cells = [_short(self.tally(i, skill=skill, length=length, depth=d)) for d in self.depths]
                body.append([skill, length_label(length), *cells, _short(whole)])
        return head, body

    def rich(self) -> list[Any]:
        from rich.table import Table

        out = []
        caption = ("accuracy % over correct + wrong" + (" + failures (--strict)" if self.strict else "") +
                   ", 95% Wilson interval in brackets")
        for title, (head, body) in [("accuracy by skill", self.skill_table()), ("verdicts", self.verdict_table())]:
            table = Table(title=title, caption=caption if title == "accuracy by skill" else None)
            for h in head:
                table.add_column(h, overflow="fold", justify="left" if h in ("model",) else "right")
            for row in body:
                table.add_row(*row)
            out.append(table)
        for i, run in enumerate(self.runs):
            head, body = self.grid_table(i)
            table = Table(title=f"{run.label}: accuracy % (n) by skill, length and depth")
            for h in head:
                table.add_column(h, justify="right" if h.startswith(("depth", "all")) else "left")
            for row in body:
                table.add_row(*row)
            out.append(table)
        return out

    def markdown(self) -> str:
        parts = ["### Accuracy by skill (%, 95% Wilson interval)\n", _md(*self.skill_table()),
                 "\n### Verdicts\n", _md(*self.verdict_table())]
        for i, run in enumerate(self.runs):
            parts += [f"\n### {run.label}: accuracy % (n) by skill, length and depth\n", _md(*self.grid_table(i))]
        return "\n".join(parts)

    def csv(self) -> str:
        """Model rows × skill columns of accuracy in percent (blank where nothing was counted)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["model", *self.skills, "overall"])
        for i, run in enumerate(self.runs):
            values = [self.tally(i, skill=s).accuracy for s in self.skills] + [self.tally(i).accuracy]
            writer.writerow([run.label, *("" if v is None else f"{100 * v:.2f}" for v in values)])
        return buffer.getvalue()


def _cell_order(key: tuple[str, int | None, str]) -> tuple[str, int, str]:
    return key[0], key[1] if key[1] is not None else -1, key[2]


def _cell(t: Tally) -> str:
    ci = t.ci95
    if t.accuracy is None or ci is None:
        return "—"
    return f"{percent(t.accuracy)} [{percent(ci[0])}–{percent(ci[1])}]"


def _short(t: Tally) -> str:
    return "—" if t.accuracy is None else f"{percent(t.accuracy, 0)} ({t.counted})"


def _mean(values: Iterable[float | int | None]) -> float | None:
    xs = [float(v) for v in values if v is not None]
    return round(statistics.fmean(xs), 4) if xs else None


def _quantile(values: Sequence[float], q: float) -> float | None:
    xs = sorted(values)
    if not xs:
        return None
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 4)


def _num(x: float | None, digits: int = 0) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def _md(head: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(head), line(["---"] * len(head)), *(line(r) for r in body)]) + "\n"
