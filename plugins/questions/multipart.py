"""Multi-part problems for ``abr/multi-source``: one problem split into setup, conditions and sub-questions.

Both banks write problems whose answer needs every part — the setup gives the starting value, each
condition changes it, the last sub-question builds on the first — and compute that answer themselves.
``solve`` reads the assembled problem back (parts in label order, see :mod:`abr.multipart`), checks that
it is one of their problems, and recomputes the answer; nothing is evaluated as code.

- ``abr/multipart-story``: a quantity tracked through events (crates in a warehouse, passengers on a bus,
  books in a library, water in a tank, money in an account), then "how many now?" and a conversion of it.
- ``abr/multipart-algebra``: a chain of variable definitions (``let c = 3 * b``), then an expression
  over the last one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
from abr.multipart import JOIN, MultipartBank, MultipartProblem, assembled_question
from abr.plugins.questions.common import canonical, clamp, evaluate_expression, not_mine
from abr.rng import Rng

MAX_ANSWER = 10**9


def multipart_banks() -> list[MultipartBank]:
    return [StoryProblems(), AlgebraChains()]


# ---------------------------------------------------------------------------------------------------------
# stories


@attrs.frozen
class Story:
    """One kind of tracked quantity: how it starts, grows, shrinks, and what the questions ask."""

    setup: str
    moments: tuple[str, ...]
    gain: str
    loss: str
    ask: str
    convert: str

    def patterns(self) -> dict[str, re.Pattern[str]]:
        return {key: _pattern(getattr(self, key)) for key in ("setup", "gain", "loss", "convert")}


def _pattern(template: str) -> re.Pattern[str]:
    out, pos = [], 0
    for m in re.finditer(r"\{(n|when)\}", template):
        out.append(re.escape(template[pos:m.start()]))
        out.append(r"(\d+)" if m.group(1) == "n" else r"(.+?)")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("^" + "".join(out) + "$")


STORIES = (
    Story("a warehouse starts the week with {n} crates of apples.",
          ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
          "on {when}, a delivery brings {n} more crates.", "on {when}, {n} crates are shipped to shops.",
          "how many crates are in the warehouse after the last event described?",
          "each crate holds {n} apples; using the answer to question 1, how many apples are in the warehouse?"),
    Story("a bus leaves the depot with {n} passengers on board.",
          ("the first stop", "the second stop", "the third stop", "the fourth stop", "the fifth stop",
           "the sixth stop"),
          "at {when}, {n} passengers get on.", "at {when}, {n} passengers get off.",
          "how many passengers are on the bus after the last stop described?",
          "every passenger on board paid a fare of {n} dollars; using the answer to question 1, how many dollars "
          "did they pay together?"),
    Story("a library has {n} books on its shelves at the start of the month.",
          ("week 1", "week 2", "week 3", "week 4", "week 5", "week 6"),
          "in {when}, {n} books are returned.", "in {when}, {n} books are lent out.",
          "how many books are on the shelves after the last week described?",
          "each book is {n} millimetres thick; using the answer to question 1, how many millimetres of shelf do "
          "the books fill?"),
    Story("a water tank holds {n} litres at dawn.",
          ("6 am", "8 am", "10 am", "noon", "2 pm", "4 pm"),
          "at {when}, {n} litres are pumped in.", "at {when}, {n} litres are drawn off.",
          "how many litres are in the tank after the last time described?",
          "the same amount is stored in each of {n} identical tanks; using the answer to question 1, how many "
          "litres do the tanks hold together?"),
    Story("a savings account holds {n} dollars in January.",
          ("February", "March", "April", "May", "June", "July"),
          "in {when}, {n} dollars are deposited.", "in {when}, {n} dollars are withdrawn.",
          "how many dollars are in the account after the last month described?",
          "a matching scheme adds {n} dollars for every dollar in the account; using the answer to question 1, "
          "how many dollars does the scheme add?"),
)
_STORY_PATTERNS = tuple(s.patterns() for s in STORIES)


class StoryProblems(MultipartBank):
    name = "multipart-story"
    version = 1
    description = "Multi-part word problems: a quantity tracked through events, then sub-questions about it"
    answer_types = ("integer",)

    def problem(self, rng: Rng, difficulty: float, parts: int) -> MultipartProblem:
        self.check_parts(parts)
        level = clamp(difficulty)
        story = rng.child("story").choice(STORIES)
        two_questions = parts >= 4
        events = parts - (3 if two_questions else 2)
        scale = 1 + round(level * 9)
        state = rng.child("start").integers(20 * scale, 200 * scale)
        texts = [f"Setup: {_capital(story.setup.format(n=state))}"]
        for i in range(events):
            r = rng.child("event", i)
            if state > 10 and r.chance(0.5):
                n = r.integers(1, max(1, state * 2 // 3))
                state -= n
                line = story.loss.format(when=story.moments[i], n=n)
            else:
                n = r.integers(5 * scale, 60 * scale)
                state += n
                line = story.gain.format(when=story.moments[i], n=n)
            texts.append(f"Condition: {_capital(line)}")
        if not two_questions:
            texts.append(f"Question: {story.ask}")
            return MultipartProblem(tuple(texts), assembled_question(texts, str(state), "integer", level))
        factor = rng.child("factor").integers(2 + scale, 12 + 4 * scale)
        texts += [f"Question 1: {story.ask}", f"Question 2: {story.convert.format(n=factor)}"]
        return MultipartProblem(tuple(texts), assembled_question(texts, str(state * factor), "integer", level))

    def solve(self, text: str) -> str:
        lines = text.split(JOIN)
        head = _lower(lines[0].removeprefix("Setup: "))
        for story, patterns in zip(STORIES, _STORY_PATTERNS):
            m = patterns["setup"].match(head)
            if m:
                return str(_replay(story, patterns, int(m.group(1)), lines[1:], text, self.name))
        raise not_mine(self.name, text)


def _replay(story: Story, patterns: dict[str, re.Pattern[str]], state: int, lines: Sequence[str], text: str,
            bank: str) -> int:
    """The answer of a story problem: apply every condition in order, then the question(s)."""
    asks = [line for line in lines if line.startswith("Question")]
    for line in lines[:len(lines) - len(asks)]:
        body = _lower(line.removeprefix("Condition: "))
        gain, loss = patterns["gain"].match(body), patterns["loss"].match(body)
        if gain:
            state += int(gain.group(2))
        elif loss:
            state -= int(loss.group(2))
        else:
            raise not_mine(bank, text)
    if asks == [f"Question: {story.ask}"]:
        return state
    if len(asks) == 2 and asks[0] == f"Question 1: {story.ask}":
        m = patterns["convert"].match(asks[1].removeprefix("Question 2: "))
        if m:
            return state * int(m.group(1))
    raise not_mine(bank, text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------------------------------------------------
# algebra chains

_VARIABLES = "abcdefg"
_SETUP = re.compile(r"^Setup: let ([a-z]) = (-?\d+)\.$")
_DEFINE = re.compile(r"^Condition: let ([a-z]) = ([-+*/() 0-9a-z]+)\.$")
_ASK = re.compile(r"^Question: what is the value of ([-+*/() 0-9a-z]+)\?$")
_NAME = re.compile(r"[a-z]")


class AlgebraChains(MultipartBank):
    name = "multipart-algebra"
    version = 1
    description = "Multi-part algebra: a chain of variable definitions split over fragments, then an expression"
    answer_types = ("integer",)

    def problem(self, rng: Rng, difficulty: float, parts: int) -> MultipartProblem:
        self.check_parts(parts)
        level = clamp(difficulty)
        high = 20 if level < 0.34 else 60 if level < 0.67 else 150
        names = _VARIABLES[:parts - 1]
        values = {names[0]: rng.child("start").integers(2, high)}
        texts = [f"Setup: let {names[0]} = {values[names[0]]}."]
        for i, name in enumerate(names[1:], 1):
            expr, value = _definition(rng.child("define", i), names[i - 1], names[:i - 1], values, high)
            values[name] = value
            texts.append(f"Condition: let {name} = {expr}.")
        last, first = names[-1], names[0]
        form = rng.child("ask").below(3)
        if form == 0:
            ask, answer = f"{last} + {first}", values[last] + values[first]
        elif form == 1:
            ask, answer = f"{last} - {first}", values[last] - values[first]
        else:
            k = rng.child("ask-k").integers(2, 9)
            ask, answer = f"{k} * {last}", k * values[last]
        texts.append(f"Question: what is the value of {ask}?")
        return MultipartProblem(tuple(texts), assembled_question(texts, str(answer), "integer", level))

    def solve(self, text: str) -> str:
        lines = text.split(JOIN)
        m = _SETUP.match(lines[0])
        if not m or len(lines) < 2:
            raise not_mine(self.name, text)
        values = {m.group(1): int(m.group(2))}
        for line in lines[1:-1]:
            d = _DEFINE.match(line)
            if not d or d.group(1) in values:
                raise not_mine(self.name, text)
            values[d.group(1)] = _value(d.group(2), values, text, self.name)
        q = _ASK.match(lines[-1])
        if not q:
            raise not_mine(self.name, text)
        return canonical(_value(q.group(1), values, text, self.name))


def _definition(rng: Rng, prev: str, earlier: str, values: dict[str, int], high: int) -> tuple[str, int]:
    """A definition of the next variable from the previous one (and sometimes an earlier one)."""
    p = values[prev]
    k = rng.child("k").integers(2, high)
    form = rng.child("form").below(6 if earlier else 4)
    if form == 0:
        return f"{prev} + {k}", p + k
    if form == 1:
        return f"{prev} - {k}", p - k
    if form == 2 and abs(p) < MAX_ANSWER // 12:
        m = rng.child("m").integers(2, 9)
        return f"{m} * {prev}", m * p
    if form == 3:
        divisors = [d for d in range(2, 10) if p % d == 0]
        if divisors:
            d = rng.child("d").choice(divisors)
            return f"{prev} / {d}", p // d
        return f"{prev} + {k}", p + k
    e = rng.child("e").choice(earlier) if earlier else prev
    if form == 4:
        return f"{prev} + {e}", p + values[e]
    return f"{prev} - {e}", p - values[e]


def _value(expr: str, values: dict[str, int], text: str, bank: str) -> int:
    unknown = [n for n in _NAME.findall(expr) if n not in values]
    if unknown:
        raise not_mine(bank, text)
    try:
        result = evaluate_expression(_NAME.sub(lambda m: f"({values[m.group(0)]})", expr))
    except (ValueError, ZeroDivisionError):
        raise not_mine(bank, text) from None
    if result.denominator != 1:
        raise not_mine(bank, text)
    return int(result)
