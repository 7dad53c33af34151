"""Question banks: every answer re-derived by an independent computation on thousands of seeded
questions (Python's own parser over fractions, decimal half-up rounding, sympy, brute-force calendars and
puzzle solvers written here), plus the shared contract of every bank and the user JSONL bank."""

from __future__ import annotations

import ast
import calendar
import itertools
import json
import math
import operator
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from abr.errors import AbrError
from abr.plugins.anchors.random_id import RandomId
from abr.plugins.haystacks.guard import builtin_anchor_patterns
from abr.plugins.questions.arithmetic import Arithmetic
from abr.plugins.questions.calendar import Calendar
from abr.plugins.questions.catalog import banks
from abr.plugins.questions.choice import MultipleChoice
from abr.plugins.questions.decimals import DecimalArithmetic
from abr.plugins.questions.jsonl_bank import JsonlBank
from abr.plugins.questions.linear import Linear
from abr.plugins.questions.logic import Logic
from abr.plugins.questions.multistep import MultiStep
from abr.plugins.questions.sequences import Sequences
from abr.plugins.questions.units import Units
from abr.plugins.questions.word_problems import WordProblems
from abr.rng import Rng

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def python_value(expression: str) -> Fraction:
    """Python's own parser, walked over exact fractions: a second opinion on the banks' parser."""

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.BinOp):
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return Fraction(ast.get_source_segment(expression, node) or "")
        raise AssertionError(f"unexpected node {ast.dump(node)}")

    return walk(ast.parse(expression, mode="eval").body)


def questions(bank: object, n: int, label: str = "bank") -> list:
    return [bank.generate(Rng(label, i), (i % 11) / 10) for i in range(n)]  # type: ignore[attr-defined]


