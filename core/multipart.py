"""Multi-part problems: one problem split into labelled fragments that a reader must put back together.

A fragment is placed in the context as ``(part k of n) text``. The label makes the order recoverable
however the fragments are scattered over documents, and :func:`assemble` is the single way both the
generator and ``abr verify`` rebuild the problem from its fragments, so the verifier's re-derivation reads
exactly what a model reads.

A bank of such problems subclasses :class:`MultipartBank`: ``problem(rng, difficulty, parts)`` writes the
fragments with the project's own answer, and ``solve(text)`` re-derives that answer from the assembled text.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence

import attrs
from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.rng import Rng

_LABEL = re.compile(r"^\(part (\d+) of (\d+)\) (.+)$", re.DOTALL)
#: fragments of an assembled problem are joined with this separator, in part order
JOIN = "\n"


def label(k: int, n: int, text: str) -> str:
    """Fragment ``k`` (1-based) of ``n`` as it appears in the context."""
    return f"(part {k} of {n}) {text}"


def assemble(fragments: Sequence[str]) -> str:
    """The problem from its labelled fragments in any order; an error unless parts 1..n are each there once."""
    parts: dict[int, str] = {}
    total = None
    for text in fragments:
        m = _LABEL.match(text)
        if not m:
            raise AbrError(f"fragment {text[:50]!r} has no '(part k of n)' label")
        k, n = int(m.group(1)), int(m.group(2))
        if total is None:
            total = n
        if n != total or not 1 <= k <= n or k in parts:
            raise AbrError(f"fragment labels do not form parts 1..{total} exactly once (got part {k} of {n})")
        parts[k] = m.group(3)
    if total is None or len(parts) != total:
        raise AbrError(f"the problem has {len(parts)} of its {total or 0} parts")
    return JOIN.join(parts[k] for k in range(1, total + 1))


@attrs.frozen
class MultipartProblem:
    """The fragments of one problem in part order (unlabelled), and the assembled problem with its answer."""

    parts: tuple[str, ...]
    question: Question


class MultipartBank(QuestionBank):
    """A question bank whose problems can be split into ``min_parts``..``max_parts`` fragments."""

    min_parts: int = 3
    max_parts: int = 8

    @abstractmethod
    def problem(self, rng: Rng, difficulty: float, parts: int) -> MultipartProblem:
        """A problem in ``parts`` fragments (setup, conditions, sub-questions) whose answer needs all of them."""

    def check_parts(self, parts: int) -> None:
        """Refuse a part count outside ``min_parts``..``max_parts``."""
        if not self.min_parts <= parts <= self.max_parts:
            raise AbrError(f"question bank {self.name} writes problems of {self.min_parts}-{self.max_parts} parts; "
                           f"set --knob parts within that range (got {parts})")

    def generate(self, rng: Rng, difficulty: float) -> Question:
        """The whole problem as one question (so the bank also serves single-question skills)."""
        return self.problem(rng, difficulty, self.min_parts).question

    def split(self, problem: MultipartProblem) -> list[str]:
        """The labelled fragments as they go into the context."""
        n = len(problem.parts)
        return [label(k, n, text) for k, text in enumerate(problem.parts, 1)]


def assembled_question(parts: Sequence[str], answer: str, answer_type: str, difficulty: float) -> Question:
    """The assembled problem of ``parts`` (in part order) as a :class:`Question`."""
    n = len(parts)
    return Question(assemble([label(k, n, p) for k, p in enumerate(parts, 1)]), answer, answer_type, difficulty)
