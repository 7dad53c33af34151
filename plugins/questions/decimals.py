"""``abr/decimal-arithmetic``: arithmetic on decimals with an exact decimal answer, e.g.
'What is 12.5 * 0.4 - 3.75?' (answer ``1.25``).

Operands have one or two decimal places and division is only by numbers whose reciprocal has a finite
decimal expansion (2, 4, 5, 8, 0.5, 0.25 ...), so every answer is an exact decimal — no rounding rule.
Difficulty sets the number of operations (1-4), the decimal places and the operand size.
"""

from __future__ import annotations

from fractions import Fraction

from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import Node, Op, canonical, clamp, render, solve_expression_question, value_of
from abr.rng import Rng

DIVISORS = (Fraction(2), Fraction(4), Fraction(5), Fraction(8), Fraction(1, 2), Fraction(1, 4), Fraction(5, 4),
            Fraction(5, 2))


class DecimalArithmetic(QuestionBank):
    name = "decimal-arithmetic"
    version = 1
    description = "Decimal arithmetic with exact answers, 1-4 operations, e.g. 'What is 12.5 * 0.4 - 3.75?'"
    answer_types = ("decimal",)

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = clamp(difficulty)
        ops = 1 + round(level * 3)
        places = 1 if level < 0.5 else 2
        high = 50 if level < 0.5 else 200
        for attempt in range(100):
            node = self._tree(rng.child("try", attempt), ops, places, high)
            value = value_of(node)
            if value.denominator != 1 and abs(value) < 100_000:
                return Question(f"What is {render(node)}?", canonical(value), "decimal",
                                difficulty=round((ops - 1) / 3 * 0.8 + (places - 1) * 0.2, 2))
        raise AbrError("decimal-arithmetic bank could not draw a question; this is a bug, please report it")

    def _operand(self, rng: Rng, places: int, high: int) -> Fraction:
        scale = 10 ** rng.integers(1, places)
        units = rng.integers(scale + 1, high * scale)
        return Fraction(units + (1 if units % scale == 0 else 0), scale)

    def _tree(self, rng: Rng, ops: int, places: int, high: int) -> Node:
        if ops == 0:
            return self._operand(rng, places, high)
        left_ops = rng.below(ops)
        op = rng.choice(("+", "-", "*", "+", "-", "/"))
        left = self._tree(rng.child("l"), left_ops, places, high)
        if op == "/":
            return Op(op, left, rng.choice(DIVISORS))
        if op == "*":  # keep products readable: one factor is small
            return Op(op, left, Fraction(rng.integers(2, 40), 10) if rng.chance(0.5) else Fraction(rng.integers(2, 12)))
        return Op(op, left, self._tree(rng.child("r"), ops - 1 - left_ops, places, high))

    def solve(self, text: str) -> str:
        return solve_expression_question(self.name, text)
