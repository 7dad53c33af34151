"""``hf:PATH``: a transformers causal LM on CPU or GPU, generating ``--concurrency`` prompts per batch.

PATH is a model folder (``config.json`` + weights + tokenizer) or a ``.gguf`` file (loaded with
``gguf_file=``; needs the ``gguf`` package). Prompts go through the tokenizer's chat template when it has
one. A prompt whose tokens plus ``--max-tokens`` exceed the model's positions is refused as over-length,
as vLLM refuses it, instead of being silently truncated. torch and transformers are imported only here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from abr.errors import AbrError
from abr.evaluation.backend import BackendOptions, Completion, ModelBackend, ModelClient, Request, over_length


def _locate(argument: str) -> tuple[str, dict[str, Any]]:
    """The folder or hub name for ``from_pretrained`` and its extra arguments."""
    path = Path(argument).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise AbrError(f"hf:{argument}: no such .gguf file")
        return str(path.parent), {"gguf_file": path.name}
    if path.exists():
        if not (path / "config.json").is_file():
            raise AbrError(f"hf:{argument}: not a model folder (no config.json); pass a folder written by "
                           f"save_pretrained or a .gguf file")
        return str(path), {}
    if argument.count("/") == 1 and not argument.startswith((".", "/", "~")):
        return argument, {}  # a hub name, resolved from the local Hugging Face cache
    raise AbrError(f"hf:{argument}: no such model folder or .gguf file")


def plain_prompt(messages: Sequence[Mapping[str, str]]) -> str:
    """What a model without a chat template sees: the messages' texts, system first, one blank line apart."""
    return "\n\n".join(m["content"] for m in messages) + "\n"


class HFClient(ModelClient):
    parallel = 1

    def __init__(self, source: str, kwargs: Mapping[str, Any], batch_size: int) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.batch_size = batch_size
        self.tokenizer: Any = AutoTokenizer.from_pretrained(source, **kwargs)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        model: Any = AutoModelForCausalLM.from_pretrained(source, dtype=dtype, **kwargs)
        self.model: Any = model.to(self.device).eval()
        config = self.model.config
        self.max_positions: int | None = getattr(config, "max_position_embeddings", None)
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [] if eos is None else [eos])
        if self.tokenizer.eos_token_id is not None:
            eos_ids.add(self.tokenizer.eos_token_id)
        self.eos_ids = eos_ids
        self.templated = bool(getattr(self.tokenizer, "chat_template", None))

    def encode(self, messages: Sequence[Mapping[str, str]]) -> list[int]:
        if self.templated:
            text = self.tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=True)
            ids: list[int] = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        else:
            ids = self.tokenizer(plain_prompt(messages))["input_ids"]
        return ids

    async def generate(self, batch: Sequence[Request]) -> list[Completion]:
        return await asyncio.to_thread(self._generate, batch)

    def _generate(self, batch: Sequence[Request]) -> list[Completion]:
        params = batch[0].params
        encoded = [self.encode(r.messages) for r in batch]
        out: list[Completion | None] = [None] * len(batch)
        runnable = []
        for i, ids in enumerate(encoded):
            out[i] = over_length(len(ids), params.max_tokens, self.max_positions,
                                 "the model's context (max_position_embeddings)")
            if out[i] is None:
                runnable.append(i)
        if runnable:
            started = time.perf_counter()
            rows = self._run([encoded[i] for i in runnable], params, batch[runnable[0]].seed)
            latency = time.perf_counter() - started
            for i, (text, finish, generated) in zip(runnable, rows):
                out[i] = Completion(text=text, finish=finish, prompt_tokens=len(encoded[i]),
                                    completion_tokens=generated, latency_s=latency)
        return [c for c in out if c is not None]

    def _run(self, prompts: list[list[int]], params: Any, seed: int) -> list[tuple[str, str, int]]:
        torch = self.torch
        pad = self.tokenizer.pad_token_id
        width = max(len(p) for p in prompts)
        input_ids = torch.full((len(prompts), width), pad, dtype=torch.long)
        mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, ids in enumerate(prompts):
            input_ids[row, width - len(ids):] = torch.tensor(ids, dtype=torch.long)
            mask[row, width - len(ids):] = 1
        sampling: dict[str, Any] = {"do_sample": params.temperature > 0}
        if params.temperature > 0:
            torch.manual_seed(seed)
            sampling["temperature"] = params.temperature
            if params.top_p is not None:
                sampling["top_p"] = params.top_p
            if params.top_k is not None:
                sampling["top_k"] = params.top_k
        else:
            sampling.update(temperature=None, top_p=None, top_k=None)
        with torch.inference_mode():
            generated = self.model.generate(input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device),
                                            max_new_tokens=params.max_tokens, pad_token_id=pad, **sampling)
        rows = []
        for row in generated[:, width:].tolist():
            end = next((k for k, t in enumerate(row) if t in self.eos_ids), None)
            tokens = row if end is None else row[:end]
            finish = "stop" if end is not None or len(row) < params.max_tokens else "length"
            text = self.tokenizer.decode(tokens, skip_special_tokens=True)
            rows.append((text, finish, len(tokens) + (0 if end is None else 1)))
        return rows

    async def aclose(self) -> None:
        del self.model


class HuggingFace(ModelBackend):
    name = "hf"
    version = 1
    usage = "PATH (a model folder or a .gguf file)"
    description = "A transformers model on CPU or GPU, batched (needs torch and transformers)"

    def identity(self, argument: str) -> str:
        path = Path(argument).expanduser()
        return str(path.resolve()) if path.exists() else argument

    def check(self, argument: str) -> None:
        _, kwargs = _locate(argument)
        try:
            import torch  # noqa: F401
            import transformers  # noqa: F401
        except ImportError:
            raise AbrError("the hf: backend needs torch and transformers: pip install 'abr[train]' "
                           "(or torch and transformers on their own)") from None
        if "gguf_file" in kwargs:
            try:
                import gguf  # noqa: F401
            except ImportError:
                raise AbrError("loading a .gguf file needs the gguf package: pip install gguf") from None

    def open(self, argument: str, options: BackendOptions) -> ModelClient:
        source, kwargs = _locate(argument)
        return HFClient(source, kwargs, batch_size=options.concurrency or 8)
