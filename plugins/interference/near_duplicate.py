"""``abr/near-duplicate``: decoy anchors that look almost like each target, each with its own question.

The decoys' similarity to the target (rapidfuzz ratio / 100) lies in the ``band`` knob, and every decoy
differs from the target, so the gold answer is unchanged while a careless reader picks a decoy.
"""

from __future__ import annotations

from abr.anchors import near_duplicates
from abr.blueprint import ComposeContext, Draft
from abr.components import InterferencePattern
from abr.knobs import Knob


class NearDuplicate(InterferencePattern):
    name = "near-duplicate"
    version = 1
    description = "Adds decoy anchors within a similarity band of each target anchor, with their own questions"
    knobs = (
        Knob("decoys", "int", 3, "decoys per target anchor", low=1, high=32),
        Knob("band", "band", (0.8, 0.95), "similarity band of decoys to the target (rapidfuzz ratio/100)",
             low=0.0, high=0.99),
    )

    def apply(self, draft: Draft, ctx: ComposeContext) -> None:
        knobs = ctx.knobs
        rng = ctx.rng
        taken = set(draft.anchors.values())
        for t, target in enumerate(draft.targets()):
            text = draft.anchor_text(target.anchor)
            decoys = near_duplicates(ctx.anchor_style, text, int(knobs["decoys"]), tuple(knobs["band"]),
                                     rng.child("decoys", t), taken)
            for d, decoy in enumerate(decoys):
                taken.add(decoy)
                decoy_id = draft.new_anchor(decoy)
                r = rng.child("place", t, d)
                doc = r.below(len(draft.documents))
                draft.add(doc, decoy_id, ctx.question(r.child("question")), r.random(), role="decoy")
