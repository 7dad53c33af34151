"""``abr/logic``: relational reasoning over which documents hold which anchors (paper §2.1, Appendix A.4).

Variants, each a question about the document mapping rather than about any one pair:

- ``set``: a chain of ``ops`` set operations (∩, ∖, ∪) over ``docs(anchor)`` leaves exactly one document; the
  answer is the question of an anchor that also occurs, as a trap, in other documents;
- ``frequency``: the one anchor of a document that occurs nowhere else, or the first anchor of the whole
  context that occurs only once;
- ``ranking``: the document with the most (or fewest) pairs selects which copy of an anchor counts;
- ``position``: the once-occurring anchor right before the last (or after the first) once-occurring anchor of
  a document, with duplicates placed so that ignoring them gives another pair;
- ``composite``: the paper's case — frequency, ranking and position in one question.

Every construction is checked by the program itself: ``only`` needs exactly one document, ``argmax`` a
unique winner, ``Q`` a single pair. Extra ``fillers`` (once-occurring anchors) and ``traps`` (anchors in
two or three documents) add noise where they cannot change the answer.
"""

from __future__ import annotations

from typing import Any

import attrs
from abr.blueprint import ComposeContext, Composition, Draft
from abr.components import Skill
from abr.errors import AbrError
from abr.knobs import Knob
from abr.plugins.skills.placement import level, locate, positions, scaled
from abr.rng import Rng

VARIANTS = ("set", "frequency", "ranking", "position", "composite")
_OPS = ("intersect", "difference", "union")
_SET_TRIES = 2000
_ONCE = ["eq", ["occurrences", ["var", "a"]], 1]


@attrs.define
class _Layout:
    """Anchor ids per document in reading order; ``target`` is (document, index) of the pair that counts."""

    docs: list[list[str]]
    target: tuple[int, int] = (0, 0)

    def count(self, anchor: str) -> int:
        return sum(d.count(anchor) for d in self.docs)

    def holders(self, anchor: str) -> list[int]:
        return [i for i, d in enumerate(self.docs) if anchor in d]


class Logic(Skill):
    name = "logic"
    version = 1
    description = "Relational reasoning over which documents hold which anchors: set operations, frequency, " \
                  "ranking, position"
    knobs = (
        Knob("variant", "choice", "mixed", "set, frequency, ranking, position, composite, or mixed (drawn per sample)",
             choices=(*VARIANTS, "mixed")),
        Knob("ops", "int", 2, "set: set operations in the chain (the reasoning depth)", low=1, high=4),
        Knob("documents", "int", 4, "documents the context is split into", low=2, high=16),
        Knob("fillers", "int", 4, "extra anchors that occur once: the anchor density", low=0, high=32),
        Knob("traps", "int", 3, "extra anchors duplicated across two or three documents", low=0, high=16),
        Knob("difficulty", "float", 0.3, "difficulty of the embedded questions (0 easy .. 1 hard)", low=0.0,
             high=1.0),
    )

    def compose(self, ctx: ComposeContext) -> Composition:
        k, rng = ctx.knobs, ctx.rng
        variant = k["variant"] if k["variant"] != "mixed" else rng.child("variant").choice(VARIANTS)
        n_docs = int(k["documents"])
        draft = ctx.new_draft(n_docs)
        made = _Maker(ctx, draft)
        home, _ = locate(ctx.depth, n_docs)
        build = {"set": _set, "frequency": _frequency, "ranking": _ranking, "position": _position,
                 "composite": _composite}[variant]
        layout, question, program, shape = build(made, rng.child(variant), home, k)
        _place(made, layout, rng.child("place"))
        depth_of_reasoning = shape.get("ops", {"frequency": 1, "ranking": 2, "position": 2, "composite": 3}
                                       .get(variant, 1))
        return Composition(
            draft=draft, question=question, program=program,
            difficulty={"variant": variant, "reasoning_depth": depth_of_reasoning, "documents": n_docs,
                        "pairs": sum(len(d) for d in layout.docs), "fillers": int(k["fillers"]),
                        "traps": int(k["traps"]), "depth": round(ctx.depth, 4), "question": float(k["difficulty"]),
                        **shape,
                        "level": level(scaled(depth_of_reasoning, 1, 4), scaled(n_docs, 2, 16),
                                       scaled(int(k["traps"]), 0, 16), float(k["difficulty"]))},
            answer_type=made.answer_type(layout), rule=made.rule(layout),
        )


