"""``temporal/latest``: the current value of a record that was updated over time.

The documents are a chronological log (the meta-question says so): document 1 is the oldest, and an anchor
that appears in several documents was updated — its last occurrence replaces the earlier ones. The skill
places the anchor's latest version at the sample's depth, in document 2 or later so that an older version
can precede it; ``temporal/temporal-update`` (its default interference) adds the stale versions before it.
The answer program says what "latest" means — the question after the anchor in the last document that
holds it, ``solve(Q(a, last(docs(a))))`` — so ``abr verify`` re-derives it from the prompt like any other.
A reader that takes the first occurrence answers a stale question, whose answer always differs.
"""

from __future__ import annotations

from abr.blueprint import ComposeContext, Composition, Draft
from abr.components import Skill
from abr.knobs import Knob

PHRASINGS = (
    "The documents above are records in chronological order: document 1 is the oldest and every later document "
    "is newer. When an anchor appears in several documents, the later occurrence replaces the earlier ones. "
    "What is the answer to the latest question that follows the anchor {anchor}?",
    "These documents were written one after another, in the order shown. The anchor {anchor} may have been "
    "updated: only its most recent occurrence (the one in the latest document) is current. Answer the question "
    "that follows that occurrence.",
    "Read the documents as a log in chronological order (document 1 first). The anchor {anchor} is followed by a "
    "question wherever it appears, and a newer document supersedes an older one. Solve the current question of "
    "{anchor}, the one in the newest document that contains it.",
)


class Latest(Skill):
    name = "latest"
    version = 1
    description = "Answer the latest version of an anchor's question: later documents supersede earlier ones"
    default_interference = ("temporal/temporal-update",)
    knobs = (
        Knob("documents", "int", 5, "documents in the log (the latest version sits in document 2 or later)",
             low=2, high=64),
        Knob("fillers", "int", 3, "unrelated anchor-question pairs: the anchor density", low=0, high=64),
        Knob("difficulty", "float", 0.3, "difficulty of the embedded questions (0 easy .. 1 hard)", low=0.0,
             high=1.0),
    )

    def compose(self, ctx: ComposeContext) -> Composition:
        k, rng = ctx.knobs, ctx.rng
        n_docs = int(k["documents"])
        draft = ctx.new_draft(n_docs)
        text = ctx.anchors(rng.child("anchor"), 1)[0]
        anchor = draft.new_anchor(text)
        draft.scope(anchor)  # the program names it with a document: older copies are harmless
        question = ctx.question(rng.child("question"))
        doc, position = _locate(ctx.depth, n_docs)
        draft.add(doc, anchor, question, position, role="target")
        _fillers(ctx, draft, int(k["fillers"]), {question.answer})
        phrasing = rng.child("phrasing").choice(PHRASINGS)
        return Composition(
            draft=draft,
            question=phrasing.format(anchor=text),
            program=["solve", ["Q", anchor, ["last", ["docs", anchor]]]],
            difficulty={"documents": n_docs, "fillers": int(k["fillers"]), "depth": round(ctx.depth, 4),
                        "question": float(k["difficulty"]),
                        "level": round((min(n_docs, 16) - 2) / 28 + float(k["difficulty"]) / 2, 4)},
            answer_type=question.answer_type,
            rule=question.rule,
        )


def _locate(depth: float, documents: int) -> tuple[int, float]:
    """Document (0-based, at least 1) and relative position for a depth spread over documents 2..n."""
    scaled = min(max(depth, 0.0), 1.0) * (documents - 1)
    slot = min(int(scaled), documents - 2)
    return slot + 1, min(1.0, scaled - slot)


def _fillers(ctx: ComposeContext, draft: Draft, n: int, avoid: set[str]) -> None:
    """Unrelated pairs spread over the log (one per slice of the context), none sharing the target's answer."""
    rng = ctx.rng.child("fillers")
    texts = ctx.anchors(rng.child("anchors"), n, set(draft.anchors.values()))
    n_docs = len(draft.documents)
    for i, text in enumerate(texts):
        depth = (i + rng.child("depth", i).random()) / max(n, 1)
        doc = min(int(depth * n_docs), n_docs - 1)
        question = ctx.question(rng.child("question", i), avoid=avoid)
        draft.add(doc, draft.new_anchor(text), question, depth * n_docs - doc)
