"""``abr/multi-hop``: chains where one anchor's answer names the next anchor to look up.

The meta-question carries a directory of ten anchors numbered 0-9 and a start anchor. The last digit of
the answer to an anchor's question is the number of the next anchor; after ``hops`` such steps the answer
is the answer of the anchor reached. Every directory entry is in the context with its own question, whose
answer again names an entry, so a single wrong step continues along a decoy chain to another answer (no
other anchor's answer equals the gold one). The true path never revisits an entry: the hop answers end in
distinct digits. The program follows the chain with ``nth(directory, |answer| mod 10)``, so the path is
re-derived from the questions, never stored.
"""

from __future__ import annotations

from typing import Any

from abr.blueprint import ComposeContext, Composition
from abr.components import Question, Skill
from abr.errors import AbrError
from abr.knobs import Knob
from abr.plugins.skills.placement import level, locate, scaled, stratified
from abr.program import parse_value
from abr.rng import Rng

DIRECTORY = 10
_DIGIT_TRIES = 400

PHRASINGS = (
    "The anchors below are numbered 0 to 9. Start at anchor {start}. Solve the question that follows it: the last "
    "digit of the answer is the number of the next anchor to visit. Make {hops} such {hop_word}, then answer the "
    "question that follows the anchor you reach.\n{directory}",
    "Follow a chain of anchors. Begin with {start}; each time, solve the question after the current anchor and use "
    "the last digit of its answer as the number, in the list below, of the next anchor. After {hops} {hop_word}, "
    "give the answer to the question of the anchor you have arrived at.\n{directory}",
    "Anchor directory:\n{directory}\nFrom anchor {start}, hop {hops} {times}: the next anchor is the directory entry "
    "whose number is the last digit of the answer to the current anchor's question. What is the answer to the "
    "question of the final anchor?",
)


class MultiHop(Skill):
    name = "multi-hop"
    version = 1
    description = "Follow a chain of anchors, each answer's last digit naming the next, with decoy chains"
    knobs = (
        Knob("hops", "int", 3, "hops along the chain (the reasoning depth)", low=1, high=8),
        Knob("documents", "int", 4, "documents the context is split into", low=1, high=64),
        Knob("fillers", "int", 2, "unrelated anchor-question pairs outside the directory: the anchor density",
             low=0, high=64),
        Knob("difficulty", "float", 0.3, "difficulty of the embedded questions (0 easy .. 1 hard)", low=0.0,
             high=1.0),
    )

    def compose(self, ctx: ComposeContext) -> Composition:
        ctx.require_answer_types(f"abr/{self.name}", ("integer",))
        k, rng = ctx.knobs, ctx.rng
        hops, n_docs = int(k["hops"]), int(k["documents"])
        draft = ctx.new_draft(n_docs)
        texts = ctx.anchors(rng.child("anchors"), DIRECTORY + int(k["fillers"]))
        ids = [draft.new_anchor(t) for t in texts]
        directory = ids[:DIRECTORY]
        final = ctx.question(rng.child("question", "final"))
        path, hop_questions = _chain(ctx, rng.child("chain"), hops, final.answer)
        questions: dict[int, Question] = {path[-1]: final, **dict(zip(path, hop_questions))}
        decoys = [i for i in range(DIRECTORY) if i not in path]
        for j, here in enumerate(decoys):
            questions[here] = ctx.question(rng.child("question", "decoy", j), avoid={final.answer})
        order = [path[0], *rng.child("order").shuffled([i for i in range(DIRECTORY) if i != path[0]])]
        depths = [ctx.depth, *rng.child("depth-order").shuffled(stratified(rng.child("depths"), DIRECTORY - 1))]
        for entry, depth in zip(order, depths):
            d, pos = locate(depth, n_docs)
            draft.add(d, directory[entry], questions[entry], pos, role="target" if entry in path else "decoy")
        fillers = ids[DIRECTORY:]
        for i, (aid, depth) in enumerate(zip(fillers, stratified(rng.child("filler-depths"), len(fillers)))):
            d, pos = locate(depth, n_docs)
            draft.add(d, aid, ctx.question(rng.child("filler", i), avoid={final.answer}), pos)
        node: Any = directory[path[0]]
        for _ in range(hops):
            node = ["nth", ["var", "directory"], ["mod", ["abs", ["solve", ["Q", node]]], DIRECTORY]]
        program = ["let", "directory", ["list", *directory], ["solve", ["Q", node]]]
        table = "\n".join(f"{i}: {texts[i]}" for i in range(DIRECTORY))
        phrasing = rng.child("phrasing").choice(PHRASINGS)
        question = phrasing.format(start=texts[path[0]], hops=hops, hop_word="hop" if hops == 1 else "hops",
                                   times="time" if hops == 1 else "times", directory=table)
        return Composition(
            draft=draft, question=question, program=program,
            difficulty={"hops": hops, "documents": n_docs, "fillers": int(k["fillers"]),
                        "decoy_entries": len(decoys), "depth": round(ctx.depth, 4),
                        "question": float(k["difficulty"]),
                        "level": level(scaled(hops, 1, 8), scaled(n_docs, 1, 16), float(k["difficulty"]))},
            answer_type=final.answer_type, rule=final.rule,
        )


def _chain(ctx: ComposeContext, rng: Rng, hops: int, final: str) -> tuple[list[int], list[Question]]:
    """The path of directory numbers and the questions of its first ``hops`` anchors: the last digits of their
    answers must be distinct, and each names the next entry of the path; the start is a number none names."""
    questions: list[Question] = []
    digits: list[int] = []
    for step in range(hops):
        for attempt in range(_DIGIT_TRIES):
            q = ctx.question(rng.child("hop", step, attempt), avoid={final})
            value = parse_value(q.answer, q.answer_type)
            if isinstance(value, int) and abs(value) % DIRECTORY not in digits:
                questions.append(q)
                digits.append(abs(value) % DIRECTORY)
                break
        else:
            raise AbrError(f"question bank {ctx.bank_name} did not give {hops} integer answers with different last "
                           f"digits in {_DIGIT_TRIES} draws; abr/multi-hop needs varied integer answers "
                           f"(--question-bank)")
    start = rng.child("start").choice([d for d in range(DIRECTORY) if d not in digits])
    return [start, *digits], questions
