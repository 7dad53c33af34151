"""The optional LLM judge (``abr eval --judge SPEC``) for answers the typed checkers cannot parse.

It sees the meta-question, the gold answer and the last characters of the response with its reasoning
blocks removed — never the long context — and must reply CORRECT or INCORRECT. Replies are cached in the
run store by (judge, parameters, question, gold, response tail); a reply with neither word is "unscored",
and a failed judge request is not cached, so a rerun asks again.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from abr.answers import strip_reasoning
from abr.evaluation.backend import (
    BackendOptions,
    ModelClient,
    ModelSpec,
    Request,
    SamplingParams,
    canonical_json,
    sha256_hex,
)

if TYPE_CHECKING:
    from abr.evaluation.store import SampleInfo, Store

TAIL_CHARS = 2000
_VERDICT = re.compile(r"\b(INCORRECT|CORRECT)\b", re.IGNORECASE)

PROMPT = """You are grading the final answer of a response against a reference answer.
Reply with exactly one word: CORRECT if the response's final answer is equivalent to the reference answer, \
otherwise INCORRECT.

Question: {question}

Reference answer: {gold}

End of the response:
<<<
{tail}
>>>

Verdict (CORRECT or INCORRECT):"""


def response_tail(text: str) -> str:
    """The response without reasoning blocks, cut to its last ``TAIL_CHARS`` characters."""
    return (strip_reasoning(text) or "").strip()[-TAIL_CHARS:]


def parse_reply(reply: str) -> str | None:
    """``correct``/``wrong`` from the judge's last CORRECT/INCORRECT word outside reasoning, or None."""
    words = _VERDICT.findall(strip_reasoning(reply) or "")
    if not words:
        return None
    return "wrong" if words[-1].upper() == "INCORRECT" else "correct"


class Judge:
    """A binary grader on any model backend (usually ``openai:``), cached in the run store."""

    def __init__(self, spec: ModelSpec, store: Store, params: SamplingParams, options: BackendOptions) -> None:
        self.spec = spec
        self.identity = spec.identity
        self.store = store
        self.params = params
        self.options = options
        self._client: ModelClient | None = None
        self._gate: asyncio.Semaphore | None = None

    async def grade(self, info: SampleInfo, response: str) -> tuple[str | None, str]:
        tail = response_tail(response)
        key = sha256_hex(canonical_json([self.identity, self.params.as_json(), info.question, info.answer, tail]))
        cached = self.store.judgement(key)
        if cached is not None:
            return cached
        if self._client is None:
            self._client = self.spec.backend.open(self.spec.argument, self.options)
            self._gate = asyncio.Semaphore(max(1, self._client.parallel))
        assert self._gate is not None
        prompt = PROMPT.format(question=info.question, gold=info.answer, tail=tail)
        request = Request(key=key, record={}, messages=({"role": "user", "content": prompt},), sample=0, seed=0,
                          params=self.params)
        async with self._gate:
            (completion,) = await self._client.generate([request])
        if completion.finish in ("error", "over-length"):
            return None, f"judge request failed: {completion.error}"
        verdict = parse_reply(completion.text)
        self.store.put_judgement(key, self.identity, verdict, completion.text)
        return verdict, completion.text

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
