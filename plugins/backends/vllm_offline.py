"""``vllm:PATH``: vLLM's offline engine in this process (needs the ``vllm`` extra and a GPU).

All requests of a batch go to one ``LLM.generate`` call, which schedules them itself. Prompts are rendered
with the model's chat template and counted first: one whose tokens plus ``--max-tokens`` exceed the
engine's ``max_model_len`` is refused as over-length rather than failing the whole batch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from abr.errors import AbrError
from abr.evaluation.backend import BackendOptions, Completion, ModelBackend, ModelClient, Request, over_length


class VllmClient(ModelClient):
    parallel = 1

    def __init__(self, path: str, batch_size: int) -> None:
        from vllm import LLM

        self.batch_size = batch_size
        self.llm = LLM(model=path)
        self.tokenizer = self.llm.get_tokenizer()
        engine = self.llm.llm_engine
        config = getattr(engine, "model_config", None) or engine.vllm_config.model_config
        self.max_len: int = config.max_model_len

    async def generate(self, batch: Sequence[Request]) -> list[Completion]:
        return await asyncio.to_thread(self._generate, batch)

    def _generate(self, batch: Sequence[Request]) -> list[Completion]:
        from vllm import SamplingParams

        out: list[Completion | None] = [None] * len(batch)
        prompts: list[Any] = []
        sampling = []
        runnable = []
        for i, request in enumerate(batch):
            p = request.params
            text = self.tokenizer.apply_chat_template(list(request.messages), add_generation_prompt=True,
                                                      tokenize=False)
            ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
            out[i] = over_length(len(ids), p.max_tokens, self.max_len, "vLLM's max_model_len")
            if out[i] is not None:
                continue
            extra: dict[str, Any] = {}
            if p.top_p is not None:
                extra["top_p"] = p.top_p
            if p.top_k is not None:
                extra["top_k"] = p.top_k
            sampling.append(SamplingParams(temperature=p.temperature, max_tokens=p.max_tokens, seed=request.seed,
                                           **extra))
            prompts.append({"prompt_token_ids": list(ids)})
            runnable.append(i)
        if runnable:
            started = time.perf_counter()
            results = self.llm.generate(prompts, sampling_params=sampling, use_tqdm=False)
            latency = time.perf_counter() - started
            for i, result in zip(runnable, results):
                o = result.outputs[0]
                out[i] = Completion(text=o.text, finish="length" if o.finish_reason == "length" else "stop",
                                    prompt_tokens=len(result.prompt_token_ids or []),
                                    completion_tokens=len(o.token_ids), latency_s=latency)
        return [c for c in out if c is not None]


class VllmOffline(ModelBackend):
    name = "vllm"
    version = 1
    usage = "PATH (a model folder or hub name vLLM can load)"
    description = "vLLM's offline engine in this process (needs the vllm extra and a GPU)"

    def check(self, argument: str) -> None:
        try:
            import vllm  # noqa: F401
        except ImportError:
            raise AbrError("the vllm: backend needs vLLM and a GPU: pip install 'abr[vllm]' (or serve the model "
                           "with `vllm serve` and use --model openai:MODEL@http://HOST:8000/v1)") from None

    def open(self, argument: str, options: BackendOptions) -> ModelClient:
        return VllmClient(argument, batch_size=options.concurrency or 1024)
