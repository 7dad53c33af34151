"""``abr verify``: every record re-derived and re-measured, independently of how it was generated.

Per record: the JSON schema; the answer program re-evaluated over the blueprint; every embedded
question re-solved by its bank from its text; the documents found again in the prompt by their
boundaries, with every anchor present exactly where the blueprint puts it and nowhere else; each
needle's character and token offset; and the prompt re-encoded to confirm the exact token count.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from abr.errors import AbrError
from abr.host import Host
from abr.program import answer_of, notation
from abr.render import DOC_FOOTER, tolerance
from abr.sample import load_schema
from abr.tokens import ChatTemplate, Tokenizer, load_tokenizer, token_index

DOC_HEADER = re.compile(r'<document index="(\d+)" title="([^"\n]*)">\n')


def find_documents(prompt: str) -> list[tuple[int, str, int, int]]:
    """(number, title, body start, body end) of every document in a prompt, in order."""
    out: list[tuple[int, str, int, int]] = []
    pos = 0
    while True:
        m = DOC_HEADER.search(prompt, pos)
        if not m:
            return out
        end = prompt.find(DOC_FOOTER, m.end())
        if end < 0:
            return out
        out.append((int(m.group(1)), m.group(2), m.end(), end))
        pos = end + len(DOC_FOOTER)


def _occurrences(text: str, needle: str, start: int, end: int) -> list[int]:
    out = []
    i = text.find(needle, start, end)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1, end)
    return out


class Verifier:
    def __init__(self, host: Host, tokenizer: str | None = None) -> None:
        import jsonschema

        self.host = host
        self.validator = jsonschema.Draft202012Validator(load_schema())
        self.tokenizer_override = tokenizer
        self._tokenizers: dict[str, Tokenizer] = {}

    def tokenizer(self, spec: str) -> Tokenizer:
        key = self.tokenizer_override or spec
        if key not in self._tokenizers:
            self._tokenizers[key] = load_tokenizer(key)
        return self._tokenizers[key]

    def check(self, record: Mapping[str, Any]) -> list[str]:
        errors = sorted(self.validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            return [f"schema: at ${''.join(f'.{p}' for p in e.absolute_path)}: {e.message[:160]}" for e in errors[:3]]
        problems: list[str] = []
        problems += self._program(record)
        problems += self._questions(record)
        problems += self._layout(record)
        problems += self._tokens(record)
        return problems

    # -- the answer ---------------------------------------------------------------------------------------
    def _program(self, r: Mapping[str, Any]) -> list[str]:
        try:
            got = answer_of(r["program"], r["blueprint"])
        except AbrError as exc:
            return [f"answer program does not evaluate: {exc}"]
        out = []
        if got != r["answer"]:
            out.append(f"answer program gives {got!r} but the record's answer is {r['answer']!r}")
        if notation(r["program"]) != r["program_text"]:
            out.append("program_text does not match program")
        return out

    def _questions(self, r: Mapping[str, Any]) -> list[str]:
        out = []
        items = [(d["id"], p) for d in r["blueprint"]["documents"] for p in d["pairs"] if "answer" in p]
        items += [("assembled", a) for a in r["blueprint"].get("assembled", {}).values()]
        for where, pair in items:
            bank_name = pair.get("bank")
            if not bank_name:
                out.append(f"question in {where} names no bank, so its answer cannot be re-derived")
                continue
            try:
                bank = self.host.registry.get("question_bank", bank_name)
            except AbrError:
                out.append(f"cannot re-solve questions of bank '{bank_name}': it is not installed")
                continue
            try:
                solved = bank.solve(pair["question"])
            except AbrError as exc:
                out.append(f"bank {bank_name} cannot re-solve {pair['question'][:40]!r}: {exc}")
                continue
            if solved != pair["answer"]:
                out.append(f"question {pair['question'][:40]!r} in {where}: bank gives {solved!r}, "
                           f"record says {pair['answer']!r}")
        return out

    # -- where everything is ------------------------------------------------------------------------------
    def _layout(self, r: Mapping[str, Any]) -> list[str]:
        prompt: str = r["prompt"]
        bp = r["blueprint"]
        anchors: Mapping[str, str] = bp["anchors"]
        docs = find_documents(prompt)
        if len(docs) != len(bp["documents"]):
            return [f"prompt has {len(docs)} documents, blueprint has {len(bp['documents'])}"]
        out = []
        for (number, title, start, end), doc in zip(docs, bp["documents"]):
            if f"doc{number}" != doc["id"]:
                out.append(f"document {number} is out of order (blueprint expects {doc['id']})")
            if title != doc["title"].replace('"', "'"):
                out.append(f"{doc['id']}: title {title!r} differs from the blueprint's {doc['title']!r}")
            found = sorted((pos, aid) for aid, text in anchors.items()
                           for pos in _occurrences(prompt, text, start, end))
            seq = [aid for _, aid in found]
            want = [p["anchor"] for p in doc["pairs"]]
            if seq != want:
                out.append(f"{doc['id']}: anchors found in order {seq}, blueprint says {want}")
                continue
            for (pos, aid), pair in zip(found, doc["pairs"]):
                para_end = prompt.find("\n\n", pos, end)
                paragraph = prompt[pos + len(anchors[aid]):para_end if para_end >= 0 else end]
                if pair["question"] not in paragraph:
                    out.append(f"{doc['id']}: the question after {anchors[aid]} is not the blueprint's")
        outside = _outside(prompt, docs)
        for aid, text in anchors.items():
            if outside.count(text) != r["question"].count(text):
                out.append(f"anchor {text} ({aid}) occurs outside the documents other than in the question")
        needles = r["needles"]
        total_pairs = sum(len(d["pairs"]) for d in bp["documents"])
        if len(needles) != total_pairs:
            out.append(f"{len(needles)} needles recorded for {total_pairs} pairs")
        for n in needles:
            text = anchors.get(n["anchor"], "")
            if prompt[n["char"]:n["char"] + len(text)] != text:
                out.append(f"needle {n['anchor']} in {n['doc']}: char offset {n['char']} does not point at its anchor")
        return out

    # -- tokens -------------------------------------------------------------------------------------------
    def _tokens(self, r: Mapping[str, Any]) -> list[str]:
        info = r["tokens"]
        try:
            tok = self.tokenizer(info["tokenizer"])
        except AbrError as exc:
            return [f"cannot load tokenizer to re-count: {exc}"]
        out = []
        if tok.fingerprint != info["fingerprint"]:
            return [f"tokenizer fingerprint {tok.fingerprint} differs from the record's {info['fingerprint']}; "
                    f"pass the tokenizer the data was made with (--tokenizer)"]
        if info["chat_template"]:
            template: ChatTemplate | None = tok.chat_template()
            if template is None:
                return ["record was counted with a chat template but the tokenizer has none"]
            full = template.render(r["messages"])
            offset, extra, prefix = full.find(r["prompt"]), 0, 0
        else:
            full, offset, extra, prefix = r["prompt"], 0, tok.special_tokens, tok.special_prefix
        starts = tok.token_starts(full)
        count = len(starts) + extra
        if count != info["count"]:
            out.append(f"token count is {count} on re-encoding, record says {info['count']}")
        target = info["target"]
        if not target - tolerance(target) <= count <= target:
            out.append(f"token count {count} is outside [{target - tolerance(target)}, {target}]")
        located = token_index(starts, [offset + n["char"] for n in r["needles"]])
        for n, index in zip(r["needles"], located):
            token = index + prefix
            if token != n["token"]:
                out.append(f"needle {n['anchor']} in {n['doc']}: token offset is {token}, record says {n['token']}")
        return out


def _outside(prompt: str, docs: list[tuple[int, str, int, int]]) -> str:
    parts = []
    pos = 0
    for _, _, start, end in docs:
        parts.append(prompt[pos:start])
        pos = end
    parts.append(prompt[pos:])
    return "\x00".join(parts)
