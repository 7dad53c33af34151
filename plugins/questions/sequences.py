"""``abr/sequence``: integer sequences whose rule is stated, so the answer is unique (a bare 'what comes
next?' has many defensible answers).

Kinds, easiest first: the n-th term of an arithmetic sequence, the sum of its first n terms, the n-th
term of a geometric sequence, a first-order recurrence ``a_(n+1) = p*a_n + q``, the paper's
``a_(n+1) = a_n + 2^n`` family, and a second-order recurrence ``a_(n+2) = a_(n+1) + a_n``. Difficulty
picks the kind and how far out the term is.
"""

from __future__ import annotations

import itertools
import re

from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import not_mine, pick_level
from abr.rng import Rng

_INT = r"-?\d+"
_ARITH = re.compile(rf"^The sequence (?P<terms>{_INT}(?:, {_INT})+), \.\.\. is arithmetic\. What is its (?P<n>\d+)"
                    rf"(?:st|nd|rd|th) term\?$")
_ARITH_SUM = re.compile(rf"^What is the sum of the first (?P<n>\d+) terms of the arithmetic sequence "
                        rf"(?P<terms>{_INT}(?:, {_INT})+), \.\.\.\?$")
_GEOM = re.compile(rf"^The sequence (?P<terms>{_INT}(?:, {_INT})+), \.\.\. is geometric\. What is its (?P<n>\d+)"
                   rf"(?:st|nd|rd|th) term\?$")
_LINEAR_REC = re.compile(rf"^A sequence has a_1 = (?P<a1>{_INT}) and a_\(n\+1\) = (?P<p>\d*)a_n (?P<sign>[+-]) "
                         rf"(?P<q>\d+) for n >= 1\. What is a_(?P<n>\d+)\?$")
_POWER_REC = re.compile(rf"^A sequence has a_1 = (?P<a1>{_INT}) and a_\(n\+1\) = a_n \+ (?P<b>\d+)\^n for n >= 1\. "
                        rf"What is a_(?P<n>\d+)\?$")
_SECOND_REC = re.compile(rf"^A sequence has a_1 = (?P<a1>{_INT}), a_2 = (?P<a2>{_INT}) and a_\(n\+2\) = "
                         rf"a_\(n\+1\) \+ a_n for n >= 1\. What is a_(?P<n>\d+)\?$")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _terms(text: str) -> list[int]:
    return [int(t) for t in text.split(", ")]


def _common(values: list[int], how: str) -> int:
    """The common difference or ratio the listed terms share (an error when they do not)."""
    if how == "difference":
        steps = {b - a for a, b in itertools.pairwise(values)}
    else:
        if any(v == 0 for v in values[:-1]) or any(b % a for a, b in itertools.pairwise(values)):
            raise AbrError(f"terms {values} have no integer common ratio")
        steps = {b // a for a, b in itertools.pairwise(values)}
    if len(steps) != 1:
        raise AbrError(f"terms {values} have no common {how}")
    return steps.pop()


def iterate(first: list[int], step: object, n: int) -> int:
    """a_n of a sequence given its first terms and a rule ``step(previous terms, index of the next term)``."""
    seq = list(first)
    while len(seq) < n:
        seq.append(step(seq, len(seq) + 1))  # type: ignore[operator]
    return seq[n - 1]


class Sequences(QuestionBank):
    name = "sequence"
    version = 1
    description = "Integer sequences with stated rules: n-th terms, sums, recurrences like a_(n+1) = a_n + 2^n"
    answer_types = ("integer",)

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = pick_level(difficulty, 6)
        make = (self._arithmetic, self._arithmetic_sum, self._geometric, self._linear_rec, self._power_rec,
                self._second_rec)[level]
        text = make(rng)
        return Question(text, self.solve(text), "integer", difficulty=round(level / 5, 2))

    def _arithmetic(self, rng: Rng) -> str:
        a, d, n = rng.integers(-20, 40), rng.choice([k for k in range(-9, 13) if k]), rng.integers(8, 60)
        shown = ", ".join(str(a + i * d) for i in range(4))
        return f"The sequence {shown}, ... is arithmetic. What is its {ordinal(n)} term?"

    def _arithmetic_sum(self, rng: Rng) -> str:
        a, d, n = rng.integers(-10, 30), rng.choice([k for k in range(-6, 10) if k]), rng.integers(6, 40)
        shown = ", ".join(str(a + i * d) for i in range(3))
        return f"What is the sum of the first {n} terms of the arithmetic sequence {shown}, ...?"

    def _geometric(self, rng: Rng) -> str:
        a, r = rng.choice([k for k in range(-6, 10) if k]), rng.choice((-3, -2, 2, 3, 4, 5))
        n = rng.integers(6, 10 if abs(r) <= 3 else 8)
        shown = ", ".join(str(a * r ** i) for i in range(4))
        return f"The sequence {shown}, ... is geometric. What is its {ordinal(n)} term?"

    def _linear_rec(self, rng: Rng) -> str:
        a1, p, q = rng.integers(-5, 9), rng.integers(2, 3), rng.integers(1, 9)
        sign, n = rng.choice("+-"), rng.integers(5, 9)
        return (f"A sequence has a_1 = {a1} and a_(n+1) = {p}a_n {sign} {q} for n >= 1. "
                f"What is a_{n}?")

    def _power_rec(self, rng: Rng) -> str:
        a1, b, n = rng.integers(0, 9), rng.integers(2, 3), rng.integers(5, 10)
        return f"A sequence has a_1 = {a1} and a_(n+1) = a_n + {b}^n for n >= 1. What is a_{n}?"

    def _second_rec(self, rng: Rng) -> str:
        a1, a2, n = rng.integers(-5, 9), rng.integers(1, 12), rng.integers(7, 15)
        return f"A sequence has a_1 = {a1}, a_2 = {a2} and a_(n+2) = a_(n+1) + a_n for n >= 1. What is a_{n}?"

    def solve(self, text: str) -> str:
        text = text.strip()
        if m := _ARITH.match(text):
            terms = _terms(m.group("terms"))
            d = _common(terms, "difference")
            return str(iterate(terms[:1], lambda s, i: s[-1] + d, int(m.group("n"))))
        if m := _ARITH_SUM.match(text):
            terms = _terms(m.group("terms"))
            d = _common(terms, "difference")
            n = int(m.group("n"))
            return str(sum(iterate(terms[:1], lambda s, i: s[-1] + d, k) for k in range(1, n + 1)))
        if m := _GEOM.match(text):
            terms = _terms(m.group("terms"))
            r = _common(terms, "ratio")
            return str(iterate(terms[:1], lambda s, i: s[-1] * r, int(m.group("n"))))
        if m := _LINEAR_REC.match(text):
            p = int(m.group("p") or 1)
            q = int(m.group("q")) * (1 if m.group("sign") == "+" else -1)
            return str(iterate([int(m.group("a1"))], lambda s, i: p * s[-1] + q, int(m.group("n"))))
        if m := _POWER_REC.match(text):
            b = int(m.group("b"))
            return str(iterate([int(m.group("a1"))], lambda s, i: s[-1] + b ** (i - 1), int(m.group("n"))))
        if m := _SECOND_REC.match(text):
            return str(iterate([int(m.group("a1")), int(m.group("a2"))], lambda s, i: s[-1] + s[-2],
                               int(m.group("n"))))
        raise not_mine(self.name, text)
