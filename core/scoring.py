"""Judging one response against a record's gold answer — shared by evaluation, filtering and training.

The final answer is extracted (:func:`abr.answers.extract_final_answer`) and handed to the answer checker
registered for the record's ``answer_type``; a built-in checker wins over a plugin's when both judge a type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from abr.answers import extract_final_answer
from abr.components import AnswerChecker
from abr.registry import BUILTIN, Registry

VERDICTS = ("correct", "wrong", "no-answer", "unscored")


@attrs.frozen
class Judgement:
    """``verdict`` is one of VERDICTS; ``extracted`` is the final answer found (None for no-answer)."""

    verdict: str
    extracted: str | None
    checker: str | None = None
    reason: str = ""

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"


def checker_for(answer_type: str, registry: Registry) -> tuple[str, AnswerChecker] | None:
    """The checker (qualified name, object) for an answer type: the built-in one first, else the first plugin's."""
    entries = [e for e in registry.entries("answer_checker") if answer_type in e.obj.answer_types]
    entries.sort(key=lambda e: e.plugin != BUILTIN)
    return (entries[0].qualified, entries[0].obj) if entries else None


def judge(response: str, gold: str, answer_type: str, rule: Mapping[str, Any] | None,
          registry: Registry) -> Judgement:
    """The verdict on one response."""
    extraction = extract_final_answer(response)
    if extraction.answer is None:
        return Judgement("no-answer", None, reason=extraction.status)
    found = checker_for(answer_type, registry)
    if found is None:
        return Judgement("unscored", extraction.answer, reason=f"no answer checker judges '{answer_type}'")
    name, checker = found
    ok = checker.check(extraction.answer, gold, dict(rule or {}))
    return Judgement("correct" if ok else "wrong", extraction.answer, name)
