"""``baseline:oracle|naive|random``: answers without a model, so the whole pipeline runs anywhere.

``oracle`` gives the gold answer (every scored sample correct: a check on the scorer). ``naive`` finds the
first anchor the meta-question names, takes its first occurrence in reading order and answers the question
there — what a retriever that ignores document scope and interference would say. ``random`` answers the
question of a pair drawn at random from the context, the chance level of a model that retrieves blindly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from abr.errors import AbrError
from abr.evaluation.backend import BackendOptions, Completion, ModelBackend, ModelClient, Request
from abr.rng import Rng


def oracle_answer(record: Mapping[str, Any], sample: int) -> str | None:
    return str(record["answer"])


def naive_answer(record: Mapping[str, Any], sample: int) -> str | None:
    blueprint = record["blueprint"]
    question = record["question"]
    named = sorted((question.find(text), -len(text), anchor_id)
                   for anchor_id, text in blueprint["anchors"].items() if text in question)
    if not named:
        return None
    anchor_id = named[0][2]
    for doc in blueprint["documents"]:
        for pair in doc["pairs"]:
            if pair["anchor"] == anchor_id:
                return pair.get("answer")
    return None


def random_answer(record: Mapping[str, Any], sample: int) -> str | None:
    answers = [p["answer"] for d in record["blueprint"]["documents"] for p in d["pairs"] if "answer" in p]
    if not answers:
        return None
    return Rng("abr-eval", "baseline-random", record["id"], sample).choice(answers)


POLICIES: dict[str, Callable[[Mapping[str, Any], int], str | None]] = {
    "oracle": oracle_answer,
    "naive": naive_answer,
    "random": random_answer,
}


class BaselineClient(ModelClient):
    def __init__(self, policy: Callable[[Mapping[str, Any], int], str | None], batch_size: int) -> None:
        self.policy = policy
        self.batch_size = batch_size

    async def generate(self, batch: Sequence[Request]) -> list[Completion]:
        out = []
        for request in batch:
            answer = self.policy(request.record, request.sample)
            out.append(Completion(text="" if answer is None else f"Answer: {answer}", finish="stop"))
        return out


class Baseline(ModelBackend):
    name = "baseline"
    version = 1
    usage = "oracle|naive|random"
    description = ("Answers without a model: oracle (the gold answer), naive (first occurrence of the named "
                   "anchor), random (a random pair's answer)")

    def check(self, argument: str) -> None:
        if argument not in POLICIES:
            raise AbrError(f"unknown baseline {argument!r}: use baseline:oracle, baseline:naive or baseline:random")

    def open(self, argument: str, options: BackendOptions) -> ModelClient:
        return BaselineClient(POLICIES[argument], batch_size=options.concurrency or 256)
