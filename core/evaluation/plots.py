"""PNG heatmaps with matplotlib's Agg canvas (no display, no pyplot global state).

``heatmaps(report)`` gives skill × model accuracy and, per run and skill, depth × length accuracy; each cell
shows the accuracy in percent and the number of counted samples, empty cells are grey.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from abr.evaluation.stats import length_label

if TYPE_CHECKING:
    from abr.evaluation.correlate import Correlation
    from abr.evaluation.report import Report


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "x"


def _heatmap(values: Sequence[Sequence[float | None]], notes: Sequence[Sequence[str]], rows: Sequence[str],
             cols: Sequence[str], title: str, xlabel: str, ylabel: str, vmin: float, vmax: float,
             cmap: str, colorbar: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width = min(16.0, 2.2 + 1.15 * max(1, len(cols)))
    height = min(14.0, 1.6 + 0.6 * max(1, len(rows)))
    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    from matplotlib import colormaps

    grid = [[math.nan if v is None else v for v in row] for row in values]
    image = ax.imshow(grid, cmap=colormaps[cmap].with_extremes(bad="#d9d9d9"), vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(cols)), labels=list(cols), rotation=30 if max(map(len, cols), default=0) > 6 else 0,
                  ha="right" if max(map(len, cols), default=0) > 6 else "center")
    ax.set_yticks(range(len(rows)), labels=list(rows))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            ax.text(j, i, notes[i][j], ha="center", va="center", fontsize=8,
                    color=_text_color((v - vmin) / (vmax - vmin), cmap))
    fig.colorbar(image, ax=ax, label=colorbar, fraction=0.046, pad=0.04)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _text_color(shade: float, cmap: str) -> str:
    """White on the dark ends of the colour map, black elsewhere (and on grey empty cells)."""
    if math.isnan(shade):
        return "black"
    if cmap == "viridis":
        return "white" if shade < 0.6 else "black"
    return "white" if shade < 0.2 or shade > 0.8 else "black"


def _note(accuracy: float | None, n: int) -> str:
    return "—" if accuracy is None else f"{100 * accuracy:.0f}%\nn={n}"


def heatmaps(report: Report) -> dict[str, bytes]:
    """File name -> PNG bytes for every heatmap of the report."""
    out: dict[str, bytes] = {}
    cols = [*report.skills, "overall"]
    values: list[list[float | None]] = []
    notes: list[list[str]] = []
    for i in range(len(report.runs)):
        tallies = [report.tally(i, skill=s) for s in report.skills] + [report.tally(i)]
        values.append([t.accuracy for t in tallies])
        notes.append([_note(t.accuracy, t.counted) for t in tallies])
    out["skills-by-model.png"] = _heatmap(values, notes, [r.label for r in report.runs], cols,
                                          "accuracy by skill", "skill", "model", 0.0, 1.0, "viridis", "accuracy")
    lengths = [length_label(n) for n in report.lengths]
    for i, run in enumerate(report.runs):
        for skill in report.skills:
            if not report.tally(i, skill=skill).total:
                continue
            values, notes = [], []
            for depth in report.depths:
                tallies = [report.tally(i, skill=skill, length=n, depth=depth) for n in report.lengths]
                values.append([t.accuracy for t in tallies])
                notes.append([_note(t.accuracy, t.counted) for t in tallies])
            name = f"depth-length__{slug(run.label)}__{slug(skill)}.png"
            out[name] = _heatmap(values, notes, report.depths, lengths, f"{run.label} — {skill}",
                                 "context length (tokens)", "needle depth", 0.0, 1.0, "viridis", "accuracy")
    return out


def correlation_heatmap(result: Correlation) -> bytes:
    """ρ per cell, with its p-value and n."""
    values: list[list[float | None]] = []
    notes: list[list[str]] = []
    for x in result.x:
        row_values: list[float | None] = []
        row_notes: list[str] = []
        for y in result.y:
            cell: Any = result.cells[(x, y)]
            row_values.append(cell.rho)
            row_notes.append("—" if cell.rho is None else f"{cell.rho:.2f}\np={cell.p:.2g}\nn={cell.n}")
        values.append(row_values)
        notes.append(row_notes)
    return _heatmap(values, notes, result.x, result.y, "Spearman ρ (p-value, n)", "", "", -1.0, 1.0, "RdBu_r",
                    "Spearman ρ")