def decimal_text(value: Decimal) -> str:
    """Canonical decimal text written independently of abr.program.format_value."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------------------------------------------------
# The contract every built-in bank keeps

SINGLE = [b for b in banks() if b.name != "jsonl"]


@pytest.mark.parametrize("bank", SINGLE, ids=lambda b: b.name)
def test_every_bank_keeps_the_contract(bank: object) -> None:
    anchor_like = re.compile("|".join(f"(?:{p})" for p in builtin_anchor_patterns()))
    levels = set()
    for i in range(400):
        d = (i % 11) / 10
        q = bank.generate(Rng("contract", i), d)  # type: ignore[attr-defined]
        assert q == bank.generate(Rng("contract", i), d)  # type: ignore[attr-defined]
        assert bank.solve(q.text) == q.answer, q  # type: ignore[attr-defined]
        assert q.answer_type in bank.answer_types  # type: ignore[attr-defined]
        assert 0.0 <= q.difficulty <= 1.0
        assert "\n\n" not in q.text and "<document" not in q.text and not anchor_like.search(q.text), q.text
        assert q.answer and q.answer == q.answer.strip()
        if q.answer_type == "integer":
            assert re.fullmatch(r"-?\d+", q.answer) and str(int(q.answer)) == q.answer
        if q.answer_type == "decimal":
            assert re.fullmatch(r"-?\d+(\.\d*[1-9])?", q.answer), q.answer
        levels.add(q.difficulty)
    assert len(levels) >= 3, "difficulty must select different levels"
    with pytest.raises(AbrError, match=f"not a question of bank {bank.name}"):  # type: ignore[attr-defined]
        bank.solve("Who wrote Hamlet?")  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------------------
# Independent re-derivations


def test_arithmetic_against_pythons_parser() -> None:
    ops = set()
    for q in questions(Arithmetic(), 3000):
        expression = re.fullmatch(r"What is (.+)\?", q.text).group(1)  # type: ignore[union-attr]
        value = python_value(expression)
        assert value.denominator == 1 and q.answer == str(int(value))
        ops |= set(re.findall(r"[-+*/]", expression))
    assert ops == {"+", "-", "*", "/"}


def test_arithmetic_solve_refuses_code() -> None:
    with pytest.raises(AbrError, match="cannot parse"):
        Arithmetic().solve("What is 2 + __import__('os')?")


def test_decimal_arithmetic_against_pythons_parser() -> None:
    for q in questions(DecimalArithmetic(), 3000):
        value = python_value(re.fullmatch(r"What is (.+)\?", q.text).group(1))  # type: ignore[union-attr]
        assert Decimal(value.numerator) / Decimal(value.denominator) == Decimal(q.answer)
        assert q.answer_type == "decimal" and q.rule == {}


def test_multi_step_against_decimal_half_up() -> None:
    ties = 0
    for q in questions(MultiStep(), 3000):
        m = re.match(r"Start with ([\d.]+)\. (.+)\. Round (every intermediate result|only the final result) to "
                     r"(\d) decimal places?\.", q.text)
        assert m, q.text
        unit = Decimal(1).scaleb(-int(m.group(4)))
        with localcontext() as ctx:
            ctx.prec = 60
            value = Decimal(m.group(1))
            for step in m.group(2).split(", then "):
                x = Decimal(re.search(r"[\d.]+", step).group(0))  # type: ignore[union-attr]
                if step.lower().startswith("add"):
                    value += x
                elif step.lower().startswith("subtract"):
                    value -= x
                elif "multiply" in step.lower():
                    value *= x
                else:
                    value /= x
                if m.group(3).startswith("every"):
                    exact = value
                    value = value.quantize(unit, rounding=ROUND_HALF_UP)
                    ties += abs(exact - value) == unit / 2
            value = value.quantize(unit, rounding=ROUND_HALF_UP)
        assert Decimal(q.answer) == value, q.text
        assert q.rule == {"places": int(m.group(4))}
    assert ties > 0, "half-up ties (3.145 -> 3.15) must occur"


def _sympy_side(text: str, symbols: dict[str, object]) -> object:
    total: object = 0
    for sign, coeff, var in re.findall(r"([+-]?)\s*(\d*)\s*([xyz]?)", text.replace(" ", "")):
        if not coeff and not var:
            continue
        term = int(coeff or 1) * (symbols[var] if var else 1)  # type: ignore[operator]
        total = total - term if sign == "-" else total + term  # type: ignore[operator]
    return total


def test_linear_against_sympy() -> None:
    import sympy

    symbols = {v: sympy.Symbol(v) for v in "xyz"}
    for q in questions(Linear(), 1500):
        if q.text.startswith("Solve for x: "):
            equations, var = [q.text[len("Solve for x: "):-1]], "x"
        else:
            body, var = re.fullmatch(r"Solve the system of equations: (.+)\. What is the value of ([xyz])\?",
                                     q.text).groups()  # type: ignore[union-attr]
            equations = body.split("; ")
        eqs = [sympy.Eq(_sympy_side(left, symbols), _sympy_side(right, symbols))
               for left, right in (e.split(" = ") for e in equations)]
        unknowns = sorted({s for e in eqs for s in e.free_symbols}, key=str)
        matrix, rhs = sympy.linear_eq_to_matrix(eqs, unknowns)
        assert matrix.det() != 0
        solution = dict(zip(unknowns, matrix.LUsolve(rhs)))
        assert str(solution[symbols[var]]) == q.answer, q.text


def test_sequences_against_closed_forms() -> None:
    import sympy

    def ordinal_number(text: str) -> int:
        return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]

    for q in questions(Sequences(), 3000):
        t, nums = q.text, [int(x) for x in re.findall(r"-?\d+", q.text)]
        if "is arithmetic" in t:
            a, d, n = nums[0], nums[1] - nums[0], ordinal_number(t.split("What is its ")[1])
            want = a + (n - 1) * d
        elif "sum of the first" in t:
            n, a, d = nums[0], nums[1], nums[2] - nums[1]
            want = n * (2 * a + (n - 1) * d) // 2
        elif "is geometric" in t:
            a, r, n = nums[0], nums[1] // nums[0], ordinal_number(t.split("What is its ")[1])
            want = a * r ** (n - 1)
        elif "2^n" in t or "3^n" in t:
            m = re.search(r"a_1 = (-?\d+) .* a_n \+ (\d)\^n .* a_(\d+)\?", t)
            a1, b, n = (int(g) for g in m.groups())  # type: ignore[union-attr]
            want = a1 + (b ** n - b) // (b - 1)
        elif "a_(n+2)" in t:
            m = re.search(r"a_1 = (-?\d+), a_2 = (-?\d+) .* a_(\d+)\?", t)
            a1, a2, n = (int(g) for g in m.groups())  # type: ignore[union-attr]
            want = int(sympy.fibonacci(n - 2)) * a1 + int(sympy.fibonacci(n - 1)) * a2
        else:
            m = re.search(r"a_1 = (-?\d+) and a_\(n\+1\) = (\d)a_n ([+-]) (\d+) .* a_(\d+)\?", t)
            a1, p, sign, q_, n = m.groups()  # type: ignore[union-attr]
            p_, c, k = int(p), int(q_) * (1 if sign == "+" else -1), int(n) - 1
            want = p_ ** k * int(a1) + c * (p_ ** k - 1) // (p_ - 1)
        assert q.answer == str(want), t


_MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}


def _days_in(year: int, month: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


def _day_number(text: str) -> int:
    """Days since 1 January 1900, counted month by month (no datetime)."""
    month, day, year = text.replace(",", "").split()
    days = sum(366 if _days_in(y, 2) == 29 else 365 for y in range(1900, int(year)))
    days += sum(_days_in(int(year), m) for m in range(1, _MONTHS[month]))
    return days + int(day) - 1


def _from_day_number(n: int) -> str:
    year = 1900
    while n >= (366 if _days_in(year, 2) == 29 else 365):
        n -= 366 if _days_in(year, 2) == 29 else 365
        year += 1
    month = 1
    while n >= _days_in(year, month):
        n -= _days_in(year, month)
        month += 1
    return f"{year:04d}-{month:02d}-{n + 1:02d}"


def test_calendar_against_a_hand_counted_calendar() -> None:
    weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    date_re = r"([A-Z][a-z]+ \d{1,2}, \d{4})"
    kinds = set()
    for q in questions(Calendar(), 3000):
        t = q.text
        if t.startswith("How many minutes"):
            a, b = re.findall(r"(\d\d):(\d\d)", t)
            want = (int(b[0]) * 60 + int(b[1])) - (int(a[0]) * 60 + int(a[1]))
            kinds.add("minutes")
        elif t.startswith("A train"):
            h0, m0, h, m = (int(x) for x in re.search(r"(\d\d):(\d\d) .* (\d+) hours? and (\d+) minute", t).groups())  # type: ignore[union-attr]
            total = (h0 * 60 + m0 + h * 60 + m) % (24 * 60)
            want = f"{total // 60:02d}:{total % 60:02d}"
            kinds.add("clock")
        elif t.startswith("How many days"):
            a, b = re.findall(date_re, t)
            want = _day_number(b) - _day_number(a)
            kinds.add("between")
        elif t.startswith("What date"):
            n = int(re.search(r"is (\d+) days", t).group(1))  # type: ignore[union-attr]
            want = _from_day_number(_day_number(re.findall(date_re, t)[0]) + n)
            kinds.add("add")
        else:
            a, b = re.findall(date_re, t)
            known = re.search(r"was a ([A-Z][a-z]+)\.", t).group(1)  # type: ignore[union-attr]
            # 1 January 1900 was a Monday
            assert weekdays[_day_number(a) % 7] == known
            want = weekdays[_day_number(b) % 7]
            kinds.add("weekday")
        assert q.answer == str(want), t
    assert kinds == {"minutes", "clock", "between", "add", "weekday"}


NIST = {  # exact factors, in metres, kilograms, litres, seconds, m/s, square metres
    "inches": Fraction("0.0254"), "feet": Fraction("0.3048"), "yards": Fraction("0.9144"),
    "miles": Fraction("1609.344"), "millimeters": Fraction("0.001"), "centimeters": Fraction("0.01"),
    "meters": Fraction(1), "kilometers": Fraction(1000),
    "milligrams": Fraction("0.000001"), "grams": Fraction("0.001"), "kilograms": Fraction(1),
    "ounces": Fraction("0.028349523125"), "pounds": Fraction("0.45359237"),
    "milliliters": Fraction("0.001"), "liters": Fraction(1), "US gallons": Fraction("3.785411784"),
    "US quarts": Fraction("0.946352946"), "US fluid ounces": Fraction("0.0295735295625"),
    "seconds": Fraction(1), "minutes": Fraction(60), "hours": Fraction(3600), "days": Fraction(86400),
    "weeks": Fraction(604800), "meters per second": Fraction(1), "kilometers per hour": Fraction(5, 18),
    "miles per hour": Fraction("0.44704"), "square meters": Fraction(1), "hectares": Fraction(10000),
    "square kilometers": Fraction(10 ** 6), "acres": Fraction("4046.8564224"),
}


def _celsius(value: Fraction, unit: str) -> Fraction:
    return {"degrees Celsius": value, "degrees Fahrenheit": (value - 32) * 5 / 9,
            "kelvins": value - Fraction("273.15")}[unit]


def test_units_against_sympy_and_nist_factors() -> None:
    import sympy.physics.units as u
    from sympy.physics.units import convert_to

    sympy_units = {"miles": u.mile, "kilometers": u.kilometer, "meters": u.meter, "feet": u.foot,
                   "inches": u.inch, "yards": u.yard, "pounds": u.pound, "grams": u.gram, "kilograms": u.kilogram,
                   "hours": u.hour, "minutes": u.minute, "seconds": u.second, "days": u.day,
                   "liters": u.liter, "hectares": u.hectare}
    checked_by_sympy = 0
    for q in questions(Units(), 3000):
        m = re.fullmatch(r"Convert (-?[\d.]+) (.+) to (.+)\. Round your answer to (\d) decimal places?\.", q.text)
        value, source, target, places = m.groups()  # type: ignore[union-attr]
        v = Fraction(value)
        if source.startswith(("degrees", "kelvin")):
            c = _celsius(v, source)
            exact = {"degrees Celsius": c, "degrees Fahrenheit": c * 9 / 5 + 32,
                     "kelvins": c + Fraction("273.15")}[target]
        else:
            exact = v * NIST[source] / NIST[target]
            if source in sympy_units and target in sympy_units:
                ratio = convert_to(sympy_units[source], sympy_units[target]) / sympy_units[target]
                assert Fraction(str(ratio)) * v == exact
                checked_by_sympy += 1
        with localcontext() as ctx:
            ctx.prec = 60
            rounded = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
                Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
        assert q.answer == decimal_text(rounded), q.text
        assert q.rule == {"places": int(places)}
    assert checked_by_sympy > 300


WORD_FORMULAS = {  # a distinctive phrase -> the answer from the numbers in order of appearance
    "finds": lambda n: n[0] + n[1],
    "gave": lambda n: n[0] - n[1],
    "pencils in each pack": lambda n: n[0] * n[1],
    "gives": lambda n: n[0] * n[1] - n[2],
    "pages a day": lambda n: n[0] * n[1] + n[2],
    "cookies": lambda n: (n[0] - n[2]) // n[1],
    "bicycle": lambda n: n[0] * n[1] * n[2] - n[3],
    "years older": lambda n: n[2] - n[1] + n[0],
    "cards together": lambda n: (n[0] - n[1]) // 2,
    "drives": lambda n: n[0] * n[1] + n[2] * n[3],
    "muffins": lambda n: n[0] * (2 * n[1] + n[2]),
    "same amount": lambda n: n[1] // (n[0] - n[2]),
    "drain out": lambda n: n[0] // (n[1] - n[2]),
}


def test_word_problems_against_an_independent_formula_table() -> None:
    from abr.corpora import load_entities

    names = set(load_entities()["first_names"])
    used = set()
    for q in questions(WordProblems(), 3000):
        phrase = next(p for p in WORD_FORMULAS if p in q.text)
        used.add(phrase)
        numbers = [int(x) for x in re.findall(r"\d+", q.text)]
        assert q.answer == str(WORD_FORMULAS[phrase](numbers)), q.text
        assert int(q.answer) >= 0
        people = set(re.findall(r"\b[A-Z][a-z]+\b", q.text)) - {"How", "After", "On", "Monday", "Tuesday", "In",
                                                                 "Starting", "A"}
        assert people and people <= names, people
    assert used == set(WORD_FORMULAS)


def test_multiple_choice_has_exactly_one_right_letter() -> None:
    import sympy

    for q in questions(MultipleChoice(), 3000):
        stem, rest = q.text.split("? ", 1)
        options = dict(re.findall(r"\(([A-E])\) (\S+)", rest))
        assert list(options) == q.rule["options"]
        if "equal to" in stem:
            a, b = (int(x) for x in re.findall(r"\d+", stem))
            right = [k for k, v in options.items() if int(v) == a * b]
        elif "prime" in stem:
            right = [k for k, v in options.items() if sympy.isprime(int(v))]
        elif "divisible" in stem:
            d = int(re.findall(r"\d+", stem)[0])
            right = [k for k, v in options.items() if int(v) % d == 0]
        elif "largest" in stem:
            best = max(Fraction(v) for v in options.values())
            right = [k for k, v in options.items() if Fraction(v) == best]
        else:
            a, b = (int(x) for x in re.findall(r"\d+", stem))
            right = [k for k, v in options.items() if int(v) == int(sympy.gcd(a, b))]
        assert right == [q.answer], q.text
        assert len(set(options.values())) == len(options)


def _logic_solutions(text: str) -> tuple[list[dict[str, int]], list[str], list[str]]:
    """All assignments satisfying the clues, by brute force written independently of the bank."""
    names = re.search(r"(?:runners|friends), ([A-Za-z, ]+?), (?:ran|live)", text).group(1)  # type: ignore[union-attr]
    people = re.split(r", | and ", names)
    ordinals = ["first", "second", "third", "fourth", "fifth", "sixth"]
    street = "live in houses" in text
    pets = re.findall(r"a ([a-z]+)", text.split("different pet: ")[1].split(".")[0]) if street else []
    n = len(people)
    sentences = re.split(r"(?<=\.) ", text.rsplit("?", 1)[0])[1:-1]  # without the intro and the question
    out = []
    for places in itertools.permutations(range(n)):
        for owned in (itertools.permutations(range(n)) if street else [()]):
            house = dict(zip(people, places))
            pet_of = {p: pets[o] for p, o in zip(people, owned)}
            owner = {pet: p for p, pet in pet_of.items()}
            ok = True
            for s in sentences:
                if m := re.fullmatch(r"(\w+) finished ahead of (\w+)\.", s):
                    ok = house[m[1]] < house[m[2]]
                elif m := re.fullmatch(r"(\w+) finished immediately ahead of (\w+)\.", s):
                    ok = house[m[2]] - house[m[1]] == 1
                elif m := re.fullmatch(r"Exactly one runner finished between (\w+) and (\w+)\.", s):
                    ok = abs(house[m[1]] - house[m[2]]) == 2
                elif m := re.fullmatch(r"(\w+) finished (\w+)\.", s):
                    ok = house[m[1]] == ordinals.index(m[2])
                elif m := re.fullmatch(r"(\w+) did not finish (\w+)\.", s):
                    ok = house[m[1]] != ordinals.index(m[2])
                elif m := re.fullmatch(r"(\w+) lives in house (\d)\.", s):
                    ok = house[m[1]] == int(m[2]) - 1
                elif m := re.fullmatch(r"(\w+) does not live in house (\d)\.", s):
                    ok = house[m[1]] != int(m[2]) - 1
                elif m := re.fullmatch(r"(\w+) owns the (\w+)\.", s):
                    ok = pet_of[m[1]] == m[2]
                elif m := re.fullmatch(r"(\w+) does not own the (\w+)\.", s):
                    ok = pet_of[m[1]] != m[2]
                elif m := re.fullmatch(r"(\w+) lives next to the (\w+) owner\.", s):
                    ok = abs(house[m[1]] - house[owner[m[2]]]) == 1
                elif m := re.fullmatch(r"The (\w+) owner lives directly to the left of (\w+)\.", s):
                    ok = house[owner[m[1]]] + 1 == house[m[2]]
                elif m := re.fullmatch(r"(\w+) lives in a lower-numbered house than the (\w+) owner\.", s):
                    ok = house[m[1]] < house[owner[m[2]]]
                elif m := re.fullmatch(r"(\w+) lives directly to the left of (\w+)\.", s):
                    ok = house[m[1]] + 1 == house[m[2]]
                elif m := re.fullmatch(r"The (\w+) owner lives in house (\d)\.", s):
                    ok = house[owner[m[1]]] == int(m[2]) - 1
                else:
                    raise AssertionError(f"unknown clue {s!r}")
                if not ok:
                    break
            if ok:
                out.append({"house": house, "pet": pet_of})  # type: ignore[dict-item]
    return out, people, pets


def test_logic_puzzles_have_one_solution_by_independent_brute_force() -> None:
    ordinals = ["first", "second", "third", "fourth", "fifth", "sixth"]
    for q in questions(Logic(), 400):
        solutions, people, _ = _logic_solutions(q.text)
        assert len(solutions) == 1, q.text
        sol = solutions[0]
        if m := re.search(r"Who finished (\w+)\?$", q.text):
            want = next(p for p in people if sol["house"][p] == ordinals.index(m[1]))  # type: ignore[index]
            stated = f"{want} finished {m[1]}."
        elif m := re.search(r"Who owns the (\w+)\?$", q.text):
            want = next(p for p in people if sol["pet"][p] == m[1])  # type: ignore[index]
            stated = f"{want} owns the {m[1]}."
        else:
            who = re.search(r"Which pet does (\w+) own\?$", q.text).group(1)  # type: ignore[union-attr]
            want = sol["pet"][who]  # type: ignore[index]
            stated = f"{who} owns the {want}."
        assert q.answer == want, q.text
        assert stated not in q.text, "the asked fact must never be a clue"


def test_logic_solve_refuses_ambiguous_puzzles() -> None:
    text = ("Three runners, Ann, Bob and Cal, ran a race with no ties. Ann finished ahead of Bob. "
            "Who finished first?")
    with pytest.raises(AbrError, match="has 3 solutions, not exactly one"):
        Logic().solve(text)
    with pytest.raises(AbrError, match=r"cannot read the clue 'Ann flew away\.'"):
        Logic().solve("Three runners, Ann, Bob and Cal, ran a race with no ties. Ann flew away. Who finished first?")


def test_solvers_reject_inconsistent_text() -> None:
    with pytest.raises(AbrError, match="was a Thursday, not a Monday"):
        Calendar().solve("August 9, 2018 was a Monday. What day of the week was January 31, 2017?")
    with pytest.raises(AbrError, match="has 2 correct options"):
        MultipleChoice().solve("Which of the following numbers is prime? (A) 7 (B) 11 (C) 12")
    with pytest.raises(AbrError, match="have no common difference"):
        Sequences().solve("The sequence 1, 2, 4, 8, ... is arithmetic. What is its 9th term?")
    with pytest.raises(AbrError, match="no unique solution"):
        Linear().solve("Solve the system of equations: x + y = 2; 2x + 2y = 4. What is the value of x?")


def test_half_up_rounding_is_exact_not_binary() -> None:
    text = ("Start with 2.675. Multiply it by 1, then add 0. Round only the final result to 2 decimal places. "
            "What is the final result?")
    assert round(2.675, 2) == 2.67  # the float trap: 2.675 is stored as 2.67499999...
    assert MultiStep().solve(text) == "2.68"


# ---------------------------------------------------------------------------------------------------------
# The JSONL bank


def write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_bank_loads_canonical_answers(tmp_path: Path) -> None:
    path = write(tmp_path / "set.jsonl", [
        {"question": "Natalia sold clips to 48 friends and then half as many. How many clips?",
         "answer": "Natalia sold 48/2 = 24 clips in May.\n#### 72", "answer_type": "integer", "difficulty": 0.2},
        {"question": "What is 1,000 + 234?", "answer": "1,234", "answer_type": "integer", "difficulty": 0.1},
        {"question": "Pick one.\n\n(A) x (B) y", "answer": "B", "answer_type": "choice", "level": "Level 5"},
        {"question": "Name the capital of France.", "answer": "Paris", "answer_type": "string",
         "aliases": ["Paris, France"], "level": 3},
        {"question": "Simplify 2/4.", "answer": "\\frac{1}{2}", "answer_type": "expression", "difficulty": 0.9},
        {"question": "What is 10 / 4?", "answer": 2.50, "answer_type": "decimal", "rule": {"places": 2}},
        "",
    ])
    bank = JsonlBank().configure(str(path))
    by_answer = {i.answer: i for i in bank.items}
    assert set(by_answer) == {"72", "1234", "B", "Paris", "\\frac{1}{2}", "2.5"}
    assert by_answer["B"].question == "Pick one.\n(A) x (B) y" and by_answer["B"].difficulty == 1.0
    assert by_answer["Paris"].rule == {"aliases": ["Paris, France"]} and by_answer["Paris"].difficulty == 0.5
    assert by_answer["2.5"].rule == {"places": 2}
    for item in bank.items:
        assert bank.solve(item.question) == item.answer
    easy = {bank.generate(Rng("easy", i), 0.0).answer for i in range(40)}
    hard = {bank.generate(Rng("hard", i), 1.0).answer for i in range(40)}
    assert easy == {"1234"} and hard == {"B"}
    q = bank.generate(Rng("q"), 0.0)
    assert (q.answer_type, q.difficulty) == ("integer", 0.1)
    with pytest.raises(AbrError, match=r"question 'Who\?' is not in"):
        bank.solve("Who?")


def test_jsonl_bank_default_answer_type(tmp_path: Path) -> None:
    path = write(tmp_path / "gsm.jsonl", [{"question": "2 + 2?", "answer": "... #### 4"}])
    bank = JsonlBank().configure(f"{path}:integer")
    assert bank.generate(Rng("x"), 0.5).answer == "4"
    with pytest.raises(AbrError, match=r"gsm\.jsonl:1: no 'answer_type'; add it to each line or give a default"):
        JsonlBank().configure(str(path))


@pytest.mark.parametrize(("rows", "message"), [
    (["{oops"], r"bad\.jsonl:1: not valid JSON"),
    ([{"answer": "1", "answer_type": "integer"}], r"bad\.jsonl:1: 'question' must be a non-empty string"),
    ([{"question": "Q?", "answer_type": "integer"}], r"bad\.jsonl:1: no 'answer' field"),
    (["", {"question": "Q?", "answer": "x1", "answer_type": "integer"}], r"bad\.jsonl:2: answer 'x1' is not a number"),
    ([{"question": "Q?", "answer": "1.5", "answer_type": "integer"}], r"is not an integer; use answer_type decimal"),
    ([{"question": "Q?", "answer": "1", "answer_type": "number"}], r"unknown answer_type 'number'; use one of"),
    ([{"question": "Q?", "answer": "AB", "answer_type": "choice"}], r"a choice answer is one capital letter"),
    ([{"question": "Q?", "answer": "1", "answer_type": "integer", "difficulty": 2}], r"'difficulty' must be"),
    ([{"question": "Q?", "answer": "1", "answer_type": "integer", "level": "hard"}], r"'level' must be 1-5"),
    ([{"question": "Q?", "answer": "1", "answer_type": "decimal", "rule": {"places": -1}}], r"rule 'places'"),
    ([{"question": "Q?", "answer": "1", "answer_type": "integer"},
      {"question": "Q?", "answer": "2", "answer_type": "integer"}],
     r"bad\.jsonl:2: the same question as line 1 with a different answer"),
    ([{"question": "See <document index=1>", "answer": "1", "answer_type": "integer"}], r"<document> marker"),
    ([], r"the file has no questions"),
])
def test_jsonl_bank_errors_name_the_line(tmp_path: Path, rows: list[object], message: str) -> None:
    path = write(tmp_path / "bad.jsonl", rows)
    with pytest.raises(AbrError, match=message):
        JsonlBank().configure(str(path))


def test_jsonl_bank_needs_a_file(tmp_path: Path) -> None:
    with pytest.raises(AbrError, match=r"question bank 'jsonl' needs a file: --question-bank jsonl:PATH"):
        JsonlBank().generate(Rng("x"), 0.5)
    with pytest.raises(AbrError, match=r"question bank jsonl:.*nothing\.jsonl: no such file"):
        JsonlBank().configure(str(tmp_path / "nothing.jsonl"))
    with pytest.raises(AbrError, match="question bank 'arithmetic' takes no argument"):
        Arithmetic().configure("x")


def test_anchor_patterns_never_match_questions_of_random_id_style() -> None:
    """An anchor may be followed by any bank's question; the question must not look like another anchor."""
    caps = re.compile(RandomId.pattern)
    assert not any(caps.search(q.text) for b in SINGLE for q in questions(b, 50, "caps"))
    assert math.isqrt(16) == 4


@pytest.mark.parametrize("bank", [b.name for b in SINGLE])
def test_every_bank_generates_verifiable_samples(bank: str, tmp_path: Path) -> None:
    from abr.cli import main
    from helpers import generate, records

    out = tmp_path / "d.jsonl"
    generate(out, "--skill", "niah", "--question-bank", bank, "-n", "3", "--length", "1500", "--knob",
             "difficulty=0.9")
    assert all(p["bank"] == f"abr/{bank}" for r in records(out) for d in r["blueprint"]["documents"]
               for p in d["pairs"])
    assert main(["verify", str(out)]) == 0
