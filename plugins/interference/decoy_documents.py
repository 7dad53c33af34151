"""``abr/decoy-documents``: whole documents that look relevant — same genre as a target's document, holding
near-duplicates of the target anchors with their own questions — appended after the real ones.

Appending keeps every existing document's number, so a meta-question that names "document 3" still means
the same document; a skill whose answer depends on the set of documents (counts, rankings, "the last
document") is protected by the engine, which redraws or refuses a pattern that changes the gold answer.
"""

from __future__ import annotations

from abr.anchors import near_duplicates
from abr.blueprint import ComposeContext, Draft
from abr.components import InterferencePattern
from abr.knobs import Knob

BAND = (0.75, 0.95)


class DecoyDocuments(InterferencePattern):
    name = "decoy-documents"
    version = 1
    description = "Appends documents of a target's genre holding look-alike anchors with their own questions"
    knobs = (
        Knob("documents", "int", 1, "decoy documents to append", low=1, high=8),
        Knob("pairs", "int", 2, "look-alike pairs in each decoy document", low=1, high=16),
    )

    def apply(self, draft: Draft, ctx: ComposeContext) -> None:
        rng = ctx.rng
        targets = draft.target_anchors()
        if not targets:
            return
        taken = set(draft.anchors.values())
        avoid = draft.target_answers()
        genres = {p.anchor: draft.documents[p.doc].genre for p in draft.pairs if p.anchor in targets}
        for i in range(int(ctx.knobs["documents"])):
            r = rng.child("document", i)
            model = targets[r.below(len(targets))]
            genre = genres[model]
            doc = draft.add_document(genre, ctx.haystack.title(genre, r.child("title")))
            for j in range(int(ctx.knobs["pairs"])):
                rj = r.child("pair", j)
                of = targets[rj.below(len(targets))]
                text = near_duplicates(ctx.anchor_style, draft.anchor_text(of), 1, BAND, rj.child("anchor"), taken)[0]
                taken.add(text)
                decoy = draft.new_anchor(text)
                draft.mark_lookalike(decoy, of, BAND)
                draft.add(doc, decoy, ctx.question(rj.child("question"), avoid=avoid), rj.random(), role="decoy")
