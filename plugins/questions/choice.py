"""``abr/multiple-choice``: questions with lettered options and exactly one correct letter.

'Which of the following numbers is prime? (A) 91 (B) 97 (C) 87 (D) 93' — answer ``B``, answer type
``choice``, rule ``{"options": ["A", "B", "C", "D"]}``. Stems, easiest first: which value equals an
expression, which number is prime, which is divisible by a given number, which fraction is largest,
the greatest common divisor of two numbers. Difficulty also raises the number of options (3 to 5).
Distractors are drawn close to the answer and every option is checked, so exactly one is correct.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import evaluate_expression, not_mine, pick_level
from abr.rng import Rng

LETTERS = "ABCDE"
_OPTION = re.compile(r"\(([A-E])\) (\S+)")
_QUESTION = re.compile(r"^(?P<stem>[^?]+\?) (?P<options>\(A\) .+)$")
_EQUALS = re.compile(r"^Which of the following is equal to (?P<expr>[-+*/() \d]+)\?$")
_PRIME = re.compile(r"^Which of the following numbers is prime\?$")
_DIVISIBLE = re.compile(r"^Which of the following numbers is divisible by (?P<d>\d+)\?$")
_LARGEST = re.compile(r"^Which of the following fractions is the largest\?$")
_GCD = re.compile(r"^What is the greatest common divisor of (?P<a>\d+) and (?P<b>\d+)\?$")


def is_prime(n: int) -> bool:
    if n < 2:
        return False
    return all(n % k for k in range(2, math.isqrt(n) + 1))


def _options(rng: Rng, correct: str, distractors: list[str], count: int) -> tuple[str, str]:
    """The options text with the correct one at a random letter, and that letter."""
    chosen = rng.sample(distractors, count - 1)
    at = rng.below(count)
    values = [*chosen[:at], correct, *chosen[at:]]
    return " ".join(f"({LETTERS[i]}) {v}" for i, v in enumerate(values)), LETTERS[at]


class MultipleChoice(QuestionBank):
    name = "multiple-choice"
    version = 1
    description = "Multiple choice with letter answers (3-5 options): values, primes, divisibility, fractions, gcd"
    answer_types = ("choice",)

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = pick_level(difficulty, 5)
        count = 3 + min(2, level // 2)
        for attempt in range(100):
            r = rng.child("try", attempt)
            stem, correct, distractors = (self._equals, self._prime, self._divisible, self._largest,
                                          self._gcd)[level](r)
            distractors = list(dict.fromkeys(d for d in distractors if d != correct))
            if len(distractors) < count - 1:
                continue
            options, letter = _options(r.child("options"), correct, distractors, count)
            text = f"{stem} {options}"
            if self.solve(text) == letter:
                return Question(text, letter, "choice", difficulty=round(level / 4, 2),
                                rule={"options": list(LETTERS[:count])})
        raise AbrError("multiple-choice bank could not draw a question; this is a bug, please report it")

    def _equals(self, rng: Rng) -> tuple[str, str, list[str]]:
        a, b = rng.integers(12, 49), rng.integers(11, 39)
        value = a * b
        near = [value + d for d in (-20, -10, -2, -1, 1, 2, 10, 20, a, -a, b, -b)]
        return f"Which of the following is equal to {a} * {b}?", str(value), [str(v) for v in near]

    def _prime(self, rng: Rng) -> tuple[str, str, list[str]]:
        primes = [p for p in range(31, 400) if is_prime(p)]
        composites = [n for n in range(31, 400, 2) if not is_prime(n) and n % 5 and n % 3]
        p = rng.choice(primes)
        return ("Which of the following numbers is prime?", str(p),
                [str(n) for n in composites if abs(n - p) < 60])

    def _divisible(self, rng: Rng) -> tuple[str, str, list[str]]:
        d = rng.choice((6, 7, 9, 11, 12, 13))
        value = d * rng.integers(12, 80)
        return (f"Which of the following numbers is divisible by {d}?", str(value),
                [str(value + k) for k in range(-d + 1, d) if k])

    def _largest(self, rng: Rng) -> tuple[str, str, list[str]]:
        fractions = {Fraction(n, m) for m in range(3, 13) for n in range(1, m)}
        picked = rng.sample(sorted(fractions), 6)
        best = max(picked)
        return ("Which of the following fractions is the largest?", f"{best.numerator}/{best.denominator}",
                [f"{f.numerator}/{f.denominator}" for f in picked if f != best])

    def _gcd(self, rng: Rng) -> tuple[str, str, list[str]]:
        g = rng.integers(4, 30)
        a, b = g * rng.integers(2, 12), g * rng.integers(2, 12)
        true = math.gcd(a, b)
        wrong = {true * 2, true // 2 if true > 2 else true + 3, true + 1, max(1, true - 1), true * 3,
                 math.gcd(a, b * 2) * 2}
        return (f"What is the greatest common divisor of {a} and {b}?", str(true),
                [str(w) for w in sorted(wrong) if w != true])

    def solve(self, text: str) -> str:
        m = _QUESTION.match(text.strip())
        if not m:
            raise not_mine(self.name, text)
        options = _OPTION.findall(m.group("options"))
        letters = [letter for letter, _ in options]
        if letters != list(LETTERS[:len(options)]) or len(options) < 2:
            raise AbrError(f"options of {text[:60]!r} are not lettered A, B, C...")
        stem = m.group("stem")
        correct = [letter for letter, value in options if self._is_correct(stem, value, [v for _, v in options])]
        if len(correct) != 1:
            raise AbrError(f"{text[:60]!r} has {len(correct)} correct options, not exactly one")
        return correct[0]

    def _is_correct(self, stem: str, value: str, values: list[str]) -> bool:
        try:
            if m := _EQUALS.match(stem):
                return evaluate_expression(m.group("expr")) == int(value)
            if _PRIME.match(stem):
                return is_prime(int(value))
            if m := _DIVISIBLE.match(stem):
                return int(value) % int(m.group("d")) == 0
            if _LARGEST.match(stem):
                return Fraction(value) == max(Fraction(v) for v in values)
            if m := _GCD.match(stem):
                return math.gcd(int(m.group("a")), int(m.group("b"))) == int(value)
        except (ValueError, ZeroDivisionError) as exc:
            raise AbrError(f"cannot read option {value!r} of {stem[:60]!r}: {exc}") from None
        raise not_mine(self.name, stem)
