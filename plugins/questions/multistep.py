"""``abr/multi-step``: a chain of operations with a stated rounding rule (paper Appendix A.5: "round
intermediate steps to 2 decimal places").

'Start with 17.5. Divide it by 6, then multiply the result by 4.25, then subtract 2.1. Round every
intermediate result to 2 decimal places. What is the final result?' Rounding is half-up (ties away from
zero) on exact fractions, so 3.145 becomes 3.15, never the 3.14 that binary floats give. The answer has
answer type ``decimal`` and rule ``{"places": k}``. Difficulty sets the number of steps (2-5), the places
(0-3) and how often division appears.
"""

from __future__ import annotations

import re
from fractions import Fraction

from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import canonical, clamp, not_mine, parse_number, round_half_up, show
from abr.rng import Rng

_VERBS = {"+": "add {x}", "-": "subtract {x}", "*": "multiply the result by {x}", "/": "divide the result by {x}"}
_FIRST = {"+": "Add {x} to it", "-": "Subtract {x} from it", "*": "Multiply it by {x}", "/": "Divide it by {x}"}
_STEP = re.compile(r"^(?:add (?P<add>[\d.]+)|subtract (?P<sub>[\d.]+)|multiply the result by (?P<mul>[\d.]+)|"
                   r"divide the result by (?P<div>[\d.]+))$")
_FIRST_STEP = re.compile(r"^(?:Add (?P<add>[\d.]+) to it|Subtract (?P<sub>[\d.]+) from it|Multiply it by "
                         r"(?P<mul>[\d.]+)|Divide it by (?P<div>[\d.]+))$")
_QUESTION = re.compile(r"^Start with (?P<start>[\d.]+)\. (?P<steps>.+)\. Round (?P<mode>every intermediate result|"
                       r"only the final result) to (?P<places>\d+) decimal places?\. What is the final result\?$")
_OPS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


def run(start: Fraction, steps: list[tuple[str, Fraction]], places: int, every_step: bool) -> Fraction:
    """The chain's exact result with the stated rounding."""
    value = start
    for op, x in steps:
        if op == "+":
            value += x
        elif op == "-":
            value -= x
        elif op == "*":
            value *= x
        else:
            value /= x
        if every_step:
            value = Fraction(round_half_up(value, places))
    return Fraction(round_half_up(value, places))


class MultiStep(QuestionBank):
    name = "multi-step"
    version = 1
    description = "Chains of 2-5 operations with stated half-up rounding (every step or final), decimal answers"
    answer_types = ("decimal",)

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = clamp(difficulty)
        n_steps = 2 + round(level * 3)
        places = rng.integers(1, 2) if level < 0.7 else rng.choice((0, 1, 2, 3))
        every_step = rng.chance(0.3 + 0.5 * level)
        start = Fraction(rng.integers(11, 999), 10)
        steps: list[tuple[str, Fraction]] = []
        for k in range(n_steps):
            r = rng.child("step", k)
            op = r.choice(("+", "-", "*", "/") if level >= 0.3 else ("+", "-", "*"))
            if op in "+-":
                x = Fraction(r.integers(11, 2999), 100)
            elif op == "*":
                x = Fraction(r.integers(11, 99), 10) if r.chance(0.6) else Fraction(r.integers(2, 9))
            else:
                x = Fraction(r.integers(3, 13)) if r.chance(0.7) else Fraction(r.integers(11, 49), 10)
            steps.append((op, x))
        words = [_FIRST[steps[0][0]].format(x=show(steps[0][1]))]
        words += [_VERBS[op].format(x=show(x)) for op, x in steps[1:]]
        mode = "every intermediate result" if every_step else "only the final result"
        unit = "place" if places == 1 else "places"
        text = (f"Start with {show(start)}. {', then '.join(words)}. Round {mode} to {places} decimal {unit}. "
                f"What is the final result?")
        answer = run(start, steps, places, every_step)
        return Question(text, canonical(answer), "decimal", difficulty=round((n_steps - 2) / 3, 2),
                        rule={"places": places})

    def solve(self, text: str) -> str:
        m = _QUESTION.match(text.strip())
        if not m:
            raise not_mine(self.name, text)
        parts = m.group("steps").split(", then ")
        steps = []
        for k, part in enumerate(parts):
            sm = (_FIRST_STEP if k == 0 else _STEP).match(part)
            if not sm:
                raise AbrError(f"cannot read step {part!r} of {text[:60]!r}")
            key = next(g for g, v in sm.groupdict().items() if v is not None)
            steps.append((_OPS[key], parse_number(sm.group(key))))
        try:
            answer = run(parse_number(m.group("start")), steps, int(m.group("places")),
                         m.group("mode").startswith("every"))
        except ZeroDivisionError:
            raise AbrError(f"division by zero in {text[:60]!r}") from None
        return canonical(answer)