class _Maker:
    """Fresh anchors for one sample, and the questions of a finished layout (the target's drawn first)."""

    BATCH = 16

    def __init__(self, ctx: ComposeContext, draft: Draft) -> None:
        self.ctx, self.draft = ctx, draft
        self.rng = ctx.rng.child("anchors")
        self.pool: list[str] = []
        self.batches = 0

    def anchor(self) -> str:
        """A fresh anchor (drawn in batches: one stream per batch keeps the draws cheap and reproducible)."""
        if not self.pool:
            taken = set(self.draft.anchors.values())
            self.pool = self.ctx.anchors(self.rng.child(self.batches), self.BATCH, taken)[::-1]
            self.batches += 1
        return self.draft.new_anchor(self.pool.pop())

    def blank(self) -> _Layout:
        """An empty layout over the sample's documents."""
        return _Layout([[] for _ in self.draft.documents])

    def questions(self, layout: _Layout) -> dict[tuple[int, int], Any]:
        rng = self.ctx.rng.child("questions")
        d, i = layout.target
        target = self.ctx.question(rng.child("target"))
        out = {(d, i): target}
        for doc, anchors in enumerate(layout.docs):
            for j, _ in enumerate(anchors):
                if (doc, j) not in out:
                    out[(doc, j)] = self.ctx.question(rng.child(doc, j), avoid={target.answer})
        self._questions = out
        return out

    def answer_type(self, layout: _Layout) -> str:
        return str(self._questions[layout.target].answer_type)

    def rule(self, layout: _Layout) -> Any:
        return self._questions[layout.target].rule


def _place(made: _Maker, layout: _Layout, rng: Rng) -> None:
    questions = made.questions(layout)
    target_doc, target_i = layout.target
    target_anchor = layout.docs[target_doc][target_i]
    for doc, anchors in enumerate(layout.docs):
        for j, (anchor, pos) in enumerate(zip(anchors, positions(rng.child(doc), len(anchors)))):
            role = "target" if (doc, j) == layout.target else "decoy" if anchor == target_anchor else "filler"
            made.draft.add(doc, anchor, questions[(doc, j)], pos, role=role)


def _extras(made: _Maker, layout: _Layout, rng: Rng, k: Any, keep_out: set[int]) -> None:
    """Add the ``fillers`` (once) and ``traps`` (two or three documents) to documents not in ``keep_out``."""
    open_docs = [d for d in range(len(layout.docs)) if d not in keep_out]
    if not open_docs:
        return
    r = rng.child("fillers")
    for _ in range(int(k["fillers"])):
        _insert(layout, open_docs[r.below(len(open_docs))], made.anchor(), r)
    r = rng.child("traps")
    for _ in range(int(k["traps"]) if len(open_docs) >= 2 else 0):
        anchor = made.anchor()
        for doc in r.sample(open_docs, min(len(open_docs), 2 + r.below(2))):
            _insert(layout, doc, anchor, r)


def _insert(layout: _Layout, doc: int, anchor: str, rng: Rng) -> None:
    """Insert at a random place in a document, keeping the target's index pointing at the target."""
    at = rng.below(len(layout.docs[doc]) + 1)
    layout.docs[doc].insert(at, anchor)
    t_doc, t_i = layout.target
    if t_doc == doc and at <= t_i:
        layout.target = (t_doc, t_i + 1)


def _trap_copies(made: _Maker, layout: _Layout, rng: Rng, anchor: str, home: int) -> None:
    """Copies of ``anchor`` in one or two documents other than ``home``."""
    others = [d for d in range(len(layout.docs)) if d != home]
    for doc in rng.sample(others, min(len(others), 1 + rng.below(2))):
        _insert(layout, doc, anchor, rng)


# ---------------------------------------------------------------------------------------------------------
# set: docs(X0) op docs(X1) op ... leaves exactly one document

_STEP = {"intersect": "keep only those that also contain {a}", "difference": "remove those that contain {a}",
         "union": "add the documents that contain {a}"}
