"""``abr/arithmetic``: integer arithmetic expressions with exact answers, re-solvable from their text.

Difficulty picks the number of operations (1 at 0.0 up to 4 at 1.0) and the operand size. Division
appears only where it is exact, so every answer is an integer. ``solve`` parses the question with a
small recursive-descent parser over exact fractions (:mod:`abr.plugins.questions.common`) — no ``eval``.
"""

from __future__ import annotations

from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import Node, Op, evaluate_expression, render, solve_expression_question, value_of
from abr.rng import Rng

__all__ = ["Arithmetic", "evaluate_expression"]


class Arithmetic(QuestionBank):
    name = "arithmetic"
    version = 1
    description = "Integer arithmetic, 1-4 operations by difficulty, e.g. 'What is (37 - 12) * 4?'"
    answer_types = ("integer",)

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = min(1.0, max(0.0, difficulty))
        ops = 1 + round(level * 3)
        high = 20 if level < 0.25 else 99
        for attempt in range(100):
            r = rng.child("try", attempt)
            node = self._tree(r, ops, high)
            value = value_of(node)
            if value.denominator == 1 and abs(value) < 1_000_000:
                text = f"What is {render(node)}?"
                return Question(text, str(int(value)), "integer", difficulty=round(ops / 4, 2))
        raise AbrError("arithmetic bank could not draw a question; this is a bug, please report it")

    def _tree(self, rng: Rng, ops: int, high: int) -> Node:
        if ops == 0:
            return rng.integers(2, high)
        left_ops = rng.below(ops)
        op = rng.choice(("+", "-", "*", "+", "-", "/"))
        left = self._tree(rng.child("l"), left_ops, high)
        right: Node = self._tree(rng.child("r"), ops - 1 - left_ops, high)
        if op == "/":
            lv = value_of(left)
            if lv.denominator != 1 or lv == 0:
                op = "+"
            else:
                divisors = [d for d in range(2, 13) if int(lv) % d == 0]
                if divisors:
                    right = rng.choice(divisors)
                else:
                    op = "*"
        if op == "*":
            right = rng.integers(2, 12) if isinstance(right, int) else right
        return Op(op, left, right)

    def solve(self, text: str) -> str:
        return solve_expression_question(self.name, text)
