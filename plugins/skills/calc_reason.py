"""``abr/calc-reason``: dynamic state tracking (paper §2.1, Appendix A.5).

A condition on the context's state — how many documents hold anchor X versus anchor Y, how often each
occurs, or which of their answers is larger — chooses one of two branches; each branch chains ``steps``
additions, subtractions, multiplications and divisions over the answers of distinct anchors, rounding every
intermediate result (half away from zero) to ``places`` decimals. Both branches are well defined (every
question they name occurs once, no division by zero) and give different results, so the condition
matters; the gold answer is the program's, with ``rule = {"places": k}``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from abr.blueprint import ComposeContext, Composition, Draft
from abr.components import Question, Skill
from abr.errors import AbrError
from abr.knobs import Knob
from abr.plugins.skills.placement import level, locate, scaled, stratified
from abr.program import evaluate, parse_value
from abr.rng import Rng

CONDITIONS = ("documents", "occurrences", "answers")
OPERATORS = ("add", "sub", "mul", "div")
MAX_MAGNITUDE = Decimal(10) ** 12
_TRIES = 40

_STEP = {"add": "add the answer for {a}", "sub": "subtract the answer for {a}",
         "mul": "multiply by the answer for {a}", "div": "divide by the answer for {a}"}
_ONE_STEP = {"add": "calculate the sum of the answers for {a} and {b}",
             "sub": "calculate the answer for {a} minus the answer for {b}",
             "mul": "calculate the product of the answers for {a} and {b}",
             "div": "calculate the answer for {a} divided by the answer for {b}"}
_CONDITION = {
    ("documents", "gt"): "If the number of documents containing {x} is greater than the number of documents "
                         "containing {y}",
    ("documents", "lt"): "If fewer documents contain {x} than contain {y}",
    ("occurrences", "gt"): "If {x} occurs more times in the documents than {y}",
    ("occurrences", "lt"): "If {x} occurs fewer times in the documents than {y}",
    ("answers", "gt"): "If the answer for {x} is greater than the answer for {y}",
    ("answers", "lt"): "If the answer for {x} is smaller than the answer for {y}",
}
_ROUNDING = {0: "Round every intermediate result and the final result to a whole number (halves away from zero).",
             1: "Round every intermediate result and the final result to 1 decimal place (halves away from zero)."}
_INTRO = ("The answer for an anchor means the answer to the question that follows it. ",
          "By \"the answer for\" an anchor we mean the solution of the question after it. ")


class CalcReason(Skill):
    name = "calc-reason"
    version = 1
    description = "A condition on the context's state picks a branch that combines several answers arithmetically"
    knobs = (
        Knob("steps", "int", 2, "operations per branch (the reasoning depth)", low=1, high=6),
        Knob("places", "int", 2, "decimals every intermediate result is rounded to", low=0, high=4),
        Knob("condition", "choice", "mixed", "what the condition compares: documents holding X and Y, their "
             "occurrences, their answers, or mixed", choices=(*CONDITIONS, "mixed")),
        Knob("division", "bool", True, "allow division (results become decimals)"),
        Knob("documents", "int", 4, "documents the context is split into", low=2, high=32),
        Knob("fillers", "int", 2, "unrelated anchor-question pairs: the anchor density", low=0, high=64),
        Knob("difficulty", "float", 0.3, "difficulty of the embedded questions (0 easy .. 1 hard)", low=0.0,
             high=1.0),
    )

    def compose(self, ctx: ComposeContext) -> Composition:
        ctx.require_answer_types(f"abr/{self.name}", ("integer", "decimal"))
        for attempt in range(_TRIES):
            rng = ctx.rng if attempt == 0 else ctx.rng.child("retry", attempt)
            made = self._attempt(ctx, rng)
            if made is not None:
                return made
        raise AbrError(f"abr/{self.name}: could not draw two distinct, well-defined branches in {_TRIES} tries "
                       f"with bank {ctx.bank_name}; lower --knob steps or use a bank with more varied answers")

    def _attempt(self, ctx: ComposeContext, rng: Rng) -> Composition | None:
        k = ctx.knobs
        steps, places, n_docs = int(k["steps"]), int(k["places"]), int(k["documents"])
        condition = k["condition"] if k["condition"] != "mixed" else rng.child("condition").choice(CONDITIONS)
        ops = OPERATORS if k["division"] else OPERATORS[:3]
        draft = ctx.new_draft(n_docs, rng=rng.child("documents"))
        texts = ctx.anchors(rng.child("anchors"), 2 * (steps + 1) + 2 + int(k["fillers"]))
        x, y = texts[:2]
        cond, words = _condition(ctx, draft, rng.child("condition"), condition, x, y)
        taken = 0 if evaluate(cond, draft.to_blueprint()) else 1
        depths = [ctx.depth, *stratified(rng.child("depths"), 2 * (steps + 1) - 1)]
        depths = [depths[0], *rng.child("order").shuffled(depths[1:])]
        branches = []
        for b in range(2):
            chosen = [rng.child("op", b, i).choice(ops) for i in range(steps)]
            questions = _operands(ctx, rng.child("questions", b), chosen, places)
            if questions is None:
                return None
            ids = []
            for i, q in enumerate(questions):
                aid = draft.new_anchor(texts[2 + b * (steps + 1) + i])
                block = 0 if b == taken else 1  # the taken branch's first operand sits at the sample depth
                d, pos = locate(depths[block * (steps + 1) + i], n_docs)
                draft.add(d, aid, q, pos, role="target" if b == taken else "decoy")
                ids.append(aid)
            branches.append((chosen, ids))
        fillers = texts[2 + 2 * (steps + 1):]
        for i, (text, depth) in enumerate(zip(fillers, stratified(rng.child("filler-depths"), len(fillers)))):
            d, pos = locate(depth, n_docs)
            draft.add(d, draft.new_anchor(text), ctx.question(rng.child("filler", i)), pos)
        program = ["if", cond, *(_chain(chosen, ids, places) for chosen, ids in branches)]
        blueprint = draft.to_blueprint()
        try:
            results = [evaluate(branch, blueprint) for branch in program[2:]]
        except AbrError:
            return None
        if results[0] == results[1] or any(abs(Decimal(r)) > MAX_MAGNITUDE for r in results):
            return None
        parts = [_describe(draft, chosen, ids) for chosen, ids in branches]
        rounding = _ROUNDING.get(places, f"Round every intermediate result and the final result to {places} "
                                         f"decimal places (halves away from zero).")
        intro = rng.child("intro").choice(_INTRO)
        question = (f"{intro}{words.format(x=x, y=y)}, {parts[0]}. Otherwise, {parts[1]}. {rounding}")
        division = any("div" in chosen for chosen, _ in branches)
        return Composition(
            draft=draft, question=question, program=program,
            difficulty={"steps": steps, "places": places, "condition": condition, "division": division,
                        "documents": n_docs, "fillers": int(k["fillers"]), "depth": round(ctx.depth, 4),
                        "question": float(k["difficulty"]),
                        "level": level(scaled(steps, 1, 6), scaled(places, 0, 4), float(division),
                                       float(k["difficulty"]))},
            rule={"places": places},
        )


def _operands(ctx: ComposeContext, rng: Rng, chosen: list[str], places: int) -> list[Question] | None:
    """One question per operand; a divisor's answer is never zero, nor zero once rounded."""
    out = []
    for i in range(len(chosen) + 1):
        q = ctx.question(rng.child(i))
        if i and chosen[i - 1] == "div":
            for redraw in range(20):
                if round(Decimal(parse_value(q.answer, q.answer_type)), places) != 0:
                    break
                q = ctx.question(rng.child(i, "redraw", redraw))
            else:
                return None
        out.append(q)
    return out


