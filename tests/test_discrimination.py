"""The skills discriminate: a reader that takes the first occurrence of the anchor the question names and
answers the question after it is right on every niah sample and wrong on most anti-interference and logic
samples.

The reader works from the prompt text alone. It takes the first anchor-shaped string of the meta-question
(the anchor style's pattern) and the first pair in reading order whose anchor *reads as* that one — equal, or
within rapidfuzz similarity 0.8, as a skimming reader sees near-duplicates — and solves its question with the
sample's question bank. On niah the anchors are unrelated random strings, so it finds the target.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from abr.anchors import similarity
from abr.errors import AbrError
from abr.generate import Engine
from abr.host import Host
from abr.recipe import Recipe, SkillEntry
from abr.verify import find_documents

HOST = Host(candidates=[], env={})
STYLE = re.compile(HOST.registry.get("anchor_style", "random-id").pattern)


def first_occurrence_reader(rec: dict[str, Any]) -> str | None:
    named = STYLE.search(rec["question"])
    if named is None:
        return None
    prompt = rec["prompt"]
    for _, _, start, end in find_documents(prompt):
        for paragraph in prompt[start:end].split("\n\n"):
            head = STYLE.match(paragraph)
            if head and paragraph.startswith(": ", head.end()) and \
                    similarity(head.group(0), named.group(0)) >= 0.8:
                bank = HOST.registry.get("question_bank", "arithmetic")
                try:
                    return str(bank.solve(paragraph[head.end() + 2:]))
                except AbrError:
                    return None
    return None


def accuracy(skill: str, n: int = 120, **knobs: Any) -> float:
    entry = SkillEntry(skill, knobs={k: tuple(v) if isinstance(v, list) else v for k, v in knobs.items()})
    engine = Engine(Recipe(skills=(entry,), n=n, lengths=(2048,), depths="uniform", seed=11), host=HOST)
    right = sum(first_occurrence_reader(rec) == rec["answer"] for rec in (engine.record(i) for i in range(n)))
    return right / n


def test_the_reader_is_right_on_every_niah_sample() -> None:
    assert accuracy("niah", pairs=[2, 4, 8, 16], documents=[1, 4, 8]) == 1.0


@pytest.mark.parametrize("variant", ["similar", "conflict", "mixed"])
def test_the_reader_is_wrong_on_most_anti_interference_samples(variant: str) -> None:
    assert accuracy("anti-interference", variant=variant) < 0.35


def test_the_reader_is_wrong_on_most_logic_samples() -> None:
    assert accuracy("logic") < 0.2
