"""Answer-program operators added for the atomic skills: let, mod, abs, titled, title_has — values, notation,
and the errors that keep programs honest."""

from __future__ import annotations

import pytest
from abr.errors import ProgramError
from abr.program import answer_of, evaluate, notation


def pair(anchor: str, answer: str) -> dict[str, str]:
    return {"anchor": anchor, "question": f"q of {anchor}", "answer": answer, "answer_type": "integer",
            "role": "filler"}


BP = {
    "anchors": {"anc1": "AAAAAAAA", "anc2": "BBBBBBBB", "anc3": "CCCCCCCC"},
    "documents": [
        {"id": "doc1", "title": "Incident Timeline for April 14", "genre": "technical-log",
         "pairs": [pair("anc1", "-47"), pair("anc2", "5")]},
        {"id": "doc2", "title": "Incident Review Notes", "genre": "technical-log", "pairs": [pair("anc1", "12")]},
        {"id": "doc3", "title": "A Portrait of Russell Lane", "genre": "biography", "pairs": [pair("anc3", "30")]},
    ],
}


def test_let_binds_once_and_prints_as_where() -> None:
    program = ["let", "D", ["argmax", "d", ["all_docs"], ["count", ["anchors", ["var", "d"]]]],
               ["solve", ["Q", "anc1", ["var", "D"]]]]
    assert answer_of(program, BP) == "-47"
    assert notation(program) == "(solve(Q(anc1, D)) where D = argmax_{d ∈ all_docs()} |anchors(d)|)"
    with pytest.raises(ProgramError, match="unbound variable 'D'"):
        evaluate(["list", ["let", "D", 1, ["var", "D"]], ["var", "D"]], BP)


def test_mod_and_abs_give_the_last_digit() -> None:
    last_digit = ["mod", ["abs", ["solve", ["Q", "anc1", "doc1"]]], 10]
    assert evaluate(last_digit, BP) == 7
    assert notation(last_digit) == "(|solve(Q(anc1, doc1))| mod 10)"
    with pytest.raises(ProgramError, match="mod: division by zero"):
        evaluate(["mod", 3, 0], BP)
    with pytest.raises(ProgramError, match="mod: expects integers"):
        evaluate(["mod", ["div", 1, 2], 10], BP)


def test_titles_identify_documents_and_ambiguity_fails() -> None:
    assert answer_of(["solve", ["Q", "anc1", ["only", ["titled", "Incident Review Notes"]]]], BP) == "12"
    assert notation(["only", ["title_has", "Portrait"]]) == 'only(title_has("Portrait"))'
    assert evaluate(["only", ["title_has", "Portrait"]], BP) == "doc3"
    with pytest.raises(ProgramError, match="only: expected exactly one element, got 2"):
        evaluate(["only", ["title_has", "Incident"]], BP)