SET_ONE = {
    "intersect": ("In the document that contains both {x} and {y}, answer the question that follows {w}.",
                  "Exactly one document contains both {x} and {y}. What is the answer to the question after {w} in "
                  "that document?"),
    "difference": ("In the document that contains {x} but not {y}, answer the question that follows {w}.",
                   "Exactly one document contains {x} and does not contain {y}. What is the answer to the question "
                   "after {w} in that document?"),
}


def _set(made: _Maker, rng: Rng, home: int, k: Any) -> tuple[_Layout, str, Any, dict[str, Any]]:
    n, ops = len(made.draft.documents), int(k["ops"])
    chain = _set_chain(rng, n, ops, home)
    layout = made.blank()
    names = []
    for docs in chain[1]:
        anchor = made.anchor()
        names.append(anchor)
        for d in docs:
            _insert(layout, d, anchor, rng.child("x", anchor, d))
    target = made.anchor()
    _insert(layout, home, target, rng.child("w"))
    layout.target = (home, layout.docs[home].index(target))
    _trap_copies(made, layout, rng.child("w-copies"), target, home)
    _extras(made, layout, rng.child("extras"), k, set())
    layout.target = (home, layout.docs[home].index(target))
    expr: Any = ["docs", names[0]]
    for op, name in zip(chain[0], names[1:]):
        expr = [op, expr, ["docs", name]]
    text = made.draft.anchor_text
    if ops == 1:
        question = rng.child("phrasing").choice(SET_ONE[chain[0][0]]).format(
            x=text(names[0]), y=text(names[1]), w=text(target))
    else:
        steps = [_STEP[op].format(a=text(a)) for op, a in zip(chain[0], names[1:])]
        question = (f"Start with the documents that contain {text(names[0])}; " + "; then ".join(steps)
                    + f". Exactly one document remains: answer the question that follows {text(target)} in it.")
    made.draft.scope(target)
    return layout, question, ["solve", ["Q", target, ["only", expr]]], {"ops": ops}


def _set_chain(rng: Rng, n: int, ops: int, home: int) -> tuple[list[str], list[list[int]]]:
    """Operations and operand document sets whose left-to-right evaluation is exactly {home}, every step
    changing the running set and the first operand holding two or more documents.

    Built backwards from {home}: before an intersection or a difference the running set was larger (the
    operand keeps or removes the difference), before a union it was a proper part of it; operands also hold
    documents outside the running set, so no operand gives the answer away on its own."""
    docs = list(range(n))
    for attempt in range(_SET_TRIES):
        r = rng.child("chain", attempt)
        current = {home}
        chosen: list[str] = []
        operands: list[list[int]] = []
        for step in range(ops, 0, -1):
            rs = r.child(step)
            outside = [d for d in docs if d not in current]
            feasible = [op for op in _OPS if (op != "union" and outside) or (op == "union" and len(current) >= 2
                                                                               and step > 1)]
            if not feasible:
                break
            op = rs.choice(feasible)
            if op == "union":
                keep = set(rs.sample(sorted(current), 1 + rs.child("keep").below(len(current) - 1)))
                operand = (current - keep) | set(rs.child("overlap").sample(sorted(keep), rs.child("k").below(
                    len(keep) + 1)))
                before = keep
            else:
                extra = set(rs.sample(outside, 1 + rs.child("extra").below(min(2, len(outside)))))
                before = current | extra
                rest = [d for d in docs if d not in before]
                noise = set(rs.child("noise").sample(rest, rs.child("n").below(len(rest) + 1)))
                operand = (current if op == "intersect" else extra) | noise
            chosen.insert(0, op)
            operands.insert(0, sorted(operand))
            current = before
        else:
            if len(current) >= 2:
                return chosen, [sorted(current), *operands]
    raise AbrError(f"logic: cannot build a chain of {ops} set operations over {n} documents; raise --knob "
                   f"documents or lower --knob ops")


# ---------------------------------------------------------------------------------------------------------
# frequency

FREQ_DOC = ("Exactly one anchor in document {d} occurs nowhere else in the documents. Answer the question that "
            "follows it.",
            "Every anchor of document {d} but one also appears in some other document. Find the one that does not, "
            "and answer its question.")
