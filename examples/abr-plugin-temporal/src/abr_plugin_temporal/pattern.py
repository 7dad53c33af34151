"""``temporal/temporal-update``: superseded values — the same anchor in earlier documents, each time with
another question, as if the record had been updated over time.

When the documents are read as a chronological log, an anchor's value is the one in the last document that
holds it; every earlier occurrence is stale. For an anchor the skill scopes (its program names the anchor
together with a document, e.g. ``Q(a, last(docs(a)))``), the pattern adds up to ``updates`` stale versions,
one per earlier document that does not hold the anchor yet, so the last occurrence — and the gold answer —
never moves. Skills that name their target without a document get a fresh anchor with a history of its
own instead (``updates`` + 1 versions in distinct documents), so the pattern composes with any skill.
Every version's answer differs from the targets' and from the anchor's other versions.
"""

from __future__ import annotations

from abr.blueprint import ComposeContext, Draft
from abr.components import InterferencePattern
from abr.knobs import Knob
from abr.rng import Rng


class TemporalUpdate(InterferencePattern):
    name = "temporal-update"
    version = 1
    description = "Adds superseded values of an anchor in earlier documents (a later document overrides them)"
    knobs = (Knob("updates", "int", 2, "stale versions per anchor, at most one per earlier document", low=1,
                  high=16),)

    def apply(self, draft: Draft, ctx: ComposeContext) -> None:
        updates = int(ctx.knobs["updates"])
        added = 0
        for t, anchor in enumerate(a for a in draft.target_anchors() if a in draft.scoped):
            held = {p.doc for p in draft.pairs if p.anchor == anchor}
            earlier = [d for d in range(max(held)) if d not in held]
            added += _history(draft, ctx, ctx.rng.child("stale", t), anchor, earlier, updates)
        if added == 0 and len(draft.documents) > 1:
            text = ctx.anchors(ctx.rng.child("anchor"), 1, set(draft.anchors.values()))[0]
            _history(draft, ctx, ctx.rng.child("fresh"), draft.new_anchor(text), range(len(draft.documents)),
                     updates + 1)


def _history(draft: Draft, ctx: ComposeContext, rng: Rng, anchor: str, documents: range | list[int],
             versions: int) -> int:
    """Up to ``versions`` occurrences of ``anchor`` in distinct ``documents``, each with a fresh answer."""
    chosen = sorted(rng.sample(list(documents), min(versions, len(documents))))
    avoid = draft.target_answers() | {p.question.answer for p in draft.pairs
                                      if p.anchor == anchor and p.question is not None}
    for i, doc in enumerate(chosen):
        question = ctx.question(rng.child("question", i), avoid=avoid)
        avoid.add(question.answer)
        draft.add(doc, anchor, question, rng.child("position", i).random(), role="decoy")
    return len(chosen)