def _chain(chosen: list[str], ids: list[str], places: int) -> Any:
    node: Any = ["solve", ["Q", ids[0]]]
    for op, aid in zip(chosen, ids[1:]):
        node = ["round", [op, node, ["solve", ["Q", aid]]], places]
    return node


def _describe(draft: Draft, chosen: list[str], ids: list[str]) -> str:
    names = [draft.anchor_text(a) for a in ids]
    if len(chosen) == 1:
        return _ONE_STEP[chosen[0]].format(a=names[0], b=names[1])
    steps = ", ".join(_STEP[op].format(a=n) for op, n in zip(chosen, names[1:]))
    return f"take the answer for {names[0]}, {steps}"


def _condition(ctx: ComposeContext, draft: Draft, rng: Rng, condition: str, x: str, y: str) -> tuple[Any, str]:
    """Place X and Y so that their counts (or answers) differ; returns (condition node, its words)."""
    n_docs = len(draft.documents)
    relation = rng.child("relation").choice(("gt", "lt"))
    x_id, y_id = draft.new_anchor(x), draft.new_anchor(y)
    words = _CONDITION[(condition, relation)]
    if condition == "answers":
        qx = ctx.question(rng.child("x"))
        qy = ctx.question(rng.child("y"), avoid={qx.answer})
        for aid, q in ((x_id, qx), (y_id, qy)):
            d, pos = locate(rng.child("where", aid).random(), n_docs)
            draft.add(d, aid, q, pos)
        return [relation, ["solve", ["Q", x_id]], ["solve", ["Q", y_id]]], words
    limit = min(n_docs, 4) if condition == "documents" else 5
    counts = rng.child("counts").sample(range(1, limit + 1), 2)
    for aid, count in zip((x_id, y_id), counts):
        r = rng.child("spread", aid)
        if condition == "documents":
            docs = r.sample(range(n_docs), count)
        else:
            docs = [r.child(i).below(n_docs) for i in range(count)]
        for i, d in enumerate(docs):
            draft.add(d, aid, ctx.question(r.child("q", i)), r.child("pos", i).random())
    if condition == "documents":
        return [relation, ["count", ["docs", x_id]], ["count", ["docs", y_id]]], words
    return [relation, ["occurrences", x_id], ["occurrences", y_id]], words
