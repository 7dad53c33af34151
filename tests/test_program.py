"""The answer-program interpreter: exact values, the paper's notation, and rejection of bad programs."""

from __future__ import annotations

import pytest
from abr.errors import ProgramError
from abr.program import answer_of, evaluate, notation, validate


def pair(anchor: str, answer: str, answer_type: str = "integer") -> dict[str, str]:
    return {"anchor": anchor, "question": f"q of {anchor}", "answer": answer, "answer_type": answer_type,
            "role": "filler"}


# The paper's blueprint (§2.2): 5 anchors across 3 documents.
PAPER = {
    "anchors": {f"anc{i}": f"ANCHOR{i}" for i in range(1, 6)},
    "documents": [
        {"id": "doc1", "title": "", "genre": "", "pairs": [pair("anc4", "10"), pair("anc5", "20"), pair("anc3", "7")]},
        {"id": "doc2", "title": "", "genre": "", "pairs": [pair("anc1", "1"), pair("anc5", "2"), pair("anc2", "3")]},
        {"id": "doc3", "title": "", "genre": "", "pairs": [pair("anc4", "40"), pair("anc3", "11")]},
    ],
}


def test_paper_relational_example() -> None:
    # "In the document that contains both anchor5 and anchor3, what is the answer to anchor4's question?"
    program = ["solve", ["Q", "anc4", ["only", ["intersect", ["docs", "anc5"], ["docs", "anc3"]]]]]
    assert answer_of(program, PAPER) == "10"
    assert notation(program) == "solve(Q(anc4, in_doc(docs(anc5) ∩ docs(anc3))))"


def test_paper_computational_example() -> None:
    # "The sum of the answers to the questions for anchor3 in all documents that contain it."
    program = ["sum", ["map", "d", ["docs", "anc3"], ["solve", ["Q", "anc3", ["var", "d"]]]]]
    assert answer_of(program, PAPER) == "18"
    assert notation(program) == "∑[solve(Q(anc3, d)) for d ∈ docs(anc3)]"


def test_set_operations_keep_document_order() -> None:
    assert evaluate(["union", ["docs", "anc3"], ["docs", "anc1"]], PAPER) == ["doc1", "doc3", "doc2"]
    assert evaluate(["difference", ["docs", "anc4"], ["docs", "anc5"]], PAPER) == ["doc3"]
    assert evaluate(["anchors", "doc2"], PAPER) == ["anc1", "anc5", "anc2"]
    assert evaluate(["all_anchors"], PAPER) == ["anc4", "anc5", "anc3", "anc1", "anc2"]
    assert evaluate(["before", "anc2", ["anchors", "doc2"]], PAPER) == "anc5"


def test_frequency_ranking_and_position() -> None:
    once = ["filter", "a", ["all_anchors"], ["eq", ["occurrences", ["var", "a"]], 1]]
    assert evaluate(once, PAPER) == ["anc1", "anc2"]
    busiest = ["argmax", "d", ["all_docs"], ["count", ["anchors", ["var", "d"]]]]
    with pytest.raises(ProgramError, match="ambiguous: 2 elements tie at 3"):
        evaluate(busiest, PAPER)
    assert evaluate(["argmin", "d", ["all_docs"], ["count", ["anchors", ["var", "d"]]]], PAPER) == "doc3"
    assert evaluate(["last", ["anchors", "doc3"]], PAPER) == "anc3"
    assert evaluate(["nth", ["anchors", "doc1"], -2], PAPER) == "anc5"


def test_conditional_arithmetic_with_half_up_rounding() -> None:
    bp = {"anchors": {"anc1": "A", "anc2": "B"}, "documents": [
        {"id": "doc1", "title": "", "genre": "",
         "pairs": [pair("anc1", "2.675", "decimal"), pair("anc2", "3", "integer")]}]}
    program = ["if", ["gt", ["count", ["docs", "anc1"]], 0],
               ["round", ["mul", ["solve", ["Q", "anc1"]], ["solve", ["Q", "anc2"]]], 2],
               ["neg", 1]]
    assert answer_of(program, bp) == "8.03"  # 8.025 rounds half-up, not to even
    assert answer_of(["round", 2.675, 2], bp) == "2.68"
    assert answer_of(["div", 7, 2], bp) == "3.5"
    assert answer_of(["div", 8, 2], bp) == "4"
    assert answer_of(["sub", 3, 10], bp) == "-7"


def test_ambiguous_question_is_an_error() -> None:
    with pytest.raises(ProgramError, match=r"Q\(anc4\) is ambiguous: 2 occurrences"):
        evaluate(["solve", ["Q", "anc4"]], PAPER)
    assert answer_of(["solve", ["Q", "anc4", "doc3"]], PAPER) == "40"


@pytest.mark.parametrize(("program", "message"), [
    (["exec", "rm -rf /"], "unknown operator 'exec'"),
    (["solve"], "takes 1 arguments, got 0"),
    (["docs", "anc9"], "unknown anchor id 'anc9'"),
    (["div", 1, 0], "division by zero"),
    ([], "must be \\[op, args...\\]"),
    ({"op": "sum"}, "must be \\[op, args...\\]"),
    (["Q", "anc1"], "returns a question, not an answer"),
    (["round", 1.5, 40], "places must be an integer in 0..12"),
])
def test_bad_programs_are_rejected(program: object, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        answer_of(program, PAPER)


def test_depth_and_size_limits() -> None:
    deep: list[object] = ["count", ["all_docs"]]
    for _ in range(70):
        deep = ["neg", deep]
    with pytest.raises(ProgramError, match="nested deeper than 64"):
        validate(deep)
    wide = ["list", *([1] * 10_001)]
    with pytest.raises(ProgramError, match="more than 10000 nodes"):
        validate(wide)
