"""``abr verify``: every gold answer re-derived from the rendered prompt alone, and every claim re-measured.

Per record:

1. the JSON schema, and the answer program re-evaluated over the stored blueprint;
2. an independent rebuild: the documents found again by their boundaries, every anchor–question pair read
   from the paragraphs that begin with an anchor, each embedded question re-solved by its bank's own
   solver, each multi-part problem re-assembled from its fragments and re-solved, the blueprint rebuilt
   from that, and the answer program run over the rebuilt blueprint — its answer must be the record's;
3. unambiguity: no anchor contains another (a string search finds exactly the pair meant), every question
   the program names occurs exactly once where it names it (in both branches of a condition), and
   near-duplicate decoys lie within their similarity band and differ from what they imitate;
4. no accidental anchors: every anchor string occurs only in its pairs (and outside the documents only in
   the meta-question), and no background paragraph is laid out like a pair;
5. each needle's character and token offset, and the prompt re-encoded to its exact token count.

A mismatch is a bug in the generator, never a tolerance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from abr.anchors import similarity
from abr.errors import AbrError
from abr.host import Host
from abr.multipart import assemble
from abr.program import Blueprint, answer_of, notation, validate
from abr.readback import PairLayout, ReadDocument, find_documents, read_prompt
from abr.render import tolerance
from abr.sample import load_schema
from abr.tokens import ChatTemplate, Tokenizer, load_tokenizer, token_index

__all__ = ["Verifier", "find_documents"]


class Verifier:
    def __init__(self, host: Host, tokenizer: str | None = None) -> None:
        import jsonschema

        self.host = host
        self.validator = jsonschema.Draft202012Validator(_inlined(load_schema()))
        self.tokenizer_override = tokenizer
        self._tokenizers: dict[str, Tokenizer] = {}
        self._styles: dict[tuple[str, ...], tuple[PairLayout, re.Pattern[str] | None] | None] = {}
        self._banks: dict[str, Any] = {}

    def tokenizer(self, spec: str) -> Tokenizer:
        key = self.tokenizer_override or spec
        if key not in self._tokenizers:
            self._tokenizers[key] = load_tokenizer(key)
        return self._tokenizers[key]

    def check(self, record: Mapping[str, Any]) -> list[str]:
        errors = sorted(self.validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            return [f"schema: at ${''.join(f'.{p}' for p in e.absolute_path)}: {e.message[:160]}" for e in errors[:3]]
        try:
            validate(record["program"])
        except AbrError as exc:
            return [f"schema: at $.program: {exc}"]
        problems: list[str] = []
        problems += self._program(record)
        style = self._style(record)
        if style is None:
            return [*problems, "cannot read the pairs back: the record's anchor style is not installed"]
        layout, pattern = style
        docs = read_prompt(record["prompt"], record["blueprint"]["anchors"].values(), layout)
        rebuilt, layout_problems = self._rebuild(record, docs)
        problems += layout_problems
        if rebuilt is not None:
            problems += self._rederive(record, rebuilt)
        problems += _named_questions(record["program"], record["blueprint"])
        problems += _unambiguous_anchors(record)
        problems += _lookalikes(record)
        problems += _stray_anchors(record, docs, layout, pattern)
        problems += _needles(record)
        problems += self._tokens(record)
        return problems

    # -- the stored answer --------------------------------------------------------------------------------
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

    def _style(self, r: Mapping[str, Any]) -> tuple[PairLayout, re.Pattern[str] | None] | None:
        """The pair layout and anchor pattern of the record's anchor style (found among its components)."""
        key = tuple(sorted(r["versions"]["components"]))
        if key not in self._styles:
            found = None
            for name in key:
                try:
                    style = self.host.registry.configured("anchor_style", name).obj
                except AbrError:
                    continue
                pattern = re.compile(style.pattern) if getattr(style, "pattern", "") else None
                found = (PairLayout.of(style.render_pair), pattern)
                break
            self._styles[key] = found
        return self._styles[key]

    # -- the blueprint, rebuilt from the text -------------------------------------------------------------
    def _rebuild(self, r: Mapping[str, Any], docs: list[ReadDocument]) -> tuple[dict[str, Any] | None, list[str]]:
        bp = r["blueprint"]
        ids = {text: aid for aid, text in bp["anchors"].items()}
        if len(docs) != len(bp["documents"]):
            return None, [f"prompt has {len(docs)} documents, blueprint has {len(bp['documents'])}"]
        out: list[str] = []
        rebuilt_docs = []
        for read, doc in zip(docs, bp["documents"]):
            if f"doc{read.number}" != doc["id"]:
                out.append(f"document {read.number} is out of order (blueprint expects {doc['id']})")
            if read.title != _header_title(doc["title"]):
                out.append(f"{doc['id']}: title {read.title!r} differs from the blueprint's {doc['title']!r}")
            seen = [ids[p.anchor] for p in read.pairs]
            want = [p["anchor"] for p in doc["pairs"]]
            if seen != want:
                out.append(f"{doc['id']}: pairs found in order {seen}, blueprint says {want}")
                continue
            pairs = []
            for got, stored in zip(read.pairs, doc["pairs"]):
                pair: dict[str, Any] = {"anchor": ids[got.anchor], "question": got.question}
                if "answer" in stored:
                    solved = self._solve(stored.get("bank"), got.question, f"{doc['id']}/{pair['anchor']}", out)
                    if solved is None:
                        continue
                    pair.update(answer=solved, answer_type=stored.get("answer_type", "string"))
                pairs.append({**stored, **pair})
            rebuilt_docs.append({"id": f"doc{read.number}", "title": _original_title(read.title, doc["title"]),
                                 "genre": doc["genre"], "pairs": pairs})
        if out:
            return None, out
        rebuilt: dict[str, Any] = {"anchors": dict(bp["anchors"]), "documents": rebuilt_docs}
        if "assembled" in bp:
            rebuilt["assembled"] = self._reassemble(bp["assembled"], rebuilt_docs, out)
        return (None if out else rebuilt), out

    def _solve(self, bank_name: str | None, question: str, where: str, out: list[str]) -> str | None:
        if not bank_name:
            out.append(f"question in {where} names no bank, so its answer cannot be re-derived")
            return None
        bank = self._banks.get(bank_name)
        if bank is None:
            try:
                bank = self._banks[bank_name] = self.host.registry.configured("question_bank", bank_name).obj
            except AbrError as exc:
                out.append(f"cannot re-solve questions of bank '{bank_name}': {exc}")
                return None
        try:
            return str(bank.solve(question))
        except AbrError as exc:
            out.append(f"bank {bank_name} cannot re-solve {question[:40]!r} in {where}: {exc}")
            return None

    def _reassemble(self, stored: Mapping[str, Any], docs: list[dict[str, Any]], out: list[str]) -> dict[str, Any]:
        result = {}
        for anchor, entry in stored.items():
            fragments = [p["question"] for d in docs for p in d["pairs"] if p["anchor"] == anchor]
            try:
                text = assemble(fragments)
            except AbrError as exc:
                out.append(f"the fragments under {anchor} do not assemble: {exc}")
                continue
            if text != entry["question"]:
                out.append(f"the fragments under {anchor} assemble to a different problem than the blueprint's")
                continue
            solved = self._solve(entry.get("bank"), text, f"assembled {anchor}", out)
            if solved is not None:
                result[anchor] = {**entry, "question": text, "answer": solved}
        return result

    def _rederive(self, r: Mapping[str, Any], rebuilt: Mapping[str, Any]) -> list[str]:
        out = []
        stored = r["blueprint"]
        for doc_s, doc_r in zip(stored["documents"], rebuilt["documents"]):
            for p_s, p_r in zip(doc_s["pairs"], doc_r["pairs"]):
                if p_s["question"] != p_r["question"]:
                    out.append(f"{doc_s['id']}: the question after {stored['anchors'][p_s['anchor']]} in the prompt is "
                               f"not the blueprint's")
                elif p_s.get("answer") != p_r.get("answer"):
                    out.append(f"{doc_s['id']}: question {p_s['question'][:40]!r}: its bank gives "
                               f"{p_r.get('answer')!r}, the record says {p_s.get('answer')!r}")
        for anchor, entry in rebuilt.get("assembled", {}).items():
            if entry["answer"] != stored["assembled"][anchor]["answer"]:
                out.append(f"assembled problem under {anchor}: its bank gives {entry['answer']!r}, the record says "
                           f"{stored['assembled'][anchor]['answer']!r}")
        try:
            got = answer_of(r["program"], rebuilt)
        except AbrError as exc:
            return [*out, f"answer program does not evaluate over the blueprint read from the prompt: {exc}"]
        if got != r["answer"]:
            out.append(f"re-derived from the prompt, the answer is {got!r}; the record says {r['answer']!r}")
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


