"""``abr/linear``: linear equations and systems with integer solutions.

By difficulty: 'Solve for x: 4x - 7 = 21.' (one step), 'Solve for x: 5x - 3 = 2x + 12.' (both sides),
a 2x2 system and a 3x3 system ('Solve the system of equations: x + y + z = 6; 2x - y + z = 3;
x + 2y - z = 2. What is the value of z?'). The solution is drawn first and the constants computed from
it, and every system has a nonzero determinant, so the answer is an integer and unique. ``solve`` parses
the equations and eliminates over exact fractions.
"""

from __future__ import annotations

import re
from fractions import Fraction

from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import canonical, not_mine, pick_level
from abr.rng import Rng

VARIABLES = ("x", "y", "z")
_TERM = re.compile(r"\s*([+-])?\s*(\d*)\s*([a-z]?)")
_ONE = re.compile(r"^Solve for (?P<var>[a-z]): (?P<eq>[^.;]+)\.$")
_SYSTEM = re.compile(r"^Solve the system of equations: (?P<eqs>[^.]+)\. What is the value of (?P<var>[a-z])\?$")


def side(coeffs: dict[str, int], constant: int) -> str:
    """``3x - y + 4`` from coefficients and a constant (zero terms left out)."""
    parts: list[str] = []
    for var, c in coeffs.items():
        if c == 0:
            continue
        magnitude = "" if abs(c) == 1 else str(abs(c))
        parts.append(("-" if c < 0 else "+") + " " + magnitude + var)
    if constant or not parts:
        parts.append(("-" if constant < 0 else "+") + " " + str(abs(constant)))
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def parse_side(text: str) -> tuple[dict[str, Fraction], Fraction]:
    """Coefficients and constant of a linear expression such as ``3x - y + 4``."""
    coeffs: dict[str, Fraction] = {}
    constant = Fraction(0)
    pos = 0
    text = text.strip()
    first = True
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos or (not m.group(2) and not m.group(3)):
            raise ValueError(f"cannot read the term at {text[pos:pos + 12]!r}")
        if not first and not m.group(1):
            raise ValueError(f"missing operator before {text[pos:pos + 12]!r}")
        sign = -1 if m.group(1) == "-" else 1
        if m.group(3):
            coeffs[m.group(3)] = coeffs.get(m.group(3), Fraction(0)) + sign * int(m.group(2) or 1)
        else:
            constant += sign * int(m.group(2))
        pos = m.end()
        first = False
    return coeffs, constant


def parse_equation(text: str) -> tuple[dict[str, Fraction], Fraction]:
    """``lhs = rhs`` as (coefficients, constant) of ``sum(c * v) = constant``."""
    if text.count("=") != 1:
        raise ValueError(f"an equation needs exactly one '=': {text!r}")
    left, right = text.split("=")
    lc, lk = parse_side(left)
    rc, rk = parse_side(right)
    coeffs = {v: lc.get(v, Fraction(0)) - rc.get(v, Fraction(0)) for v in dict.fromkeys([*lc, *rc])}
    return coeffs, rk - lk


def solve_system(equations: list[tuple[dict[str, Fraction], Fraction]]) -> dict[str, Fraction]:
    """The unique solution by Gauss-Jordan elimination over fractions; an error when there is none or many."""
    names = sorted({v for coeffs, _ in equations for v in coeffs})
    if len(names) != len(equations):
        raise ValueError(f"{len(equations)} equations in {len(names)} unknowns")
    rows = [[coeffs.get(v, Fraction(0)) for v in names] + [k] for coeffs, k in equations]
    n = len(names)
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            raise ValueError("the system has no unique solution")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        p = rows[col][col]
        rows[col] = [x / p for x in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[col])]
    return {v: rows[i][n] for i, v in enumerate(names)}


def _determinant(m: list[list[int]]) -> int:
    if len(m) == 1:
        return m[0][0]
    return sum((-1) ** j * m[0][j] * _determinant([row[:j] + row[j + 1:] for row in m[1:]]) for j in range(len(m)))


class Linear(QuestionBank):
    name = "linear"
    version = 1
    description = "Linear equations and 2x2/3x3 systems with integer solutions, e.g. 'Solve for x: 5x - 3 = 2x + 12.'"
    answer_types = ("integer",)

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = pick_level(difficulty, 4)
        if level == 0:
            text, answer = self._one_sided(rng)
        elif level == 1:
            text, answer = self._two_sided(rng)
        else:
            text, answer = self._system(rng, level)
        return Question(text, canonical(answer), "integer", difficulty=round(level / 3, 2))

    def _one_sided(self, rng: Rng) -> tuple[str, int]:
        x = rng.integers(-12, 20)
        a = rng.choice([c for c in range(-9, 10) if c not in (0, 1)])
        b = rng.integers(-30, 30)
        return f"Solve for x: {side({'x': a}, b)} = {a * x + b}.", x

    def _two_sided(self, rng: Rng) -> tuple[str, int]:
        x = rng.integers(-15, 25)
        a = rng.integers(2, 12)
        c = rng.choice([k for k in range(-9, 10) if k not in (0, a)])
        b = rng.integers(-40, 40)
        d = (a - c) * x + b
        return f"Solve for x: {side({'x': a}, b)} = {side({'x': c}, d)}.", x

    def _system(self, rng: Rng, level: int) -> tuple[str, int]:
        n = 2 if level == 2 else 3
        names = VARIABLES[:n]
        for attempt in range(200):
            r = rng.child("system", attempt)
            solution = [r.integers(-9, 12) for _ in names]
            matrix = [[r.integers(-5, 6) for _ in names] for _ in names]
            zeros = sum(c == 0 for row in matrix for c in row)
            if _determinant(matrix) == 0 or zeros > n - 2 or any(all(c == 0 for c in row) for row in matrix):
                continue
            equations = []
            for row in matrix:
                constant = sum(c * v for c, v in zip(row, solution))
                equations.append(f"{side(dict(zip(names, row)), 0)} = {constant}")
            target = r.below(n)
            text = f"Solve the system of equations: {'; '.join(equations)}. What is the value of {names[target]}?"
            return text, solution[target]
        raise AbrError("linear bank could not draw a system; this is a bug, please report it")

    def solve(self, text: str) -> str:
        text = text.strip()
        one, system = _ONE.match(text), _SYSTEM.match(text)
        try:
            if one:
                solution = solve_system([parse_equation(one.group("eq"))])
            elif system:
                solution = solve_system([parse_equation(e) for e in system.group("eqs").split(";")])
            else:
                raise not_mine(self.name, text)
        except ValueError as exc:
            raise AbrError(f"cannot solve {text[:60]!r}: {exc}") from None
        var = (one or system).group("var")  # type: ignore[union-attr]
        if var not in solution:
            raise AbrError(f"{text[:60]!r} asks for {var}, which is not in its equations")
        try:
            return canonical(solution[var])
        except ValueError as exc:
            raise AbrError(f"cannot answer {text[:60]!r} exactly: {exc}") from None
