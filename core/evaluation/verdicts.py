"""Verdicts: what became of each request, decided in a fixed order so no failure is graded as an answer.

1. ``over-length`` — the server (or local engine) refused the prompt as longer than the model's context;
2. ``error`` — the request failed after its retries (the error text is kept, never graded);
3. ``truncated`` — generation hit ``--max-tokens`` before the model stopped;
4. ``no-answer`` — no final answer could be extracted (empty response, or reasoning never closed);
5. ``unscored`` — no checker is registered for the record's ``answer_type``, or the judge's reply was not
   understood;
6. ``correct`` / ``wrong`` — the typed checker's decision (or, for an answer the checker cannot parse, the
   optional LLM judge's).

Only ``correct`` and ``wrong`` count toward accuracy by default; the rest are reported beside it.
The answer is extracted with :func:`abr.answers.extract_final_answer` from the response text only — the
separate reasoning a server returns is stored but never parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from abr.answers import parse_number
from abr.evaluation.backend import Completion
from abr.evaluation.store import Scored
from abr.scoring import checker_for, judge

if TYPE_CHECKING:
    from abr.evaluation.judge import Judge
    from abr.evaluation.store import SampleInfo
    from abr.registry import Registry

VERDICTS = ("correct", "wrong", "no-answer", "truncated", "over-length", "error", "unscored")
#: verdicts that count toward accuracy by default; ``--strict`` also counts failures as wrong
COUNTED = ("correct", "wrong")
FAILURES = ("no-answer", "truncated", "over-length", "error")


def checker_parses(checker: Any, predicted: str, answer_type: str, rule: Any) -> bool:
    """Whether a checker can read ``predicted`` at all (only then is a rejection a real 'wrong').

    A checker may say so itself with ``parses(predicted, rule) -> bool``; for the numeric types the shared
    number parser decides; otherwise an answer is taken as readable.
    """
    parses = getattr(checker, "parses", None)
    if callable(parses):
        return bool(parses(predicted, rule))
    if answer_type in ("integer", "decimal"):
        return parse_number(predicted) is not None
    return True


class Scorer:
    """Turns completions into verdicts: failures first, then :func:`abr.scoring.judge` (extraction and the
    registered answer checker), then the optional LLM judge for answers the checker cannot read."""

    def __init__(self, registry: Registry, judge: Judge | None = None) -> None:
        self.registry = registry
        self.judge = judge
        self._labels: dict[str, str] = {}

    def label(self, answer_type: str) -> str:
        """Which checker (and judge) scored a type; a stored verdict with another label is scored again."""
        if answer_type not in self._labels:
            found = checker_for(answer_type, self.registry)
            base = f"{found[0]}@{found[1].version}" if found is not None else "none"
            self._labels[answer_type] = base if self.judge is None else f"{base}+judge:{self.judge.identity}"
        return self._labels[answer_type]

    async def score(self, info: SampleInfo, completion: Completion) -> Scored:
        label = self.label(info.answer_type)
        if completion.finish == "over-length":
            return Scored("over-length", note=completion.error, scorer=label)
        if completion.finish == "error":
            return Scored("error", note=completion.error, scorer=label)
        if completion.finish == "length":
            return Scored("truncated", note="generation hit --max-tokens before the model stopped", scorer=label)
        try:
            result = judge(completion.text, info.answer, info.answer_type, info.answer_rule, self.registry)
        except Exception as exc:  # a plugin checker that raises must not end the run
            return Scored("unscored", note=f"the answer checker failed: {type(exc).__name__}: {exc}", scorer=label)
        answer = result.extracted
        if result.verdict != "wrong" or answer is None:
            return Scored(result.verdict, answer, result.reason, label)
        found = checker_for(info.answer_type, self.registry)
        assert found is not None
        if checker_parses(found[1], answer, info.answer_type, info.answer_rule):
            return Scored("wrong", answer, "", label)
        if self.judge is None:
            return Scored("wrong", answer, f"{found[0]} cannot parse the answer", label)
        verdict, reply = await self.judge.grade(info, completion.text)
        if verdict is None:
            return Scored("unscored", answer, f"judge reply not understood: {' '.join(reply.split())[:120]}", label)
        return Scored(verdict, answer, f"judged by {self.judge.identity}", label)