FREQ_FIRST = ("Of the anchors that occur exactly once across all documents, take the one that appears first. "
              "Answer the question that follows it.",
              "Some anchors occur several times. Which anchor is the first, in reading order, to occur only once in "
              "the whole context? Answer the question that follows it.")


def _frequency(made: _Maker, rng: Rng, home: int, k: Any) -> tuple[_Layout, str, Any, dict[str, Any]]:
    layout = made.blank()
    if rng.child("form").chance(0.5):
        target = made.anchor()
        _insert(layout, home, target, rng)
        for i in range(1 + rng.child("traps-here").below(3)):
            trap = made.anchor()
            _insert(layout, home, trap, rng.child("trap", i))
            _trap_copies(made, layout, rng.child("trap-copies", i), trap, home)
        _extras(made, layout, rng.child("extras"), k, {home})
        layout.target = (home, layout.docs[home].index(target))
        question = rng.child("phrasing").choice(FREQ_DOC).format(d=home + 1)
        program = ["solve", ["Q", ["only", ["filter", "a", ["anchors", made.draft.documents[home].id], _ONCE]]]]
        return layout, question, program, {"form": "document"}
    # the first once-occurring anchor, preceded in reading order by duplicates
    lead = made.anchor()
    layout.docs[0].append(lead)
    _trap_copies(made, layout, rng.child("lead"), lead, 0)
    _insert(layout, home, made.anchor(), rng.child("target"))
    _extras(made, layout, rng.child("extras"), k, set())
    layout.docs[0].remove(lead)
    layout.docs[0].insert(0, lead)  # a duplicate opens the context, whatever the extras added
    first_once = next(a for d in layout.docs for a in d if layout.count(a) == 1)
    doc = next(i for i, d in enumerate(layout.docs) if first_once in d)
    layout.target = (doc, layout.docs[doc].index(first_once))
    question = rng.child("phrasing").choice(FREQ_FIRST)
    program = ["solve", ["Q", ["first", ["filter", "a", ["all_anchors"], _ONCE]]]]
    return layout, question, program, {"form": "first"}


# ---------------------------------------------------------------------------------------------------------
# ranking

RANK = {
    "most": ("Find the document with the most anchor-question pairs. In it, answer the question that follows {w}.",
             "The anchor {w} appears in several documents. Answer the question that follows it in the document "
             "that holds the largest number of anchors."),
    "fewest": ("Find the document with the fewest anchor-question pairs. In it, answer the question that follows "
               "{w}.",
               "The anchor {w} appears in several documents. Answer the question that follows it in the document "
               "that holds the smallest number of anchors."),
}


def _ranking(made: _Maker, rng: Rng, home: int, k: Any) -> tuple[_Layout, str, Any, dict[str, Any]]:
    layout = made.blank()
    way = "most" if rng.child("form").chance(0.5) else "fewest"
    target = made.anchor()
    _insert(layout, home, target, rng)
    _trap_copies(made, layout, rng.child("copies"), target, home)
    _extras(made, layout, rng.child("extras"), k, {home} if way == "fewest" else set())
    _rank(made, layout, home, way, rng.child("rank"))
    layout.target = (home, layout.docs[home].index(target))
    question = rng.child("phrasing").choice(RANK[way]).format(w=made.draft.anchor_text(target))
    made.draft.scope(target)
    pick = "argmax" if way == "most" else "argmin"
    program = ["solve", ["Q", target, [pick, "d", ["all_docs"], ["count", ["anchors", ["var", "d"]]]]]]
    return layout, question, program, {"form": way}


def _rank(made: _Maker, layout: _Layout, home: int, way: str, rng: Rng) -> None:
    """Top up documents with once-occurring anchors until ``home`` alone has the most (fewest) pairs."""
    sizes = [len(d) for d in layout.docs]
    if way == "most":
        need = max(s for i, s in enumerate(sizes) if i != home) + 1 - sizes[home]
        for i in range(max(0, need)):
            _insert(layout, home, made.anchor(), rng.child("top", i))
        return
    for doc, size in enumerate(sizes):
        for i in range(max(0, sizes[home] + 1 - size) if doc != home else 0):
            _insert(layout, doc, made.anchor(), rng.child("top", doc, i))


# ---------------------------------------------------------------------------------------------------------
# position, composite

