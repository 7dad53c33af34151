"""``abr/arithmetic``: integer arithmetic expressions with exact answers, re-solvable from their text.

Difficulty picks the number of operations (1 at 0.0 up to 4 at 1.0) and the operand size. Division
appears only where it is exact, so every answer is an integer. ``solve`` parses the question with a
small recursive-descent parser over exact fractions — no ``eval``.
"""

from __future__ import annotations

import re
from fractions import Fraction

import attrs
from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.rng import Rng

_TOKEN = re.compile(r"\s*(\d+|[-+*/()])")
_QUESTION = re.compile(r"^What is (.+)\?$")


@attrs.frozen
class _Op:
    """A binary operation in an expression tree; leaves are ints."""

    op: str
    left: _Node
    right: _Node


_Node = int | _Op
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


def _render(node: _Node) -> str:
    if isinstance(node, int):
        return str(node)
    return f"{_wrap(node.left, node.op, False)} {node.op} {_wrap(node.right, node.op, True)}"


def _wrap(node: _Node, parent: str, right: bool) -> str:
    text = _render(node)
    if isinstance(node, int):
        return text
    if _PREC[node.op] < _PREC[parent] or (right and _PREC[node.op] == _PREC[parent] and parent in "-/"):
        return f"({text})"
    return text


def _value(node: _Node) -> Fraction:
    if isinstance(node, int):
        return Fraction(node)
    a, b = _value(node.left), _value(node.right)
    if node.op == "+":
        return a + b
    if node.op == "-":
        return a - b
    if node.op == "*":
        return a * b
    return a / b


class _Parser:
    """expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*; factor := INT | '(' expr ')'."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                raise ValueError(f"unexpected text at {text[pos:pos + 10]!r}")
            self.tokens.append(m.group(1))
            pos = m.end()
        self.i = 0

    def parse(self) -> Fraction:
        value = self.expr()
        if self.i != len(self.tokens):
            raise ValueError("trailing tokens")
        return value

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end")
        self.i += 1
        return tok

    def expr(self) -> Fraction:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> Fraction:
        value = self.factor()
        while self.peek() in ("*", "/"):
            op = self.take()
            rhs = self.factor()
            if op == "/" and rhs == 0:
                raise ValueError("division by zero")
            value = value * rhs if op == "*" else value / rhs
        return value

    def factor(self) -> Fraction:
        tok = self.take()
        if tok == "(":
            value = self.expr()
            if self.take() != ")":
                raise ValueError("missing ')'")
            return value
        if tok.isdigit():
            return Fraction(int(tok))
        raise ValueError(f"unexpected {tok!r}")


def evaluate_expression(text: str) -> Fraction:
    """The exact value of an arithmetic expression over integers with + - * / and parentheses."""
    return _Parser(text).parse()


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
            value = _value(node)
            if value.denominator == 1 and abs(value) < 1_000_000:
                text = f"What is {_render(node)}?"
                return Question(text, str(int(value)), "integer", difficulty=round(ops / 4, 2))
        raise AbrError("arithmetic bank could not draw a question; this is a bug, please report it")

    def _tree(self, rng: Rng, ops: int, high: int) -> _Node:
        if ops == 0:
            return rng.integers(2, high)
        left_ops = rng.below(ops)
        op = rng.choice(("+", "-", "*", "+", "-", "/"))
        left = self._tree(rng.child("l"), left_ops, high)
        right: _Node = self._tree(rng.child("r"), ops - 1 - left_ops, high)
        if op == "/":
            lv = _value(left)
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
        return _Op(op, left, right)

    def solve(self, text: str) -> str:
        m = _QUESTION.match(text.strip())
        if not m:
            raise AbrError(f"not an arithmetic question: {text[:60]!r}")
        try:
            value = evaluate_expression(m.group(1))
        except (ValueError, ZeroDivisionError) as exc:
            raise AbrError(f"cannot parse arithmetic question {text[:60]!r}: {exc}") from None
        if value.denominator != 1:
            return str(value)
        return str(int(value))
