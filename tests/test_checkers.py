"""Answer checkers: a table of accepted and rejected responses per checker, with the known traps, judged
end to end (response -> extracted answer -> checker) and directly."""

from __future__ import annotations

from typing import Any

import pytest
from abr.answers import extract_final_answer
from abr.components import AnswerChecker
from abr.host import Host
from abr.plugins.checkers.choice import Choice
from abr.plugins.checkers.expression import Expression
from abr.plugins.checkers.numeric import Numeric
from abr.plugins.checkers.text import ListOf, SetOf, Text


def test_one_builtin_checker_per_answer_type(host: Host) -> None:
    claimed: dict[str, str] = {}
    for entry in host.registry.entries("answer_checker"):
        assert entry.obj.description
        for answer_type in entry.obj.answer_types:
            assert answer_type not in claimed, (answer_type, claimed)
            claimed[answer_type] = entry.qualified
    assert claimed == {"integer": "abr/numeric", "decimal": "abr/numeric", "choice": "abr/choice",
                       "string": "abr/string", "set": "abr/set", "list": "abr/list", "expression": "abr/expression"}
    produced = {t for e in host.registry.entries("question_bank") for t in e.obj.answer_types}
    assert produced <= set(claimed), produced - set(claimed)


NUMERIC = [
    ("123456", "123456", {}, True),
    ("123457", "123456", {}, False),  # off by one
    ("123,456", "123456", {}, True),
    ("12.0", "12", {}, True),
    ("12.5", "12", {}, False),
    ("−12", "-12", {}, True),
    ("１２３", "123", {}, True),
    ("$4,310", "4310", {}, True),
    ("x = 7", "7", {}, True),
    ("3.14", "3.14", {"places": 2}, True),
    ("3.144", "3.14", {"places": 2}, True),
    ("3.145", "3.14", {"places": 2}, True),  # |Δ| = 0.005: within half a unit
    ("3.146", "3.14", {"places": 2}, False),
    ("3.15", "3.14", {"places": 2}, False),
    ("3.14", "3.15", {"places": 2}, False),  # gold 3.145 rounded half-up is 3.15; binary rounding gives 3.14
    ("3.145", "3.15", {"places": 2}, True),
    ("3.145", "3.14", {"places": 2, "mode": "half-up"}, False),  # half-up: 3.145 -> 3.15
    ("3.144", "3.14", {"places": 2, "mode": "half-up"}, True),
    ("3.1", "3.1", {"places": 2}, True),  # canonical gold "3.1" stands for 3.10
    ("3.10", "3.1", {"places": 2}, True),
    ("3.1", "3.14", {}, False),
    ("7/2", "3.5", {}, True),
    ("A or B", "12", {}, False),
    ("twelve", "12", {}, False),
    ("Error: rate limit exceeded", "12", {}, False),
    ("", "12", {}, False),
    ("nan", "12", {}, False),
]


@pytest.mark.parametrize(("predicted", "gold", "rule", "ok"), NUMERIC)
def test_numeric(predicted: str, gold: str, rule: dict[str, Any], ok: bool) -> None:
    assert Numeric().check(predicted, gold, rule) is ok


CHOICE = [
    ("B", True), ("(B)", True), ("B)", True), ("B.", True), ("[B]", True), ("b", True), ("Option B", True),
    ("option (B)", True), ("B) 97", True), ("(B) 97", True), ("B: 97", True), ("**B**", True),
    ("The answer is B", True), ("Answer: B", True),
    ("A", False), ("A or B", False), ("B or A", False), ("A, B", False), ("A and B", False), ("A/B", False),
    ("B (or maybe C)", False), ("E", False), ("97", False), ("Error: rate limit exceeded", False), ("", False),
    ("a prime number", False), ("Both", False),
]


@pytest.mark.parametrize(("predicted", "ok"), CHOICE)
def test_choice(predicted: str, ok: bool) -> None:
    assert Choice().check(predicted, "B", {"options": ["A", "B", "C", "D"]}) is ok


TEXT = [
    ("Tuesday", "Tuesday", {}, True),
    ("tuesday.", "Tuesday", {}, True),
    ("**Tuesday**", "Tuesday", {}, True),
    ("  TUESDAY  ", "Tuesday", {}, True),
    ("Tue", "Tuesday", {}, False),
    ("Tue", "Tuesday", {"aliases": ["Tue"]}, True),
    ("the fish", "fish", {}, True),
    ("A fish", "fish", {}, True),
    ("fishes", "fish", {}, False),
    ("1:12", "01:12", {"aliases": ["1:12"]}, True),
    ("01:13", "01:12", {}, False),
    ("2021-04-17", "2021-04-17", {}, True),
    ("2021-04-18", "2021-04-17", {}, False),
    ("Error: rate limit exceeded", "Paris", {}, False),
    ("", "Paris", {}, False),
]