POSITION = {
    "before": ("In document {d}, find the last anchor that occurs only once in the whole context. Answer the "
               "question that follows the once-occurring anchor immediately before it.",
               "Consider only the anchors of document {d} that appear nowhere else. Answer the question of the "
               "second-to-last of them."),
    "after": ("In document {d}, find the first anchor that occurs only once in the whole context. Answer the "
              "question that follows the once-occurring anchor immediately after it.",
              "Consider only the anchors of document {d} that appear nowhere else. Answer the question of the second "
              "of them."),
}
COMPOSITE = ("First, identify the anchors that appear only once across all documents. Find the document with the "
             "highest total count of anchors. In that document, locate the last once-occurring anchor and answer the "
             "question associated with the once-occurring anchor immediately preceding it.",
             "Which document holds the most anchors? Among its anchors that occur nowhere else, take the "
             "second-to-last in reading order, and answer the question that follows it.")


def _position(made: _Maker, rng: Rng, home: int, k: Any) -> tuple[_Layout, str, Any, dict[str, Any]]:
    layout = made.blank()
    way = "before" if rng.child("form").chance(0.5) else "after"
    target = _trapped_sequence(made, layout, rng.child("sequence"), home, way)
    _extras(made, layout, rng.child("extras"), k, {home})
    layout.target = (home, layout.docs[home].index(target))
    doc_id = made.draft.documents[home].id
    once = ["filter", "a", ["anchors", doc_id], _ONCE]
    pick = (["before", ["last", ["var", "U"]], ["var", "U"]] if way == "before"
            else ["after", ["first", ["var", "U"]], ["var", "U"]])
    question = rng.child("phrasing").choice(POSITION[way]).format(d=home + 1)
    return layout, question, ["let", "U", once, ["solve", ["Q", pick]]], {"form": way}


def _composite(made: _Maker, rng: Rng, home: int, k: Any) -> tuple[_Layout, str, Any, dict[str, Any]]:
    layout = made.blank()
    target = _trapped_sequence(made, layout, rng.child("sequence"), home, "before")
    _extras(made, layout, rng.child("extras"), k, {home})
    _rank_protected(made, layout, home, rng.child("rank"))
    layout.target = (home, layout.docs[home].index(target))
    richest = ["argmax", "d", ["all_docs"], ["count", ["anchors", ["var", "d"]]]]
    once = ["filter", "a", ["anchors", ["var", "D"]], _ONCE]
    program = ["let", "D", richest, ["let", "U", once,
                                     ["solve", ["Q", ["before", ["last", ["var", "U"]], ["var", "U"]]]]]]
    return layout, rng.child("phrasing").choice(COMPOSITE), program, {"form": "composite"}


def _trapped_sequence(made: _Maker, layout: _Layout, rng: Rng, home: int, way: str) -> str:
    """Document ``home``: 2-4 once-occurring anchors with duplicates between them, a duplicate at the far end
    and one between the target and its neighbour, so that ignoring duplicates changes the answer."""
    uniques = [made.anchor() for _ in range(2 + rng.child("uniques").below(3))]
    seq: list[str] = []
    traps = []
    for i, u in enumerate(uniques):
        if i and (i == len(uniques) - 1 or rng.child("gap", i).chance(0.4)):
            traps.append(made.anchor())
            seq.append(traps[-1])
        seq.append(u)
    traps.append(made.anchor())
    seq.append(traps[-1])
    if way == "after":
        seq.reverse()
    layout.docs[home] = seq
    for i, trap in enumerate(traps):
        _trap_copies(made, layout, rng.child("copies", i), trap, home)
    return uniques[-2]


def _rank_protected(made: _Maker, layout: _Layout, home: int, rng: Rng) -> None:
    """Make ``home`` the unique richest document with anchors that occur twice inside it (so its
    once-occurring anchors, and their order, stay as built)."""
    need = max(len(d) for j, d in enumerate(layout.docs) if j != home) + 1 - len(layout.docs[home])
    for i in range((max(0, need) + 1) // 2):
        trap = made.anchor()
        for copy in range(2):
            r = rng.child("at", i, copy)
            layout.docs[home].insert(r.below(len(layout.docs[home]) + 1), trap)
