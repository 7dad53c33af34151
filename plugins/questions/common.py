"""Helpers every built-in question bank uses: exact numbers, half-up rounding, canonical answers, and a
small recursive-descent parser for arithmetic (``solve`` parses, it never evaluates text as code).

Numbers are :class:`fractions.Fraction` throughout, so ``3.145`` rounds half-up to ``3.15`` (binary floats
would give ``3.14``), and answers are written canonically with :func:`abr.program.format_value`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import attrs
from abr.errors import AbrError
from abr.program import format_value

_TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?|[-+*/×÷−()])")


def clamp(difficulty: float) -> float:
    """A difficulty in [0, 1]."""
    return min(1.0, max(0.0, float(difficulty)))


def pick_level(difficulty: float, levels: int) -> int:
    """Level 0..levels-1 for a difficulty in [0, 1] (0.0 gives the easiest, 1.0 the hardest)."""
    return min(levels - 1, int(clamp(difficulty) * levels))


def round_half_up(value: Fraction, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals, ties away from zero (what ``Decimal`` calls ROUND_HALF_UP)."""
    scale = 10 ** places
    magnitude = abs(value) * scale
    units = int(magnitude + Fraction(1, 2))
    sign = -1 if value < 0 and units else 1
    return Decimal(sign * units).scaleb(-places)


def exact_decimal(value: Fraction) -> Decimal:
    """A fraction whose denominator has only the factors 2 and 5, as an exact Decimal."""
    den = value.denominator
    places = 0
    while den % 10 == 0 or den % 2 == 0 or den % 5 == 0:
        if den % 10 == 0:
            den //= 10
        elif den % 2 == 0:
            den //= 2
        else:
            den //= 5
        places += 1
    if den != 1:
        raise ValueError(f"{value} has no finite decimal expansion")
    return round_half_up(value, places)


def canonical(value: Fraction | Decimal | int) -> str:
    """The canonical answer text: integers as digits, decimals without exponent or trailing zeros."""
    if isinstance(value, Fraction):
        value = value.numerator if value.denominator == 1 else exact_decimal(value)
    return format_value(value)


def show(value: Fraction | Decimal | int) -> str:
    """A number as it appears in a question (same form as an answer)."""
    return canonical(value)


def not_mine(bank: str, text: str) -> AbrError:
    return AbrError(f"not a question of bank {bank}: {text[:80]!r}")


class _Parser:
    """expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*;
    unary := '-' unary | atom; atom := NUMBER | '(' expr ')'.  ``×``, ``÷`` and ``−`` are accepted too."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                raise ValueError(f"unexpected text at {text[pos:pos + 10]!r}")
            self.tokens.append({"×": "*", "÷": "/", "−": "-"}.get(m.group(1), m.group(1)))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0

    def parse(self) -> Fraction:
        value = self.expr()
        if self.i != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.i]!r}")
        return value

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end of expression")
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
        value = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            rhs = self.unary()
            if op == "/" and rhs == 0:
                raise ValueError("division by zero")
            value = value * rhs if op == "*" else value / rhs
        return value

    def unary(self) -> Fraction:
        if self.peek() == "-":
            self.take()
            return -self.unary()
        return self.atom()

    def atom(self) -> Fraction:
        tok = self.take()
        if tok == "(":
            value = self.expr()
            if self.take() != ")":
                raise ValueError("missing ')'")
            return value
        if tok[0].isdigit():
            return Fraction(tok)
        raise ValueError(f"unexpected {tok!r}")


def evaluate_expression(text: str) -> Fraction:
    """The exact value of an arithmetic expression over integers and decimals with + - * / and parentheses."""
    return _Parser(text).parse()


_WHAT_IS = re.compile(r"^What is (.+)\?$")


def solve_expression_question(bank: str, text: str) -> str:
    """The canonical answer of ``What is EXPRESSION?`` (an error for other text or a non-terminating value)."""
    m = _WHAT_IS.match(text.strip())
    if not m:
        raise not_mine(bank, text)
    try:
        return canonical(evaluate_expression(m.group(1)))
    except (ValueError, ZeroDivisionError) as exc:
        raise AbrError(f"cannot parse {bank} question {text[:60]!r}: {exc}") from None


def parse_number(text: str) -> Fraction:
    """An exact number from question text (``-12``, ``3.75``, ``1,250``)."""
    return Fraction(text.replace(",", "").replace("−", "-"))


# ---------------------------------------------------------------------------------------------------------
# Expression trees: what the arithmetic banks draw and print


@attrs.frozen
class Op:
    """A binary operation; leaves are ints or exact decimals (Fractions with a finite decimal expansion)."""

    op: str
    left: Node
    right: Node


Node = int | Fraction | Op
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


def render(node: Node) -> str:
    """The expression with only the parentheses its precedence needs."""
    if not isinstance(node, Op):
        return show(node)
    return f"{_wrap(node.left, node.op, False)} {node.op} {_wrap(node.right, node.op, True)}"


def _wrap(node: Node, parent: str, right: bool) -> str:
    text = render(node)
    if not isinstance(node, Op):
        return text
    if _PREC[node.op] < _PREC[parent] or (right and _PREC[node.op] == _PREC[parent] and parent in "-/"):
        return f"({text})"
    return text


def value_of(node: Node) -> Fraction:
    if not isinstance(node, Op):
        return Fraction(node)
    a, b = value_of(node.left), value_of(node.right)
    if node.op == "+":
        return a + b
    if node.op == "-":
        return a - b
    if node.op == "*":
        return a * b
    return a / b
