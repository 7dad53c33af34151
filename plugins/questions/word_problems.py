"""``abr/word-problem``: short word problems about people, with integer answers.

Names come from abr's faker-built entity pool (``corpora/entities.json``), numbers are drawn so that
every intermediate result is a whole, non-negative quantity, and difficulty picks problems of one to
four steps. Each problem is one of a fixed set of templates; ``solve`` recognizes the template, reads
the names and numbers back, checks that repeated names agree, and recomputes the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import attrs
from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import clamp, not_mine
from abr.rng import Rng

_SLOT = re.compile(r"\{(A|B|n\d)\}")


@attrs.frozen
class Template:
    """A problem with name slots {A}, {B} and number slots {n1}..{n4}."""

    steps: int
    text: str
    #: draws the numbers (named n1..) so that the problem makes sense
    draw: Callable[[Rng], dict[str, int]]
    answer: Callable[[Mapping[str, int]], int]

    def pattern(self) -> re.Pattern[str]:
        out, seen, pos = [], set(), 0
        for m in _SLOT.finditer(self.text):
            out.append(re.escape(self.text[pos:m.start()]))
            slot = m.group(1)
            if slot in seen:
                out.append(f"(?P={slot})")
            else:
                out.append(f"(?P<{slot}>[A-Z][a-z]+)" if slot in "AB" else f"(?P<{slot}>\\d+)")
                seen.add(slot)
            pos = m.end()
        out.append(re.escape(self.text[pos:]))
        return re.compile("^" + "".join(out) + "$")


def _shares(r: Rng) -> dict[str, int]:
    friends, each = r.integers(3, 9), r.integers(4, 25)
    left = r.integers(1, friends - 1)
    return {"n1": friends * each + left, "n2": friends, "n3": left}


def _together(r: Rng) -> dict[str, int]:
    b, more = r.integers(5, 60), r.integers(1, 30)
    return {"n1": 2 * b + more, "n2": more}


def _catch_up(r: Rng) -> dict[str, int]:
    weeks, gap, slow = r.integers(2, 20), r.integers(1, 15), r.integers(2, 30)
    return {"n1": slow + gap, "n2": weeks * gap, "n3": slow}


def _fill(r: Rng) -> dict[str, int]:
    minutes, net, drain = r.integers(3, 40), r.integers(2, 25), r.integers(1, 10)
    return {"n1": minutes * net, "n2": net + drain, "n3": drain}


def _ages(r: Rng) -> dict[str, int]:
    years = r.integers(2, 15)
    return {"n1": r.integers(1, 30), "n2": years, "n3": years + r.integers(3, 40)}


TEMPLATES = (
    Template(1, "{A} has {n1} marbles and finds {n2} more. How many marbles does {A} have now?",
             lambda r: {"n1": r.integers(5, 90), "n2": r.integers(2, 60)}, lambda n: n["n1"] + n["n2"]),
    Template(1, "{A} had {n1} stickers and gave {n2} of them to {B}. How many stickers does {A} have left?",
             lambda r: (lambda a: {"n1": a, "n2": r.integers(1, a - 1)})(r.integers(10, 120)),
             lambda n: n["n1"] - n["n2"]),
    Template(1, "{A} buys {n1} packs of pencils with {n2} pencils in each pack. How many pencils does {A} buy?",
             lambda r: {"n1": r.integers(2, 15), "n2": r.integers(3, 24)}, lambda n: n["n1"] * n["n2"]),
    Template(2, "{A} buys {n1} packs of {n2} pencils and gives {n3} pencils to {B}. How many pencils does {A} have "
                "left?",
             lambda r: (lambda p, k: {"n1": p, "n2": k, "n3": r.integers(1, p * k - 1)})(r.integers(2, 12),
                                                                                       r.integers(3, 20)),
             lambda n: n["n1"] * n["n2"] - n["n3"]),
    Template(2, "{A} reads {n1} pages a day for {n2} days and then {n3} pages on the last day. How many pages does "
                "{A} read in total?",
             lambda r: {"n1": r.integers(5, 60), "n2": r.integers(2, 14), "n3": r.integers(1, 80)},
             lambda n: n["n1"] * n["n2"] + n["n3"]),
    Template(2, "{A} shares {n1} cookies equally among {n2} friends and eats the {n3} cookies that are left over. "
                "How many cookies does each friend get?", _shares, lambda n: (n["n1"] - n["n3"]) // n["n2"]),
    Template(3, "{A} earns {n1} dollars an hour and works {n2} hours a week. After {n3} weeks, {A} spends {n4} "
                "dollars on a bicycle. How many dollars does {A} have left?",
             lambda r: (lambda a, b, c: {"n1": a, "n2": b, "n3": c, "n4": r.integers(1, a * b * c - 1)})(
                 r.integers(8, 40), r.integers(5, 40), r.integers(2, 8)),
             lambda n: n["n1"] * n["n2"] * n["n3"] - n["n4"]),
    Template(3, "{A} is {n1} years older than {B}. In {n2} years, {B} will be {n3} years old. How old is {A} now?",
             _ages, lambda n: n["n3"] - n["n2"] + n["n1"]),
    Template(3, "{A} and {B} have {n1} cards together. {A} has {n2} more cards than {B}. How many cards does {B} "
                "have?", _together, lambda n: (n["n1"] - n["n2"]) // 2),
    Template(3, "{A} drives for {n1} hours at {n2} kilometers per hour and then for {n3} hours at {n4} kilometers "
                "per hour. How many kilometers does {A} drive in total?",
             lambda r: {"n1": r.integers(1, 6), "n2": r.integers(30, 110), "n3": r.integers(1, 6),
                        "n4": r.integers(30, 110)},
             lambda n: n["n1"] * n["n2"] + n["n3"] * n["n4"]),
    Template(4, "A bakery sells muffins for {n1} dollars each. On Monday {A} sells {n2} muffins, and on Tuesday {B} "
                "sells {n3} more muffins than {A} did on Monday. How many dollars do the two days bring in?",
             lambda r: {"n1": r.integers(2, 9), "n2": r.integers(10, 80), "n3": r.integers(1, 40)},
             lambda n: n["n1"] * (2 * n["n2"] + n["n3"])),
    Template(4, "{A} saves {n1} dollars every week. {B} starts with {n2} dollars and saves {n3} dollars every week. "
                "{A} starts with nothing. After how many weeks will they have the same amount?", _catch_up,
             lambda n: n["n2"] // (n["n1"] - n["n3"])),
    Template(4, "A tank holds {n1} liters. {A} fills it at {n2} liters per minute while {n3} liters per minute "
                "drain out. Starting empty, how many minutes does it take to fill the tank?", _fill,
             lambda n: n["n1"] // (n["n2"] - n["n3"])),
)


def _consistent(t: Template, n: Mapping[str, int]) -> bool:
    """The numbers make the problem well-posed (exact division, nothing negative)."""
    if "shares" in t.text:
        return n["n3"] < n["n2"] and (n["n1"] - n["n3"]) % n["n2"] == 0
    if "together" in t.text:
        return n["n1"] > n["n2"] and (n["n1"] - n["n2"]) % 2 == 0
    if "same amount" in t.text:
        return n["n1"] > n["n3"] and n["n2"] % (n["n1"] - n["n3"]) == 0
    if "drain out" in t.text:
        return n["n2"] > n["n3"] and n["n1"] % (n["n2"] - n["n3"]) == 0
    if "will be" in t.text:
        return n["n3"] > n["n2"]
    return t.answer(n) >= 0


class WordProblems(QuestionBank):
    name = "word-problem"
    version = 1
    description = "Word problems about named people, 1-4 steps by difficulty, integer answers"
    answer_types = ("integer",)

    def __init__(self) -> None:
        self._names: tuple[str, ...] | None = None
        self._patterns: list[tuple[Template, re.Pattern[str]]] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        if self._names is None:
            from abr.corpora import load_entities

            self._names = load_entities()["first_names"]
        return self._names

    def generate(self, rng: Rng, difficulty: float) -> Question:
        steps = 1 + min(3, int(clamp(difficulty) * 4))
        template = rng.choice([t for t in TEMPLATES if t.steps == steps])
        a, b = rng.sample(self.names, 2)
        numbers = template.draw(rng.child("numbers"))
        text = template.text.format(A=a, B=b, **numbers)
        return Question(text, str(template.answer(numbers)), "integer", difficulty=round((steps - 1) / 3, 2))

    def solve(self, text: str) -> str:
        if self._patterns is None:
            self._patterns = [(t, t.pattern()) for t in TEMPLATES]
        for template, pattern in self._patterns:
            m = pattern.match(text.strip())
            if m:
                groups = m.groupdict()
                if groups.get("A") and groups.get("B") and groups["A"] == groups["B"]:
                    raise AbrError(f"{text[:60]!r}: the two people must differ")
                numbers = {k: int(v) for k, v in groups.items() if k.startswith("n")}
                if not _consistent(template, numbers):
                    raise AbrError(f"{text[:60]!r}: the numbers do not make a well-posed problem")
                return str(template.answer(numbers))
        raise not_mine(self.name, text)
