"""``abr/niah``: foundational retrieval (paper §2.1, Appendix A.1).

``single``: one anchor–question pair at the sample's depth. ``distributed``: several pairs spread
through the context, the target being the one at the sample's depth; the model must find the named
anchor and answer its question. Every other pair's answer differs from the target's, so answering the
wrong pair — or copying the anchor — never scores.
"""

from __future__ import annotations

import math

from abr.blueprint import ComposeContext, Composition
from abr.components import Skill
from abr.knobs import Knob
from abr.plugins.skills.placement import level, locate, scaled

PHRASINGS = (
    "Please answer the question following the anchor {anchor} in the documents above.",
    "What is the answer to the question that comes right after the anchor {anchor}?",
    "Find the anchor {anchor} in the documents and answer the question attached to it.",
    "Locate {anchor} in the text and solve the question that follows it.",
)


class Niah(Skill):
    name = "niah"
    version = 2
    description = "Needle in a haystack: answer the question attached to a named anchor (single or distributed)"
    knobs = (
        Knob("variant", "choice", "distributed", "single: one pair; distributed: several pairs, target by depth",
             choices=("single", "distributed")),
        Knob("pairs", "int", 4, "anchor-question pairs in the context (distributed only): the anchor density",
             low=2, high=64),
        Knob("documents", "int", 4, "documents the context is split into", low=1, high=64),
        Knob("difficulty", "float", 0.3, "difficulty of the embedded questions (0 easy .. 1 hard)", low=0.0,
             high=1.0),
    )

    def compose(self, ctx: ComposeContext) -> Composition:
        k = ctx.knobs
        rng = ctx.rng
        pairs = 1 if k["variant"] == "single" else int(k["pairs"])
        n_docs = int(k["documents"])
        draft = ctx.new_draft(n_docs)
        anchor_texts = ctx.anchors(rng.child("anchors"), pairs)
        ids = [draft.new_anchor(a) for a in anchor_texts]
        # target at the sample depth; the others stratified over the rest of the context
        depths = [ctx.depth] + [(i + rng.child("spread").child(i).random()) / max(1, pairs - 1)
                                for i in range(pairs - 1)]
        avoid: set[str] = set()
        for i, (anchor_id, depth) in enumerate(zip(ids, depths)):
            doc, position = locate(depth, n_docs)
            question = ctx.question(rng.child("question", i), avoid=avoid)
            if i == 0:
                avoid.add(question.answer)
            draft.add(doc, anchor_id, question, position, role="target" if i == 0 else "filler")
        target = ids[0]
        target_question = draft.targets()[0].question
        assert target_question is not None
        phrasing = rng.child("phrasing").choice(PHRASINGS)
        return Composition(
            draft=draft,
            question=phrasing.format(anchor=draft.anchor_text(target)),
            program=["solve", ["Q", target]],
            difficulty={"pairs": pairs, "documents": n_docs, "depth": round(ctx.depth, 4),
                        "question": float(k["difficulty"]),
                        "level": level(scaled(math.log2(pairs), 0, 6), float(k["difficulty"]))},
            answer_type=target_question.answer_type,
            rule=target_question.rule,
        )
