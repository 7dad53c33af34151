"""``abr/anti-interference``: robustness to noise (paper §2.1, Appendix A.2).

``similar``: the target anchor plus near-duplicates of it whose rapidfuzz similarity lies in the ``band``
knob; every decoy differs from the target and carries its own question of the same kind, with another
answer. ``conflict``: one anchor string repeated in several documents with different questions; the
meta-question scopes the answer to one document — by its number, its title, a word only its title has, or
another anchor only it contains — and the program encodes that scope, so a property that named two
documents would fail when the sample is made.
"""

from __future__ import annotations

import re
from typing import Any

from abr.anchors import METRICS, near_duplicates
from abr.blueprint import ComposeContext, Composition, Draft
from abr.components import Question, Skill
from abr.errors import AbrError
from abr.knobs import Knob
from abr.plugins.skills.placement import level, locate, scaled, spread_documents, stratified
from abr.rng import Rng

SIMILAR = (
    "Several anchors in the documents look alike. Answer the question that follows exactly the anchor {anchor}.",
    "Find the anchor {anchor} — exactly this string, not one that merely resembles it — and answer the question "
    "after it.",
    "What is the answer to the question that follows the anchor {anchor}? Beware of anchors that differ from it by "
    "a character or two.",
    "Please answer the question following the anchor {anchor} in the documents above (check every character).",
)
CONFLICT = (
    "Please answer the question following {anchor} in {where}.",
    "The anchor {anchor} appears in several documents, each time with a different question. Answer the one that "
    "follows it in {where}.",
    "Only {where} counts: what is the answer to the question after {anchor} there?",
    "In {where}, find the anchor {anchor} and solve the question that follows it; ignore its other occurrences.",
)
SCOPES = ("number", "title", "title-word", "neighbour")
_WORD = re.compile(r"\b[A-Z][a-z]{3,}\b")  # a capitalized word of the title: a name or a content word
_SCOPE_TRIES = 16


class AntiInterference(Skill):
    name = "anti-interference"
    version = 1
    description = "Answer the question of one anchor among near-duplicate anchors or conflicting copies of it"
    #: lures — pairs beside the target whose questions copy its template with other numbers (paper §3.3)
    default_interference = ("abr/lure-questions",)
    knobs = (
        Knob("variant", "choice", "mixed", "similar: near-duplicate anchors; conflict: the anchor repeated across "
             "documents, answer scoped to one; mixed: either, drawn per sample",
             choices=("similar", "conflict", "mixed")),
        Knob("decoys", "int", 4, "similar: near-duplicates of the target; conflict: extra copies of the anchor",
             low=1, high=32),
        Knob("band", "band", (0.8, 0.95), "similar: similarity band of the decoys to the target (rapidfuzz score "
             "/ 100): the noise similarity", low=0.0, high=0.99),
        Knob("metric", "choice", "ratio", "similar: rapidfuzz score (ratio or partial_ratio)", choices=METRICS),
        Knob("scope", "choice", "mixed", "conflict: how the meta-question names the document (number, title, "
             "title-word, neighbour anchor, or mixed)", choices=(*SCOPES, "mixed")),
        Knob("documents", "int", 4, "documents the context is split into (conflict needs 2 or more)", low=1,
             high=64),
        Knob("fillers", "int", 2, "unrelated anchor-question pairs: the anchor density", low=0, high=64),
        Knob("difficulty", "float", 0.3, "difficulty of the embedded questions (0 easy .. 1 hard)", low=0.0,
             high=1.0),
    )

    def compose(self, ctx: ComposeContext) -> Composition:
        variant = ctx.knobs["variant"]
        if variant == "mixed":
            variant = ctx.rng.child("variant").choice(("similar", "conflict"))
        return self._similar(ctx) if variant == "similar" else self._conflict(ctx)

    # -- similar ------------------------------------------------------------------------------------------
    def _similar(self, ctx: ComposeContext) -> Composition:
        k, rng = ctx.knobs, ctx.rng
        n_docs, n_decoys = int(k["documents"]), int(k["decoys"])
        band = (float(k["band"][0]), float(k["band"][1]))
        draft = ctx.new_draft(n_docs)
        target_text = ctx.anchors(rng.child("anchors"), 1)[0]
        target = draft.new_anchor(target_text)
        question = ctx.question(rng.child("question", "target"))
        doc, position = locate(ctx.depth, n_docs)
        draft.add(doc, target, question, position, role="target")
        taken = {target_text}
        lookalikes = near_duplicates(ctx.anchor_style, target_text, n_decoys, band, rng.child("decoys"), taken,
                                     metric=k["metric"])
        for i, (text, depth) in enumerate(zip(lookalikes, stratified(rng.child("decoy-depths"), n_decoys))):
            taken.add(text)
            decoy = draft.new_anchor(text)
            draft.mark_lookalike(decoy, target, band, k["metric"])
            d, pos = locate(depth, n_docs)
            draft.add(d, decoy, ctx.question(rng.child("question", "decoy", i), avoid={question.answer}), pos,
                      role="decoy")
        _fillers(ctx, draft, int(k["fillers"]), taken, {question.answer})
        phrasing = rng.child("phrasing").choice(SIMILAR)
        return Composition(
            draft=draft, question=phrasing.format(anchor=target_text), program=["solve", ["Q", target]],
            difficulty={"variant": "similar", "decoys": n_decoys, "band_low": band[0], "band_high": band[1],
                        "documents": n_docs, "fillers": int(k["fillers"]), "depth": round(ctx.depth, 4),
                        "question": float(k["difficulty"]),
                        "level": level(scaled(n_decoys, 1, 16), scaled(band[0], 0.5, 0.95),
                                       float(k["difficulty"]))},
            answer_type=question.answer_type, rule=question.rule,
        )

    # -- conflict -----------------------------------------------------------------------------------------
    def _conflict(self, ctx: ComposeContext) -> Composition:
        k, rng = ctx.knobs, ctx.rng
        n_docs, copies = int(k["documents"]), int(k["decoys"])
        if n_docs < 2:
            raise AbrError(f"{self.name} variant conflict needs at least 2 documents; set --knob documents=2 or "
                           f"more (got {n_docs})")
        scope = k["scope"]
        if scope == "mixed":
            scope = rng.child("scope").choice(SCOPES)
        doc, position = locate(ctx.depth, n_docs)
        question = ctx.question(rng.child("question", "target"))
        draft, where, doc_expr, scope = _scoped_draft(ctx, n_docs, doc, scope, question.answer)
        anchor_text = ctx.anchors(rng.child("anchors"), 1, set(draft.anchors.values()))[0]
        anchor = draft.new_anchor(anchor_text)
        draft.scope(anchor)
        draft.add(doc, anchor, question, position, role="target")
        others = [d for d in range(n_docs) if d != doc]
        for i, d in enumerate(spread_documents(rng.child("copy-docs"), copies, len(others))):
            q = ctx.question(rng.child("question", "copy", i), avoid={question.answer})
            draft.add(others[d], anchor, q, rng.child("copy-position", i).random(), role="decoy")
        _fillers(ctx, draft, int(k["fillers"]), set(draft.anchors.values()), {question.answer})
        phrasing = rng.child("phrasing").choice(CONFLICT)
        return Composition(
            draft=draft, question=phrasing.format(anchor=anchor_text, where=where),
            program=["solve", ["Q", anchor, doc_expr]],
            difficulty={"variant": "conflict", "decoys": copies, "scope": scope, "documents": n_docs,
                        "fillers": int(k["fillers"]), "depth": round(ctx.depth, 4),
                        "question": float(k["difficulty"]),
                        "level": level(scaled(copies, 1, 16), SCOPES.index(scope) / 3, float(k["difficulty"]))},
            answer_type=question.answer_type, rule=question.rule,
        )


