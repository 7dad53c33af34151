"""The built-in material: procedural haystack, random-ID anchors and near-duplicates, arithmetic bank,
numeric checker and answer extraction."""

from __future__ import annotations

import ast
import operator
import re
from fractions import Fraction

import pytest
from abr.anchors import near_duplicates, similarity
from abr.answers import extract_final_answer, parse_number
from abr.errors import AbrError
from abr.plugins.anchors.random_id import RandomId
from abr.plugins.checkers.numeric import Numeric
from abr.plugins.haystacks.procedural import ProceduralHaystack
from abr.plugins.questions.arithmetic import Arithmetic
from abr.rng import Rng

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def independent_value(expression: str) -> Fraction:
    """Python's own parser, walked over exact fractions: a second opinion on the bank's parser."""

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.BinOp):
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return Fraction(node.value)
        raise AssertionError(f"unexpected node {ast.dump(node)}")

    return walk(ast.parse(expression, mode="eval").body)


def test_arithmetic_answers_are_exact_and_resolvable() -> None:
    bank = Arithmetic()
    seen_ops = set()
    for i in range(3000):
        difficulty = (i % 5) / 4
        q = bank.generate(Rng("test-bank", i), difficulty)
        expression = re.fullmatch(r"What is (.+)\?", q.text).group(1)  # type: ignore[union-attr]
        value = independent_value(expression)
        assert value.denominator == 1
        assert q.answer == str(int(value)) and q.answer_type == "integer"
        assert bank.solve(q.text) == q.answer
        seen_ops |= set(re.findall(r"[-+*/]", expression))
    assert seen_ops == {"+", "-", "*", "/"}


def test_arithmetic_solve_rejects_foreign_text() -> None:
    with pytest.raises(AbrError, match="not an arithmetic question"):
        Arithmetic().solve("Who wrote Hamlet?")
    with pytest.raises(AbrError, match="cannot parse"):
        Arithmetic().solve("What is 2 + __import__('os')?")


def test_haystack_is_deterministic_and_anchor_free() -> None:
    a, b = ProceduralHaystack(), ProceduralHaystack()
    assert len(a.genres()) >= 3
    caps = re.compile(RandomId.pattern)
    for genre in a.genres():
        for i in range(0, 2048, 97):
            p = a.passage(genre, i)
            assert p == b.passage(genre, i)
            assert 2 <= len(p.sentences) <= 7
            for s in p.sentences:
                assert s[0].isupper() and s.endswith(".") and "{" not in s and "?" not in s
                assert not caps.search(s), s
                assert "<document" not in s and "</document>" not in s
        assert a.title(genre, Rng("t", genre)) == b.title(genre, Rng("t", genre))


def test_haystack_varies_across_indices() -> None:
    src = ProceduralHaystack()
    genre = src.genres()[0]
    texts = {" ".join(src.passage(genre, i).sentences) for i in range(200)}
    assert len(texts) == 200


def test_random_ids_and_near_duplicates_hit_the_band() -> None:
    style = RandomId()
    for seed in range(200):
        rng = Rng("nd", seed)
        target = style.make(rng)
        assert re.fullmatch(r"[A-Z]{8}", target)
        decoys = near_duplicates(style, target, 4, (0.8, 0.95), rng.child("d"), set())
        assert len(set(decoys)) == 4 and target not in decoys
        for d in decoys:
            assert 0.8 <= similarity(d, target) <= 0.95
            assert d not in target and target not in d


def test_unreachable_band_is_a_clear_error() -> None:
    message = r"cannot make near-duplicates of 'ABCDEFGH' .* with similarity in \[0.96, 0.99\]"
    with pytest.raises(AbrError, match=message):
        near_duplicates(RandomId(), "ABCDEFGH", 1, (0.96, 0.99), Rng("x"), set())


CHECKS = [
    ("123456", "123456", {}, True),
    ("123457", "123456", {}, False),
    ("1,234", "1234", {}, True),
    ("−12", "-12", {}, True),
    ("１２３", "123", {}, True),
    ("$4,310", "4310", {}, True),
    ("3.14", "3.14", {"places": 2}, True),
    ("3.144", "3.14", {"places": 2}, True),
    ("3.146", "3.14", {"places": 2}, False),
    ("3.145", "3.14", {"places": 2}, True),  # |Δ| = 0.005 is within half a unit
    ("3.15", "3.14", {"places": 2}, False),
    ("3.1", "3.14", {}, False),
    ("A or B", "12", {}, False),
    ("twelve", "12", {}, False),
]


@pytest.mark.parametrize(("predicted", "gold", "rule", "ok"), CHECKS)
def test_numeric_checker(predicted: str, gold: str, rule: dict[str, int], ok: bool) -> None:
    assert Numeric().check(predicted, gold, rule) is ok


@pytest.mark.parametrize(("response", "answer", "status"), [
    ("<think>maybe 41</think>The result.\nAnswer: 42", "42", "ok"),
    ("<think>still thinking about 41", None, "unclosed-think"),
    ("Work...\n**Answer:** 1,024.", "1,024", "ok"),
    ("so the total is \\boxed{17}", "17", "ok"),
    ("Answer: 3\nwait, no.\nAnswer: 5", "5", "ok"),
    ("The answer is 9", "The answer is 9", "ok"),
    ("", None, "empty"),
])
def test_extract_final_answer(response: str, answer: str | None, status: str) -> None:
    got = extract_final_answer(response)
    assert (got.answer, got.status) == (answer, status)


def test_parse_number_rejects_error_text() -> None:
    assert parse_number("Error: rate limit exceeded") is None
    assert parse_number("  -0.50 ") == parse_number("-0.5")
