"""``abr/lure-questions``: decoy pairs next to each target whose questions are near copies of the target's —
the same template with nearby numbers — and whose answers differ.

The lure's question is the target's text with each number moved a little; its answer comes from the bank's
own ``solve``, so it is exact, and a lure the bank cannot solve (or whose answer would equal the target's,
or is not of the target's answer type) is redrawn. Banks without numbers in their questions fall back to a
fresh question of the bank. A multi-part target gets lure fragments: one of its fragments, label kept,
numbers moved, under another anchor.
"""

from __future__ import annotations

import re

from abr.blueprint import ComposeContext, Draft
from abr.components import InterferencePattern, Question
from abr.errors import AbrError
from abr.knobs import Knob
from abr.program import parse_value
from abr.rng import Rng

_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")
_TRIES = 40


class LureQuestions(InterferencePattern):
    name = "lure-questions"
    version = 1
    description = "Adds pairs near each target whose questions copy the target's with nearby numbers"
    knobs = (
        Knob("lures", "int", 2, "lure pairs per target", low=1, high=16),
        Knob("distance", "float", 0.15, "how far from the target a lure may sit (fraction of its document)",
             low=0.0, high=1.0),
    )

    def apply(self, draft: Draft, ctx: ComposeContext) -> None:
        rng = ctx.rng
        taken = set(draft.anchors.values())
        for t, anchor in enumerate(draft.target_anchors()):
            placed = [p for p in draft.pairs if p.anchor == anchor and p.role in ("target", "fragment")]
            texts = ctx.anchors(rng.child("anchors", t), int(ctx.knobs["lures"]), taken)
            for i, text in enumerate(texts):
                taken.add(text)
                r = rng.child("lure", t, i)
                model = placed[r.below(len(placed))]
                offset = (2 * r.child("offset").random() - 1) * float(ctx.knobs["distance"])
                position = min(1.0, max(0.0, model.position + offset))
                lure_id = draft.new_anchor(text)
                if model.question is None:
                    draft.add_fragment(model.doc, lure_id, _nudge(model.text, r.child("fragment"), keep=2),
                                       position, role="decoy")
                else:
                    draft.add(model.doc, lure_id, lure(ctx, model.question, r), position, role="decoy")


def lure(ctx: ComposeContext, original: Question, rng: Rng) -> Question:
    """The original question with its numbers nudged, answered by the bank; a fresh question as a fallback."""
    if _NUMBER.search(original.text):
        for attempt in range(_TRIES):
            text = _nudge(original.text, rng.child(attempt))
            if text == original.text:
                continue
            try:
                answer = ctx.bank.solve(text)
                parse_value(answer, original.answer_type)
            except (AbrError, ValueError, ArithmeticError):  # a nudged text the bank cannot answer: redraw
                continue
            if answer != original.answer:
                return Question(text, answer, original.answer_type, original.difficulty, original.rule)
    return ctx.question(rng.child("fresh"), avoid={original.answer})


def _nudge(text: str, rng: Rng, keep: int = 0) -> str:
    """Each number (after the first ``keep``, e.g. a part label's) moved by a small step: never below 1,
    never to the same value."""
    seen = 0

    def move(m: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        if seen <= keep:
            return m.group(0)
        n = int(m.group(0))
        step = 1 + rng.below(max(1, min(3, n // 10 + 1)))
        return str(n + step if n - step < 1 or rng.chance(0.5) else n - step)

    return _NUMBER.sub(move, text)
