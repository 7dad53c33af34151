"""The static HTML report: one self-contained file (inline CSS, PNGs as data URIs, no scripts or links out).

Besides the tables and heatmaps it has a drill-down per run: samples with failures first, each with the
meta-question, gold and extracted answers, the verdict and why, the response (reasoning folded away) and the
prompt with every needle's anchor highlighted by role. The prompt is read back from the dataset the run
used and shown only if it still hashes to the prompt that was sent; long prompts are shown as windows
around the needles plus the end (where the question is).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from abr import __version__
from abr.evaluation.harness import messages_for, prompt_hash
from abr.evaluation.plots import slug
from abr.evaluation.report import Report, Row, Run
from abr.evaluation.store import SampleInfo, Store
from abr.records import AtomicFile, read_records

FULL_PROMPT_CHARS = 40_000
WINDOW = 400
TAIL = 800
#: drill-down order: the samples most worth reading first
PRIORITY = ("error", "over-length", "truncated", "no-answer", "unscored", "wrong", "correct")

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
img{max-width:100%;border:1px solid #eee;margin:.4em 0}
details{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.3em .6em}
summary{cursor:pointer}pre{white-space:pre-wrap;word-break:break-word;background:#fafafa;padding:.6em;
border:1px solid #eee;max-height:40em;overflow:auto;font-size:12px}
.v{display:inline-block;padding:0 .5em;border-radius:3px;font-weight:600;color:#fff}
.correct{background:#2e7d32}.wrong{background:#c62828}.no-answer{background:#6d4c41}.truncated{background:#ef6c00}
.over-length{background:#6a1b9a}.error{background:#37474f}.unscored{background:#9e9e9e}
mark.target{background:#a5d6a7}mark.decoy{background:#ef9a9a}mark.filler{background:#b3e5fc}
mark.fragment{background:#fff59d}.gap{color:#888;font-style:italic}.muted{color:#777}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(head: Sequence[str], body: Sequence[Sequence[str]], shade: bool = False) -> str:
    rows = ["<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for row in body:
        cells = []
        for k, cell in enumerate(row):
            style = ""
            if shade and k > 0:
                style = _shade(cell)
            cells.append(f"<td{style}>{_e(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _shade(cell: str) -> str:
    """A green-to-red background for a cell that starts with a percentage."""
    head = cell.split(" ", 1)[0]
    try:
        value = float(head) / 100
    except ValueError:
        return ""
    hue = int(120 * max(0.0, min(1.0, value)))
    return f' style="background:hsl({hue},60%,85%)"'


def highlighted_prompt(prompt: str, needles: Sequence[Mapping[str, Any]], anchors: Mapping[str, str]) -> str:
    """The prompt as HTML with each needle's anchor marked by role; long prompts as windows."""
    spans = sorted((int(n["char"]), int(n["char"]) + len(anchors.get(n["anchor"], "")), str(n.get("role", "")))
                   for n in needles)
    if len(prompt) <= FULL_PROMPT_CHARS:
        segments = [(0, len(prompt))]
    else:
        wanted = sorted([(max(0, s - WINDOW), min(len(prompt), e + WINDOW)) for s, e, _ in spans] +
                        [(max(0, len(prompt) - TAIL), len(prompt))])
        segments = []
        for start, end in wanted:
            if segments and start <= segments[-1][1]:
                segments[-1] = (segments[-1][0], max(end, segments[-1][1]))
            else:
                segments.append((start, end))
    out = []
    cursor = 0
    for start, end in segments:
        if start > cursor:
            out.append(f'<span class="gap">[… {start - cursor:,} characters …]</span>')
        position = start
        for s, e, role in spans:
            if e <= start or s >= end or s < position:
                continue
            out.append(_e(prompt[position:s]))
            out.append(f'<mark class="{_e(role)}">{_e(prompt[s:e])}</mark>')
            position = e
        out.append(_e(prompt[position:end]))
        cursor = end
    if cursor < len(prompt):
        out.append(f'<span class="gap">[… {len(prompt) - cursor:,} characters …]</span>')
    return "".join(out)


def _chosen(run: Run, per_run: int) -> list[Row]:
    rank = {v: i for i, v in enumerate(PRIORITY)}
    return sorted(run.rows, key=lambda r: (rank.get(r.verdict, len(PRIORITY)), r.record_id, r.sample))[:per_run]


def _prompts(samples: Mapping[str, SampleInfo], wanted: set[str], system_prompt: str | None
             ) -> dict[str, tuple[str, str]]:
    """record id -> (prompt, hash of the messages as sent) for the wanted records still readable."""
    by_dataset: dict[str, set[str]] = {}
    for record_id in wanted:
        info = samples.get(record_id)
        if info is not None:
            by_dataset.setdefault(info.dataset, set()).add(record_id)
    out: dict[str, tuple[str, str]] = {}
    for dataset, ids in by_dataset.items():
        if not Path(dataset).is_file():
            continue
        try:
            for _, record in read_records(dataset):
                if record.get("id") in ids and isinstance(record.get("prompt"), str):
                    out[record["id"]] = (record["prompt"], prompt_hash(messages_for(record, system_prompt)))
        except Exception:  # a dataset that became unreadable costs only its prompts in the drill-down
            continue
    return out


