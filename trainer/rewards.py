"""Reward functions for trl's GRPOTrainer, built on abr's answer checkers.

trl calls each reward function with the prompts, the completions and every dataset column as keyword
lists (repeated once per generation). abr datasets carry ``answer``, ``answer_type``, ``answer_rule`` (JSON
text) and ``skill``, so the correctness reward is exactly the verdict `abr eval` would give.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from abr.answers import extract_final_answer
from abr.registry import Registry
from abr.scoring import judge


def completion_text(completion: Any) -> str:
    """The assistant text of a completion (conversational completions are lists of messages)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list):
        return "".join(str(m.get("content", "")) for m in completion if isinstance(m, dict))
    return str(completion)


def parse_rule(raw: Any) -> dict[str, Any]:
    """A record's judging rule from a dataset column: a dict, JSON text, or empty."""
    if not raw:
        return {}
    if isinstance(raw, dict):
        return raw
    return dict(json.loads(raw))


def truncated(ids: Sequence[int] | None, stop_ids: frozenset[int], limit: int | None) -> bool:
    """A completion that hit the length limit without a stop token (abr eval's ``truncated`` verdict)."""
    if not ids or limit is None or not stop_ids:
        return False
    return len(ids) >= limit and ids[-1] not in stop_ids


def _log_accuracy(rewards: Sequence[float | None], skill: Sequence[str] | None,
                  log_metric: Callable[[str, float], None] | None) -> None:
    if log_metric is None or skill is None:
        return
    for name in sorted(set(skill)):
        picked = [r for r, s in zip(rewards, skill) if s == name and r is not None]
        if picked:
            log_metric(f"accuracy/{name}", sum(picked) / len(picked))


def correctness_reward(registry: Registry, stop_ids: frozenset[int] = frozenset(),
                       max_tokens: int | None = None) -> Callable[..., list[float]]:
    """1.0 when abr's checker accepts the final answer of a finished completion, else 0.0 (a truncated
    completion scores 0, as ``abr eval`` counts it); logs accuracy per skill."""

    def abr_correctness(completions: Sequence[Any], answer: Sequence[str], answer_type: Sequence[str],
                        answer_rule: Sequence[Any] | None = None, skill: Sequence[str] | None = None,
                        completion_ids: Sequence[Sequence[int]] | None = None,
                        log_metric: Callable[[str, float], None] | None = None, **_: Any) -> list[float]:
        rules = answer_rule or [None] * len(completions)
        ids: Sequence[Sequence[int] | None] = completion_ids or [None] * len(completions)
        rewards = [
            0.0 if truncated(i, stop_ids, max_tokens)
            else 1.0 if judge(completion_text(c), gold, kind, parse_rule(rule), registry).correct else 0.0
            for c, gold, kind, rule, i in zip(completions, answer, answer_type, rules, ids)
        ]
        _log_accuracy(rewards, skill, log_metric)
        return rewards

    return abr_correctness


def judged_correctness_reward(registry: Registry, judge_spec: str, store_path: str,
                              stop_ids: frozenset[int] = frozenset(),
                              max_tokens: int | None = None) -> Callable[..., Any]:
    """The correctness reward with the paper's LLM judge for answers the typed checkers cannot parse.

    It scores exactly as ``abr eval --judge`` does (the same scorer and judge client; judge replies are
    cached in ``store_path``); a judge reply that is not understood gives no reward (None: trl leaves the
    completion out of the group baseline).
    """
    from abr.evaluation.backend import BackendOptions, Completion, SamplingParams, parse_model_spec
    from abr.evaluation.judge import Judge
    from abr.evaluation.store import SampleInfo, Store
    from abr.evaluation.verdicts import Scorer

    spec = parse_model_spec(judge_spec, registry)
    spec.check()
    scorer = Scorer(registry, Judge(spec, Store(store_path), SamplingParams(max_tokens=1024), BackendOptions()))

    async def abr_correctness(completions: Sequence[Any], answer: Sequence[str], answer_type: Sequence[str],
                              question: Sequence[str], answer_rule: Sequence[Any] | None = None,
                              skill: Sequence[str] | None = None,
                              completion_ids: Sequence[Sequence[int]] | None = None,
                              log_metric: Callable[[str, float], None] | None = None,
                              **_: Any) -> list[float | None]:
        import asyncio

        rules = answer_rule or [None] * len(completions)
        ids: Sequence[Sequence[int] | None] = completion_ids or [None] * len(completions)
        skills = skill or ["?"] * len(completions)
        jobs = []
        for c, gold, kind, rule, q, i, s in zip(completions, answer, answer_type, rules, question, ids, skills):
            info = SampleInfo(record_id="", dataset="", skill=s, length=None, tokens=None, depth=None, knobs={},
                              question=q, answer=gold, answer_type=kind, answer_rule=parse_rule(rule), needles=(),
                              anchors={})
            finish = "length" if truncated(i, stop_ids, max_tokens) else "stop"
            jobs.append(scorer.score(info, Completion(text=completion_text(c), finish=finish)))
        scored = await asyncio.gather(*jobs)
        rewards: list[float | None] = [
            None if x.verdict == "unscored" else 1.0 if x.verdict == "correct" else 0.0 for x in scored]
        _log_accuracy(rewards, skill, log_metric)
        return rewards

    return abr_correctness


_FINAL_LINE = re.compile(r"^\s*(?:\*\*)?answer(?:\*\*)?\s*:\s*\S", re.IGNORECASE)


def follows_format(text: str) -> bool:
    """Reasoning closed (no unclosed ``<think>``) and the last non-empty line is ``Answer: ...``."""
    if extract_final_answer(text).status == "unclosed-think":
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and bool(_FINAL_LINE.match(lines[-1]))


def format_reward() -> Callable[..., list[float]]:
    """1.0 for a response in the required final format (instruct models; paper Appendix B.3), else 0.0."""

    def abr_format(completions: Sequence[Any], **_: Any) -> list[float]:
        return [1.0 if follows_format(completion_text(c)) else 0.0 for c in completions]

    return abr_format