def _fillers(ctx: ComposeContext, draft: Draft, n: int, taken: set[str], avoid: set[str]) -> None:
    """Unrelated pairs spread over the context, none sharing the target's answer."""
    rng = ctx.rng.child("fillers")
    texts = ctx.anchors(rng.child("anchors"), n, taken)
    for i, (text, depth) in enumerate(zip(texts, stratified(rng.child("depths"), n))):
        d, pos = locate(depth, len(draft.documents))
        draft.add(d, draft.new_anchor(text), ctx.question(rng.child("question", i), avoid=avoid), pos)


def _scoped_draft(ctx: ComposeContext, n_docs: int, doc: int, scope: str,
                  gold: str) -> tuple[Draft, str, Any, str]:
    """A draft whose document ``doc`` the scope identifies uniquely: (draft, words, program node, scope).

    Titles and title words must belong to that document alone; the documents are redrawn until they do,
    and a scope that cannot be met falls back to the document number.
    """
    for attempt in range(_SCOPE_TRIES):
        rng = ctx.rng.child("documents") if attempt == 0 else ctx.rng.child("documents", "retry", attempt)
        draft = ctx.new_draft(n_docs, rng=rng)
        found = _describe(ctx, draft, doc, scope, ctx.rng.child("scope-detail", attempt), gold)
        if found is not None:
            return (draft, *found, scope)
    draft = ctx.new_draft(n_docs)
    return draft, f"document {doc + 1}", draft.documents[doc].id, "number"


def _describe(ctx: ComposeContext, draft: Draft, doc: int, scope: str, rng: Rng,
              gold: str) -> tuple[str, Any] | None:
    info = draft.documents[doc]
    titles = [d.title for d in draft.documents]
    if scope == "number":
        return f"document {info.number}", info.id
    if scope == "title":
        if titles.count(info.title) != 1 or '"' in info.title or "\n" in info.title:
            return None
        return f'the document titled "{info.title}"', ["only", ["titled", info.title]]
    if scope == "title-word":
        words = [w for w in dict.fromkeys(_WORD.findall(info.title)) if sum(w in t for t in titles) == 1]
        if not words:
            return None
        word = rng.choice(words)
        return f'the document whose title contains the word "{word}"', ["only", ["title_has", word]]
    # neighbour: another anchor that only this document holds
    text = ctx.anchors(rng.child("neighbour"), 1, set(draft.anchors.values()))[0]
    neighbour = draft.new_anchor(text)
    question: Question = ctx.question(rng.child("neighbour-question"), avoid={gold})
    draft.add(doc, neighbour, question, rng.child("neighbour-position").random(), role="filler")
    return f"the document that also contains the anchor {text}", ["only", ["docs", neighbour]]
