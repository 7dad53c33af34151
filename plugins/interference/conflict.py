"""``abr/conflict``: conflicting duplicates — one anchor string in several documents, each time with another
question.

A target the skill scopes to a document (its program names the anchor together with that document, as
``abr/anti-interference`` ``conflict`` does) gets copies of its own anchor in other documents. Any other
skill gets a fresh anchor repeated across documents with different questions, so that a reader who merges
or mixes up repeated anchors is misled while the target stays unique.
"""

from __future__ import annotations

from abr.blueprint import ComposeContext, Draft
from abr.components import InterferencePattern
from abr.knobs import Knob


class Conflict(InterferencePattern):
    name = "conflict"
    version = 1
    description = "Repeats an anchor across documents with different questions (the target's own when scoped)"
    knobs = (Knob("copies", "int", 2, "extra occurrences of the repeated anchor", low=1, high=16),)

    def apply(self, draft: Draft, ctx: ComposeContext) -> None:
        rng = ctx.rng
        copies = int(ctx.knobs["copies"])
        n_docs = len(draft.documents)
        avoid = draft.target_answers()
        scoped = [t for t in draft.target_anchors() if t in draft.scoped]
        if scoped:
            for t, anchor in enumerate(scoped):
                homes = {p.doc for p in draft.pairs if p.anchor == anchor and p.role == "target"}
                others = [d for d in range(n_docs) if d not in homes]
                for i in range(copies if others else 0):
                    r = rng.child("copy", t, i)
                    q = ctx.question(r.child("question"), avoid=avoid)
                    draft.add(r.choice(others), anchor, q, r.random(), role="decoy")
            return
        text = ctx.anchors(rng.child("anchor"), 1, set(draft.anchors.values()))[0]
        anchor = draft.new_anchor(text)
        docs = rng.child("docs").shuffled(range(n_docs))
        for i in range(copies + 1):
            r = rng.child("copy", i)
            draft.add(docs[i % n_docs], anchor, ctx.question(r.child("question"), avoid=avoid), r.random(),
                      role="decoy")
