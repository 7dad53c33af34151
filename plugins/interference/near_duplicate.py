"""``abr/near-duplicate``: decoy anchors that look almost like each target, each with its own question.

The decoys' similarity to the target (rapidfuzz ``metric`` / 100) lies in the ``band`` knob and every decoy
differs from the target, so the gold answer is unchanged while a careless reader picks a decoy. Each decoy's
question has an answer other than the target's, and the blueprint records the band (``near_duplicates``) so
``abr verify`` re-measures it.
"""

from __future__ import annotations

from abr.anchors import METRICS, near_duplicates
from abr.blueprint import ComposeContext, Draft
from abr.components import InterferencePattern
from abr.knobs import Knob


class NearDuplicate(InterferencePattern):
    name = "near-duplicate"
    version = 2
    description = "Adds decoy anchors within a similarity band of each target anchor, with their own questions"
    knobs = (
        Knob("decoys", "int", 3, "decoys per target anchor", low=1, high=32),
        Knob("band", "band", (0.8, 0.95), "similarity band of decoys to the target (rapidfuzz score / 100)",
             low=0.0, high=0.99),
        Knob("metric", "choice", "ratio", "rapidfuzz score: ratio (whole string) or partial_ratio (best window)",
             choices=METRICS),
    )

    def apply(self, draft: Draft, ctx: ComposeContext) -> None:
        knobs = ctx.knobs
        rng = ctx.rng
        band = (float(knobs["band"][0]), float(knobs["band"][1]))
        taken = set(draft.anchors.values())
        for t, target in enumerate(draft.target_anchors()):
            text = draft.anchor_text(target)
            decoys = near_duplicates(ctx.anchor_style, text, int(knobs["decoys"]), band, rng.child("decoys", t),
                                     taken, metric=knobs["metric"])
            avoid = draft.target_answers(target)
            for d, decoy in enumerate(decoys):
                taken.add(decoy)
                decoy_id = draft.new_anchor(decoy)
                draft.mark_lookalike(decoy_id, target, band, knobs["metric"])
                r = rng.child("place", t, d)
                doc = r.below(len(draft.documents))
                draft.add(doc, decoy_id, ctx.question(r.child("question"), avoid=avoid), r.random(), role="decoy")