@pytest.mark.parametrize(("predicted", "gold", "rule", "ok"), TEXT)
def test_text(predicted: str, gold: str, rule: dict[str, Any], ok: bool) -> None:
    assert Text().check(predicted, gold, rule) is ok


COLLECTIONS = [
    (SetOf(), "3, 5, 7", "3, 5, 7", True),
    (SetOf(), "{7, 3, 5}", "3, 5, 7", True),
    (SetOf(), "7; 5 and 3", "3, 5, 7", True),
    (SetOf(), "3, 5, 5, 7", "3, 5, 7", True),
    (SetOf(), "3, 5", "3, 5, 7", False),
    (SetOf(), "3, 5, 7, 9", "3, 5, 7", False),
    (SetOf(), "doc1, doc3", "doc3, doc1", True),
    (SetOf(), "Doc1, DOC3", "doc3, doc1", True),
    (ListOf(), "[3, 5, 7]", "3, 5, 7", True),
    (ListOf(), "3.0, 5, 7", "3, 5, 7", True),
    (ListOf(), "7, 5, 3", "3, 5, 7", False),
    (ListOf(), "3, 5", "3, 5, 7", False),
    (ListOf(), "Error: rate limit exceeded", "3, 5, 7", False),
    (ListOf(), "", "3, 5, 7", False),
]


@pytest.mark.parametrize(("checker", "predicted", "gold", "ok"), COLLECTIONS)
def test_collections(checker: AnswerChecker, predicted: str, gold: str, ok: bool) -> None:
    assert checker.check(predicted, gold, {}) is ok


RESPONSES = [  # (response, gold, answer_type, rule, verdict) through extraction, as a model writes them
    ("<think>123457?</think>Answer: 123456", "123456", "integer", {}, True),
    ("Answer: 123457", "123456", "integer", {}, False),
    ("<think>it is 123456 but let me check", "123456", "integer", {}, False),  # unclosed think: no answer
    ("The total comes to **1,234**.", "1234", "integer", {}, False),  # a sentence is not an answer line
    ("The total comes to 1,234.\nAnswer: **1,234**.", "1234", "integer", {}, True),
    ("Answer: 3.14", "3.15", "decimal", {"places": 2}, False),
    ("\\boxed{3.15}", "3.15", "decimal", {"places": 2}, True),
    ("Answer: A or B", "B", "choice", {"options": ["A", "B", "C", "D"]}, False),
    ("I'll go with (B) 97.\nAnswer: (B)", "B", "choice", {"options": ["A", "B", "C", "D"]}, True),
    ("Error: upstream model timed out", "B", "choice", {"options": ["A", "B", "C", "D"]}, False),
    ("Error: upstream model timed out", "42", "integer", {}, False),
    ("Answer: the parrot", "parrot", "string", {}, True),
]


@pytest.mark.parametrize(("response", "gold", "answer_type", "rule", "ok"), RESPONSES)
def test_responses_end_to_end(host: Host, response: str, gold: str, answer_type: str, rule: dict[str, Any],
                              ok: bool) -> None:
    checker = next(e.obj for e in host.registry.entries("answer_checker") if answer_type in e.obj.answer_types)
    extraction = extract_final_answer(response)
    verdict = extraction.answer is not None and checker.check(extraction.answer, gold, rule)
    assert verdict is ok


EXPRESSIONS = [
    ("\\frac{1}{2}", "\\frac{1}{2}", True),
    ("0.5", "\\frac{1}{2}", True),
    ("(x+1)^2", "x^2+2x+1", True),
    ("e^{2i}\\pi", "\\pi e^{2i}", True),
    ("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", True),
    ("x^2+2x", "x^2+2x+1", False),
    ("\\frac{1}{3}", "\\frac{1}{2}", False),
    ("Error: rate limit exceeded", "x^2+2x+1", False),
    ("", "x^2+2x+1", False),
]


@pytest.fixture(scope="module")
def expression() -> Any:
    checker = Expression(timeout=30)
    yield checker
    checker.pool.close()


@pytest.mark.parametrize(("predicted", "gold", "ok"), EXPRESSIONS)
def test_expression(expression: Expression, predicted: str, gold: str, ok: bool) -> None:
    assert expression.check(predicted, gold, {}) is ok


def test_expression_timeout_counts_as_wrong_and_the_pool_recovers(expression: Expression) -> None:
    before = expression.timeouts
    assert expression.check("(x+1)^2", "x^2+2x+1", {"timeout": 0.0001}) is False
    assert expression.timeouts == before + 1
    assert expression.check("(x+1)^2", "x^2+2x+1", {}) is True
