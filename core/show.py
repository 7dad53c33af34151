"""``abr show``: one sample, readably — blueprint, program in paper notation, gold answer, and the
context around every needle with anchors highlighted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

ROLE_STYLES = {"target": "bold black on green", "decoy": "bold black on red", "filler": "bold black on cyan",
               "fragment": "bold black on yellow"}
WINDOW = 220


def _highlight(text: str, offset: int, spans: list[tuple[int, int, str]]) -> Text:
    out = Text(text)
    for start, length, style in spans:
        s, e = start - offset, start - offset + length
        if e > 0 and s < len(text):
            out.stylize(style, max(0, s), min(len(text), e))
    return out


def render_sample(record: Mapping[str, Any], full: bool = False) -> Group:
    bp = record["blueprint"]
    anchors = bp["anchors"]
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("id", record["id"])
    head.add_row("skill", f"{record['skill']}  (index {record['index']}, seed {record['seed']})")
    head.add_row("knobs", ", ".join(f"{k}={v}" for k, v in record["knobs"].items()))
    tokens = record["tokens"]
    head.add_row("tokens", f"{tokens['count']} / {tokens['target']} ({tokens['tokenizer']}"
                           f"{', chat template' if tokens['chat_template'] else ''})")
    head.add_row("question", record["question"])
    head.add_row("program", record["program_text"])
    head.add_row("answer", Text(f"{record['answer']}  ({record['answer_type']})", style="bold green"))

    blueprint = Table(title="blueprint", show_lines=False)
    for col in ("doc", "title / genre", "anchor", "role", "question", "answer"):
        blueprint.add_column(col, overflow="fold")
    for doc in bp["documents"]:
        if not doc["pairs"]:
            blueprint.add_row(doc["id"], f"{doc['title']} [{doc['genre']}]", "—", "", "", "")
        for k, pair in enumerate(doc["pairs"]):
            anchor = Text(f"{pair['anchor']} {anchors[pair['anchor']]}", style=ROLE_STYLES.get(pair["role"], ""))
            blueprint.add_row(doc["id"] if k == 0 else "", f"{doc['title']} [{doc['genre']}]" if k == 0 else "",
                              anchor, pair["role"], pair["question"], pair.get("answer", "—"))

    prompt: str = record["prompt"]
    spans = [(n["char"], len(anchors[n["anchor"]]), ROLE_STYLES.get(n["role"], "bold")) for n in record["needles"]]
    parts: list[Any] = [head, blueprint]
    for anchor_id, entry in bp.get("assembled", {}).items():
        parts.append(Panel(Text(entry["question"]), title=f"assembled {anchor_id} {anchors[anchor_id]} → "
                                                          f"{entry['answer']}", title_align="left"))
    if full:
        parts.append(Panel(_highlight(prompt, 0, spans), title="prompt"))
    else:
        for n in record["needles"]:
            start = max(0, n["char"] - WINDOW)
            end = min(len(prompt), n["char"] + WINDOW + len(anchors[n["anchor"]]))
            title = (f"{n['anchor']} in {n['doc']} · {n['role']} · depth {n['depth']:.2f} · "
                     f"char {n['char']} · token {n['token']}")
            parts.append(Panel(_highlight(prompt[start:end], start, spans), title=title, title_align="left"))
        tail = prompt[-400:]
        parts.append(Panel(Text(tail), title="end of prompt", title_align="left"))
    return Group(*parts)


def show(record: Mapping[str, Any], full: bool = False, console: Console | None = None) -> None:
    (console or Console()).print(render_sample(record, full))
