"""Stage 3: documents of background text with the anchor–question pairs placed, fitted to a token budget.

The fitter works from cached sentence counts (see :mod:`abr.passages`): it measures the fixed skeleton
(headers, pairs, instruction, chat template) once, fills each document with whole passages and then
the best-fitting passage prefixes (cut at a sentence boundary), places each pair at the paragraph
boundary nearest its requested position, and encodes the finished prompt once. That encode gives the
exact count and every needle's token offset. Only when the count misses the window (rare, at seams a
tokenizer does not split additively) is the tail trimmed or extended and the prompt encoded again.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import attrs
from abr.blueprint import Draft, PlannedPair
from abr.components import AnchorStyle
from abr.errors import FitError
from abr.passages import PARAGRAPH_SEP, CachedPassage, PassageCache
from abr.rng import Rng
from abr.tokens import Tokenizer

#: bump when the same draft, budget and tokenizer would render different text (recorded in every sample)
RENDER_VERSION = 3
DOC_FOOTER = "</document>"
MAX_ROUNDS = 4
#: extra rounds, after the plain ones, that swap the last background paragraph for a better-fitting one
RESCUE_ROUNDS = 4
ANSWER_FORMAT = 'End your response with a final line of the form "Answer: <your answer>".'
#: the chain-of-thought system prompt for instruct models (paper Appendix B.3): `abr eval --cot`,
#: `abr train grpo --cot` and `--system-prompt` at generation time all use this one text
COT_SYSTEM_PROMPT = ("Think step by step. Find every anchor the question refers to, solve the question attached "
                     "to each, then combine the results as asked. End your response with a final line of the form "
                     "\"Answer: <your answer>\".")


def tolerance(target: int) -> int:
    """How far below the target a prompt may land: 1% of it (at least 8 tokens for tiny budgets)."""
    return max(target // 100, 8)


def doc_header(number: int, title: str) -> str:
    safe = title.replace('"', "'").replace("\n", " ")
    return f'<document index="{number}" title="{safe}">\n'


def preamble(documents: int) -> str:
    noun = "document" if documents == 1 else f"{documents} documents"
    return (f"Read the following {noun}. Some paragraphs begin with an anchor (a label) followed by a "
            f"question.")


class _Filler:
    """A background paragraph: sentences ``start:end`` of a cached passage (usually all of them)."""

    __slots__ = ("cost", "end", "passage", "start", "text")

    def __init__(self, passage: CachedPassage, start: int, end: int, cost: int) -> None:
        self.passage, self.start, self.end, self.cost = passage, start, end, cost
        whole = start == 0 and end == len(passage.costs)
        self.text = passage.text if whole else " ".join(passage.sentences[start:end])

    def trim(self, end: int) -> None:
        """Keep sentences ``start:end`` only."""
        self.end = end
        self.cost = sum(self.passage.costs[self.start:end])
        self.text = " ".join(self.passage.sentences[self.start:end])


@attrs.frozen
class _PairSlot:
    pair: PlannedPair
    text: str
    anchor_offset: int


_Paragraph = _Filler | CachedPassage | _PairSlot


@attrs.frozen
class Rendered:
    """The finished prompt with its exact token count and where every needle landed."""

    prompt: str
    messages: list[dict[str, str]]
    token_count: int
    needles: list[dict[str, Any]]
    encodes: int


class _DocFill:
    """Draws passages of one genre, never one already used in the sample while the pool lasts."""

    BATCH = 32

    def __init__(self, cache: PassageCache, genre: str, rng: Rng, used: dict[str, set[int]]) -> None:
        self.cache, self.genre, self.rng = cache, genre, rng
        self.used = used.setdefault(genre, set())
        self.pool = cache.source.pool_size(genre)
        self._queue: list[int] = []

    def next(self) -> CachedPassage:
        if not self._queue:
            self._refill()
        i = self._queue.pop()
        self.used.add(i)
        return self.cache.store[(self.genre, i)]

    def _refill(self) -> None:
        used, below, pool = self.used, self.rng.below, self.pool
        batch: list[int] = []
        seen: set[int] = set()
        exhausted = len(used) + self.BATCH >= pool  # a small pool may repeat passages
        for _ in range(self.BATCH * 64):
            i = below(pool)
            if not exhausted and (i in used or i in seen):
                continue
            batch.append(i)
            seen.add(i)
            if len(batch) == self.BATCH:
                break
        store, genre = self.cache.store, self.genre
        if any((genre, i) not in store for i in batch):
            self.cache.prefetch(genre, batch)
        batch.reverse()
        self._queue = batch


def _best_run(passages: Sequence[CachedPassage], left: int, sep: int) -> _Filler | None:
    """The run of consecutive sentences (from any of ``passages``) with the largest cost that fits ``left``.

    A run that starts mid-passage drops that sentence's leading space; its cached cost (counted with
    the space) is then an estimate that the final encode corrects — exact for the default tokenizer,
    where a space before a word is never a token of its own.
    """
    best: _Filler | None = None
    best_cost = -1
    for c in passages:
        costs = c.costs
        for i in range(len(costs)):
            acc = 0
            for j in range(i, len(costs)):
                if acc + costs[j] + sep > left:
                    break
                acc += costs[j]
                if acc > best_cost:
                    best, best_cost = _Filler(c, i, j + 1, acc), acc
    return best


def _fill(fill: _DocFill, budget: int, sep: int, slack: int = 0) -> list[_Filler | CachedPassage]:
    """Whole passages while they fit, then the best-fitting runs of sentences for what is left; when the
    gap is still wider than ``slack``, swap the last run for a longer one that fits better."""
    out: list[_Filler | CachedPassage] = []
    left = budget
    while left > 0:
        cand = fill.next()
        cost = cand.cost + sep
        if 0 < cost <= left:
            out.append(cand)
            left -= cost
            continue
        break
    misses = 0
    while left > 0 and misses < 3:
        best = _best_run([fill.next() for _ in range(16)], left, sep)
        if best is None:
            misses += 1
            continue
        out.append(best)
        left -= best.cost + sep
    for _ in range(8):
        if left <= slack or not out:
            break
        last = out[-1]
        room = left + last.cost + sep
        best = _best_run([fill.next() for _ in range(16)], room, sep)
        if best is not None and best.cost > last.cost:
            out[-1] = best
            left = room - best.cost - sep
    return out


def _place(fillers: list[_Filler | CachedPassage], pairs: list[_PairSlot]) -> list[_Paragraph]:
    """Interleave pairs at the paragraph boundaries nearest their relative positions, keeping their order."""
    if not pairs:
        return list(fillers)
    cum = [0]
    for f in fillers:
        cum.append(cum[-1] + f.cost)
    total = cum[-1]
    slots: list[int] = []
    lowest = 0
    for slot in pairs:
        want = slot.pair.position * total
        k = bisect.bisect_left(cum, want, lo=lowest)
        if k > lowest and (k == len(cum) or want - cum[k - 1] <= cum[k] - want):
            k -= 1
        slots.append(k)
        lowest = k
    out: list[_Paragraph] = []
    p = 0
    for k in range(len(fillers) + 1):
        while p < len(pairs) and slots[p] == k:
            out.append(pairs[p])
            p += 1
        if k < len(fillers):
            out.append(fillers[k])
    return out


@attrs.frozen
class RenderRequest:
    draft: Draft
    question: str
    target: int
    tokenizer: Tokenizer
    cache: PassageCache
    anchor_style: AnchorStyle
    rng: Rng
    chat_template: bool = False
    instruction_position: str = "end"
    system_prompt: str | None = None


class _Assembly:
    """The prompt text plus where each pair landed (character offsets)."""

    def __init__(self, req: RenderRequest, docs: Sequence[list[_Paragraph]]) -> None:
        parts: list[str] = []
        self.needles: list[tuple[PlannedPair, int]] = []
        tail = f"{req.question}\n{ANSWER_FORMAT}"
        head = preamble(len(docs)) + "\n\n"
        if req.instruction_position == "start":
            head += tail + "\n\n"
        parts.append(head)
        pos = len(head)
        self.context_start = pos
        sep_len = len(PARAGRAPH_SEP)
        for i, (info, paras) in enumerate(zip(req.draft.documents, docs)):
            header = ("\n\n" if i else "") + doc_header(info.number, info.title)
            parts.append(header)
            pos += len(header)
            for para in paras:
                text = para.text
                if isinstance(para, _PairSlot):
                    self.needles.append((para.pair, pos + para.anchor_offset))
                parts.append(text)
                parts.append(PARAGRAPH_SEP)
                pos += len(text) + sep_len
            parts.append(DOC_FOOTER)
            pos += len(DOC_FOOTER)
        self.context_end = pos
        if req.instruction_position != "start":
            parts.append("\n\n" + tail)
        self.prompt = "".join(parts)


def _messages(req: RenderRequest, prompt: str) -> list[dict[str, str]]:
    msgs = []
    if req.system_prompt:
        msgs.append({"role": "system", "content": req.system_prompt})
    msgs.append({"role": "user", "content": prompt})
    return msgs


class _Encoder:
    """Turns a prompt into what the model sees (raw or chat-templated) and counts it."""

    def __init__(self, req: RenderRequest) -> None:
        self.req = req
        self.template = req.tokenizer.chat_template() if req.chat_template else None
        if req.chat_template and self.template is None:
            raise FitError(f"tokenizer '{req.tokenizer.spec}' has no chat template; drop --chat-template or "
                           f"use a tokenizer folder whose tokenizer_config.json has one")

    def wrap(self, prompt: str) -> tuple[str, int, int]:
        """(text the model sees, offset of the prompt inside it, special tokens not in that text)."""
        if self.template is None:
            return prompt, 0, self.req.tokenizer.special_tokens
        full = self.template.render(_messages(self.req, prompt))
        at = full.find(prompt)
        if at < 0:
            raise FitError("the chat template rewrites the message text, so token offsets cannot be mapped; "
                           "drop --chat-template")
        return full, at, 0

    def quick_count(self, prompt: str) -> int:
        full, _, extra = self.wrap(prompt)
        return self.req.tokenizer.count_pieces([full])[0] + extra


def render(req: RenderRequest) -> Rendered:
    draft = req.draft
    tok = req.tokenizer
    enc = _Encoder(req)
    n_docs = len(draft.documents)
    slots: list[list[_PairSlot]] = []
    for i in range(n_docs):
        row = []
        for pair in draft.in_document(i):
            anchor = draft.anchor_text(pair.anchor)
            text = req.anchor_style.render_pair(anchor, pair.text)
            row.append(_PairSlot(pair, text, text.find(anchor)))
        slots.append(row)

    skeleton = _Assembly(req, [list(r) for r in slots])
    fixed = enc.quick_count(skeleton.prompt)
    tol = tolerance(req.target)
    if fixed > req.target:
        raise FitError(f"length {req.target} is too small: the anchors, questions and instructions alone take "
                       f"{fixed} tokens; raise --length or lower the number of pairs/documents")
    goal = req.target - tol // 2
    sep = req.cache.sep_cost
    used: dict[str, set[int]] = {}
    fills = [_DocFill(req.cache, info.genre, req.rng.child("fill", i), used) for i, info in enumerate(draft.documents)]
    budget = max(0, goal - fixed)
    docs: list[list[_Paragraph]] = []
    for i in range(n_docs):
        share = budget // (n_docs - i)
        fillers = _fill(fills[i], share, sep, slack=tol // 2 if i == n_docs - 1 else share)
        spent = sum(f.cost + sep for f in fillers)
        budget -= spent
        docs.append(_place(fillers, slots[i]))

    for round_ in range(MAX_ROUNDS + RESCUE_ROUNDS):
        asm = _Assembly(req, docs)
        full, offset, extra = enc.wrap(asm.prompt)
        marks = [asm.context_start, asm.context_end] + [char for _, char in asm.needles]
        n_tokens, located = tok.locate(full, [offset + m for m in marks])
        count = n_tokens + extra
        if req.target - tol <= count <= req.target:
            return _finish(req, asm, skeleton.prompt, located, count, round_ + 1)
        if round_ == MAX_ROUNDS + RESCUE_ROUNDS - 1:
            break
        _adjust(docs, fills[-1], goal - count, sep, tol // 2, rescue=round_ >= MAX_ROUNDS - 1)
    raise FitError(f"could not fit the prompt into [{req.target - tol}, {req.target}] tokens with tokenizer "
                   f"'{tok.spec}' (last count {count}); try another --length")


def _adjust(docs: list[list[_Paragraph]], fill: _DocFill, delta: int, sep: int, slack: int,
            rescue: bool = False) -> None:
    """Trim sentences from the last fillers (delta < 0) or add filler to the last document (delta > 0).

    A gap smaller than any sentence cannot be closed by adding; in ``rescue`` rounds (reached only where the
    plain rounds failed) the last background paragraph is given back and the freed budget refilled with
    runs that fit it better."""
    if delta > 0:
        paras = docs[-1]
        at = len(paras)
        if rescue:  # give back the last background paragraph of the last document, wherever it stands
            found = next((j for j in range(len(paras) - 1, -1, -1) if not isinstance(paras[j], _PairSlot)), None)
            if found is not None:
                given_back = paras[found]
                assert not isinstance(given_back, _PairSlot)
                delta += given_back.cost + sep
                del paras[found]
                at = found
        paras[at:at] = _fill(fill, delta, sep, slack)
        return
    over = -delta
    for paras in reversed(docs):
        for j in range(len(paras) - 1, -1, -1):
            para = paras[j]
            if isinstance(para, _PairSlot):
                continue
            if isinstance(para, CachedPassage):
                para = paras[j] = _Filler(para, 0, para.end, para.cost)
            end = para.end
            while over > 0 and end > para.start:
                end -= 1
                over -= para.passage.costs[end]
            if end == para.start:
                del paras[j]
                over -= sep
            else:
                para.trim(end)
            if over <= 0:
                return


def _finish(req: RenderRequest, asm: _Assembly, skeleton: str, located: list[int], count: int,
            encodes: int) -> Rendered:
    for text in req.draft.anchors.values():
        if asm.prompt.count(text) != skeleton.count(text):
            raise AnchorCollision(f"anchor {text!r} occurs in the background text")
    prefix = req.tokenizer.special_prefix if not req.chat_template else 0
    ctx_start, ctx_end, *tokens = (t + prefix for t in located)
    span = max(1, ctx_end - ctx_start)
    needles = []
    for (pair, char), token in zip(asm.needles, tokens):
        needles.append({
            "doc": req.draft.documents[pair.doc].id,
            "anchor": pair.anchor,
            "role": pair.role,
            "char": char,
            "token": token,
            "depth": round(min(1.0, max(0.0, (token - ctx_start) / span)), 4),
        })
    return Rendered(asm.prompt, _messages(req, asm.prompt), count, needles, encodes)


class AnchorCollision(Exception):
    """An anchor string occurred by accident in background text; the sample is redrawn."""
