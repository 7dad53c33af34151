"""``abr/multi-source``: global integration (paper §2.1, Appendix A.3).

One problem is split into labelled fragments — setup, conditions, sub-questions — all under the same anchor
and scattered over the documents; the answer needs every fragment. Decoy problems of the same kind sit
under other anchors (optionally near-duplicates of the target anchor), so a reader who gathers fragments
by resemblance, or stops at the first fragment, assembles the wrong problem. The answer program is
``solve(assemble(anchor))``: ``abr verify`` re-assembles the fragments it reads in the prompt and re-solves
the problem with the bank's own solver.
"""

from __future__ import annotations

from abr.anchors import near_duplicates
from abr.blueprint import ComposeContext, Composition, Draft
from abr.components import Skill
from abr.errors import AbrError
from abr.knobs import Knob
from abr.multipart import MultipartBank, MultipartProblem
from abr.plugins.skills.placement import level, locate, scaled, spread_documents, stratified
from abr.rng import Rng

PHRASINGS = (
    "Please assemble the problem whose parts follow the anchor {anchor} and answer it.",
    "The anchor {anchor} is followed by one part of a problem in several places; the parts are labelled '(part k of "
    "n)'. Put the parts together in order and answer the problem's final question.",
    "Collect every part that follows {anchor} across the documents, reconstruct the full problem, and solve it.",
    "Several documents contain pieces of a single problem, each after the anchor {anchor}. Reassemble the problem "
    "and give the answer to its last question.",
)
DECOY_BAND = (0.75, 0.9)


class MultiSource(Skill):
    name = "multi-source"
    version = 1
    description = "Reassemble one problem from fragments under one anchor across documents, then solve it"
    default_question_bank = "abr/multipart-story"
    knobs = (
        Knob("parts", "int", 3, "fragments of the problem: setup, conditions, sub-questions", low=3, high=8),
        Knob("documents", "int", 4, "documents the context is split into", low=1, high=64),
        Knob("decoy_problems", "int", 1, "other problems of the same kind under other anchors", low=0, high=6),
        Knob("decoy_anchors", "choice", "similar", "decoy problems' anchors: fresh, or similar (near-duplicates of "
             "the target anchor, similarity 0.75-0.9)", choices=("fresh", "similar")),
        Knob("order", "choice", "shuffled", "fragments in part order through the context, or shuffled",
             choices=("in-order", "shuffled")),
        Knob("difficulty", "float", 0.3, "difficulty (number sizes) of the problems (0 easy .. 1 hard)", low=0.0,
             high=1.0),
    )

    def compose(self, ctx: ComposeContext) -> Composition:
        bank = ctx.bank
        if not isinstance(bank, MultipartBank):
            known = ", ".join(e.qualified for e in ctx.registry.entries("question_bank")
                              if isinstance(e.obj, MultipartBank)) or "none installed"
            raise AbrError(f"abr/{self.name} needs a multi-part question bank, but {ctx.bank_name} writes single "
                           f"questions; choose one with --question-bank ({known})")
        k, rng = ctx.knobs, ctx.rng
        parts, n_docs, n_decoys = int(k["parts"]), int(k["documents"]), int(k["decoy_problems"])
        bank.check_parts(parts)
        level_q = float(k["difficulty"])
        draft = ctx.new_draft(n_docs)
        target_text = ctx.anchors(rng.child("anchors"), 1)[0]
        target = draft.new_anchor(target_text)
        problem = bank.problem(rng.child("problem"), level_q, parts)
        draft.set_assembled(target, problem.question)
        _scatter(draft, bank, problem, target, rng.child("scatter"), ctx.depth, k["order"], "fragment")
        taken = {target_text}
        if k["decoy_anchors"] == "similar" and n_decoys:
            decoy_texts = near_duplicates(ctx.anchor_style, target_text, n_decoys, DECOY_BAND, rng.child("similar"),
                                          taken)
        else:
            decoy_texts = ctx.anchors(rng.child("decoy-anchors"), n_decoys, taken)
        depths = stratified(rng.child("decoy-depths"), n_decoys)
        for i, (text, depth) in enumerate(zip(decoy_texts, depths)):
            decoy = draft.new_anchor(text)
            if k["decoy_anchors"] == "similar":
                draft.mark_lookalike(decoy, target, DECOY_BAND)
            other = _other_problem(bank, rng.child("decoy-problem", i), level_q, parts, problem.question.answer)
            draft.set_assembled(decoy, other.question)
            _scatter(draft, bank, other, decoy, rng.child("decoy-scatter", i), depth, "shuffled", "decoy")
        return Composition(
            draft=draft, question=rng.child("phrasing").choice(PHRASINGS).format(anchor=target_text),
            program=["solve", ["assemble", target]],
            difficulty={"parts": parts, "documents": n_docs, "decoy_problems": n_decoys,
                        "decoy_anchors": k["decoy_anchors"], "order": k["order"], "depth": round(ctx.depth, 4),
                        "question": level_q,
                        "level": level(scaled(parts, 3, 8), scaled(n_decoys, 0, 6),
                                       float(k["decoy_anchors"] == "similar"), float(k["order"] == "shuffled"),
                                       level_q)},
            answer_type=problem.question.answer_type, rule=problem.question.rule,
        )


def _scatter(draft: Draft, bank: MultipartBank, problem: MultipartProblem, anchor: str, rng: Rng, depth: float,
             order: str, role: str) -> None:
    """Fragments over as many documents as possible; the first at ``depth``, in part order or shuffled."""
    fragments = bank.split(problem)
    n_docs = len(draft.documents)
    first_doc, first_pos = locate(depth, n_docs)
    docs = [first_doc, *[d for d in spread_documents(rng.child("docs"), len(fragments), n_docs) if d != first_doc]]
    docs = (docs + spread_documents(rng.child("more"), len(fragments), n_docs))[:len(fragments)]
    spots = [(docs[0], first_pos), *((d, rng.child("pos", i).random()) for i, d in enumerate(docs[1:]))]
    if order == "in-order":
        spots = [spots[0], *sorted(spots[1:])] if spots[0] <= min(spots) else sorted(spots)
    else:
        spots = [spots[0], *rng.child("shuffle").shuffled(spots[1:])]
    for text, (doc, pos) in zip(fragments, spots):
        draft.add_fragment(doc, anchor, text, pos, role=role)


def _other_problem(bank: MultipartBank, rng: Rng, difficulty: float, parts: int, avoid: str) -> MultipartProblem:
    for attempt in range(50):
        other = bank.problem(rng.child(attempt), difficulty, parts)
        if other.question.answer != avoid:
            return other
    raise AbrError(f"question bank {bank.name} keeps giving the answer {avoid}; use a bank with more varied answers")