# ---------------------------------------------------------------------------------------------------------
# Checks that need no components


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The record schema with its non-recursive ``$ref``s inlined (resolving references dominates validation
    time) and the program left to :func:`abr.program.validate`, which checks it more strictly: known
    operators, arities, size and depth."""
    defs = schema.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/") and ref != "#/$defs/node" and len(node) == 1:
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    out = inline(schema)
    out["properties"]["program"] = {}
    return out


def _header_title(title: str) -> str:
    return title.replace('"', "'").replace("\n", " ")


def _original_title(read: str, stored: str) -> str:
    """The stored title when the header shows it (headers replace quotes), else what the prompt says."""
    return stored if _header_title(stored) == read else read


def _q_nodes(node: Any) -> Iterator[list[Any]]:
    if isinstance(node, list) and node:
        if node[0] == "Q":
            yield node
        for arg in node[1:]:
            yield from _q_nodes(arg)


def _named_questions(program: Any, blueprint: Mapping[str, Any]) -> list[str]:
    """Every ``Q(anchor)`` / ``Q(anchor, doc)`` with literal arguments names exactly one pair — including
    those in a branch the answer did not take, so both readings of a condition are well defined."""
    try:
        bp = Blueprint(blueprint)
    except AbrError:
        return []
    out = []
    for node in _q_nodes(program):
        args = node[1:]
        if not all(isinstance(a, str) for a in args) or args[0] not in bp.anchors:
            continue
        refs = bp.occurrences(args[0])
        if len(args) == 2:
            if args[1] not in bp.pairs_by_doc:
                out.append(f"Q({args[0]}, {args[1]}) names an unknown document")
                continue
            refs = [ref for ref in refs if ref.doc == args[1]]
        if len(refs) != 1:
            where = f" in {args[1]}" if len(args) == 2 else ""
            out.append(f"Q({args[0]}{where}) names {len(refs)} pairs, not exactly one")
    return out


def _unambiguous_anchors(r: Mapping[str, Any]) -> list[str]:
    texts = sorted(r["blueprint"]["anchors"].items(), key=lambda kv: len(kv[1]))
    out = []
    for i, (aid, text) in enumerate(texts):
        for bid, other in texts[i + 1:]:
            if text in other:
                out.append(f"anchor {text} ({aid}) occurs inside anchor {other} ({bid}); a search cannot tell them "
                           f"apart")
    return out


def _lookalikes(r: Mapping[str, Any]) -> list[str]:
    bp = r["blueprint"]
    anchors = bp["anchors"]
    out = []
    for aid, info in bp.get("near_duplicates", {}).items():
        if aid not in anchors or info.get("of") not in anchors:
            out.append(f"near-duplicate entry {aid} names an unknown anchor")
            continue
        decoy, target = anchors[aid], anchors[info["of"]]
        lo, hi = info["band"]
        try:
            s = similarity(decoy, target, info.get("metric", "ratio"))
        except AbrError as exc:
            out.append(f"near-duplicate {aid}: {exc}")
            continue
        if decoy == target:
            out.append(f"near-duplicate {aid} equals the anchor it imitates ({info['of']})")
        elif not lo <= s <= hi:
            out.append(f"near-duplicate {decoy} ({aid}) has similarity {s:.4f} to {target}, outside [{lo}, {hi}]")
    return out


def _stray_anchors(r: Mapping[str, Any], docs: list[ReadDocument], layout: PairLayout,
                   pattern: re.Pattern[str] | None) -> list[str]:
    """Every anchor string occurs only at its pairs; no background paragraph is laid out like a pair."""
    prompt: str = r["prompt"]
    anchors: Mapping[str, str] = r["blueprint"]["anchors"]
    out = []
    for doc in docs:
        counts: dict[str, int] = {}
        for p in doc.pairs:
            counts[p.anchor] = counts.get(p.anchor, 0) + 1
        for aid, text in anchors.items():
            found = prompt.count(text, doc.start, doc.end)
            if found != counts.get(text, 0):
                out.append(f"anchor {text} ({aid}) occurs {found} times in document {doc.number} but heads "
                           f"{counts.get(text, 0)} pairs there: it is in the background text")
        if pattern is None:
            continue
        pair_offsets = {p.char - len(layout.prefix) for p in doc.pairs}
        for offset, text in doc.paragraphs:
            if offset in pair_offsets or not text.startswith(layout.prefix):
                continue
            m = pattern.match(text, len(layout.prefix))
            if m and text.startswith(layout.middle, m.end()):
                out.append(f"document {doc.number}: a background paragraph begins like a pair ({m.group(0)!r})")
    outside = _outside(prompt, docs)
    for aid, text in anchors.items():
        if outside.count(text) != r["question"].count(text):
            out.append(f"anchor {text} ({aid}) occurs outside the documents other than in the question")
    return out


def _needles(r: Mapping[str, Any]) -> list[str]:
    prompt: str = r["prompt"]
    bp = r["blueprint"]
    anchors: Mapping[str, str] = bp["anchors"]
    needles = r["needles"]
    out = []
    expected = [(d["id"], p["anchor"], p["role"]) for d in bp["documents"] for p in d["pairs"]]
    if [(n["doc"], n["anchor"], n["role"]) for n in needles] != expected:
        out.append(f"needles do not list the blueprint's {len(expected)} pairs in reading order")
    for n in needles:
        text = anchors.get(n["anchor"], "")
        if prompt[n["char"]:n["char"] + len(text)] != text:
            out.append(f"needle {n['anchor']} in {n['doc']}: char offset {n['char']} does not point at its anchor")
    return out


def _outside(prompt: str, docs: list[ReadDocument]) -> str:
    parts = []
    pos = 0
    for doc in docs:
        parts.append(prompt[pos:doc.start])
        pos = doc.end
    parts.append(prompt[pos:])
    return "\x00".join(parts)