def _drilldown(run: Run, per_run: int) -> str:
    rows = _chosen(run, per_run)
    if not rows:
        return ""
    store = Store(run.store, create=False)
    try:
        stored = {r["key"]: r for key in [row.key for row in rows]
                  for r in store.db.execute("SELECT * FROM responses WHERE key=?", (key,))}
    finally:
        store.close()
    prompts = _prompts(run.samples, {r.record_id for r in rows}, run.params.get("system_prompt"))
    parts = [f"<p class=muted>{len(rows)} of {len(run.rows)} samples, failures first.</p>"]
    for row in rows:
        r = stored[row.key]
        info = run.samples.get(row.record_id)
        title = (f'<span class="v {_e(row.verdict)}">{_e(row.verdict)}</span> {_e(row.record_id)}'
                 f'{f" #{row.sample}" if row.sample else ""} · {_e(row.skill)}'
                 f' · {_e(info.length if info else "?")} tokens · depth {_e(info.depth if info else "?")}'
                 f' · gold <b>{_e(info.answer if info else "?")}</b> · answered <b>{_e(r["extracted"] or "—")}</b>')
        body = [f"<p><b>Question.</b> {_e(info.question if info else '')}</p>"]
        if r["note"]:
            body.append(f"<p><b>Why.</b> {_e(r['note'])}</p>")
        if r["error"] and r["error"] != r["note"]:
            body.append(f"<p><b>Error.</b> {_e(r['error'])}</p>")
        body.append(f"<p class=muted>finish {_e(r['finish'])} · prompt tokens {_e(r['prompt_tokens'])} · "
                    f"completion tokens {_e(r['completion_tokens'])} · latency {r['latency_s']:.2f} s · "
                    f"attempts {_e(r['attempts'])}</p>")
        body.append(f"<p><b>Response</b></p><pre>{_e(r['text']) or '<i>(empty)</i>'}</pre>")
        if r["reasoning"]:
            body.append(f"<details><summary>reasoning sent separately by the server ({len(r['reasoning']):,} "
                        f"characters)</summary><pre>{_e(r['reasoning'])}</pre></details>")
        found = prompts.get(row.record_id)
        if found is None:
            body.append("<p class=muted>Prompt not shown: its dataset is no longer at the path the run used.</p>")
        elif found[1] != r["prompt_hash"]:
            body.append("<p class=muted>Prompt not shown: the dataset at the run's path no longer holds the prompt "
                        "that was sent.</p>")
        elif info is not None:
            body.append(f"<details><summary>prompt ({len(found[0]):,} characters; anchors marked: "
                        f'<mark class="target">target</mark> <mark class="decoy">decoy</mark> '
                        f'<mark class="filler">filler</mark> <mark class="fragment">fragment</mark>)</summary>'
                        f"<pre>{highlighted_prompt(found[0], info.needles, info.anchors)}</pre></details>")
        parts.append(f"<details><summary>{title}</summary>{''.join(body)}</details>")
    return "".join(parts)


def render_html(report: Report, images: Mapping[str, bytes], per_run: int = 50) -> str:
    caption = ("Accuracy in % over correct + wrong" + (" + failures (--strict)" if report.strict else "") +
               ", with 95% Wilson intervals.")
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>abr report</title>"
             f"<style>{CSS}</style></head><body><h1>abr evaluation report</h1>",
             f"<p class=muted>abr {_e(__version__)} · {len(report.runs)} run(s): "
             + ", ".join(f"<b>{_e(r.label)}</b> ({_e(r.store)})" for r in report.runs) + "</p>",
             "<h2>Accuracy by skill</h2>", f"<p>{caption}</p>", _table(*report.skill_table(), shade=True),
             "<h2>Verdicts</h2>", _table(*report.verdict_table())]
    if "skills-by-model.png" in images:
        parts.append(_img("skills-by-model.png", images["skills-by-model.png"]))
    for i, run in enumerate(report.runs):
        parts.append(f"<h2>{_e(run.label)}: by skill, length and depth</h2>")
        parts.append(f"<p class=muted>parameters: {_e(', '.join(f'{k}={v}' for k, v in run.params.items()))}</p>")
        parts.append(_table(*report.grid_table(i), shade=True))
        prefix = f"depth-length__{slug(run.label)}__"
        for name in sorted(n for n in images if n.startswith(prefix)):
            parts.append(_img(name, images[name]))
        parts.append(f"<h2>{_e(run.label)}: samples</h2>")
        parts.append(_drilldown(run, per_run))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _img(name: str, data: bytes) -> str:
    return f'<img alt="{_e(name)}" src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}">'


def write_html(report: Report, images: Mapping[str, bytes], path: str | Path, per_run: int = 50) -> None:
    text = render_html(report, images, per_run)
    with AtomicFile(path) as out:
        out.handle.write(text.encode("utf-8"))

