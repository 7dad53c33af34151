"""Training configuration: a TOML file (``--config train.toml``) with CLI overrides, checked up front.

Defaults follow the paper's recipe (§4.1, Appendix B): GRPO with dynamic sampling, top_p 0.6, top_k 20,
clip-higher (epsilon 0.2 / 0.28), no KL term, binary correctness reward plus a format reward for instruct
models, prompts up to 24K and completions up to 8K tokens. See trainer/configs/paper.toml.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from abr.errors import AbrError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LOSS_TYPES = ("dapo", "grpo", "dr_grpo", "bnpo")
VLLM_MODES = ("colocate", "server")


@attrs.frozen
class TrainConfig:
    model: str = ""
    data: tuple[str, ...] = ()
    output_dir: str = ""
    gguf_file: str | None = None
    # sampling (rollouts)
    num_generations: int = 8
    temperature: float = 1.0
    top_p: float = 0.6
    top_k: int = 20
    max_prompt_length: int = 24576
    max_completion_length: int = 8192
    # objective
    loss_type: str = "dapo"
    beta: float = 0.0
    epsilon: float = 0.2
    epsilon_high: float = 0.28
    dynamic_sampling: bool = True
    # rewards
    correctness_weight: float = 1.0
    format_weight: float = 0.0
    cot_system_prompt: bool = False
    #: an LLM judge (model spec, e.g. openai:NAME@URL) for answers the typed checkers cannot parse
    judge_model: str | None = None
    # optimisation
    learning_rate: float = 1e-6
    per_device_train_batch_size: int = 8
    gradient_accumulation_steps: int = 1
    max_steps: int = -1
    num_train_epochs: float = 1.0
    seed: int = 0
    bf16: bool | None = None
    gradient_checkpointing: bool | None = None
    save_steps: int = 50
    logging_steps: int = 1
    resume: str | None = None
    # generation engine
    use_vllm: str = "auto"
    vllm_mode: str = "colocate"
    vllm_server_base_url: str | None = None

    def check(self) -> TrainConfig:
        """Every value in range, or a one-line error naming it."""
        if not self.model:
            raise AbrError("no model given: pass --model PATH_OR_NAME (or set model in the config)")
        if not self.data:
            raise AbrError("no training data given: pass --data PATH (abr JSONL/Parquet or an exported verl parquet)")
        if not self.output_dir:
            raise AbrError("no output folder given: pass -o OUT")
        _positive("num_generations", self.num_generations, low=2)
        _positive("max_prompt_length", self.max_prompt_length)
        _positive("max_completion_length", self.max_completion_length)
        _positive("per_device_train_batch_size", self.per_device_train_batch_size)
        _positive("gradient_accumulation_steps", self.gradient_accumulation_steps)
        if self.loss_type not in LOSS_TYPES:
            raise AbrError(f"loss_type must be one of {', '.join(LOSS_TYPES)}, got {self.loss_type!r}")
        if not 0 < self.top_p <= 1:
            raise AbrError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.temperature <= 0:
            raise AbrError(f"temperature must be positive, got {self.temperature}")
        if self.beta < 0 or self.epsilon <= 0 or self.epsilon_high < self.epsilon:
            raise AbrError("need beta >= 0 and 0 < epsilon <= epsilon_high (clip-higher), got "
                           f"beta={self.beta}, epsilon={self.epsilon}, epsilon_high={self.epsilon_high}")
        if self.use_vllm not in ("auto", "true", "false"):
            raise AbrError(f"use_vllm must be auto, true or false, got {self.use_vllm!r}")
        if self.vllm_mode not in VLLM_MODES:
            raise AbrError(f"vllm_mode must be one of {', '.join(VLLM_MODES)}, got {self.vllm_mode!r}")
        if self.correctness_weight < 0 or self.format_weight < 0:
            raise AbrError("reward weights must be >= 0")
        if self.per_device_train_batch_size * self.gradient_accumulation_steps % self.num_generations:
            raise AbrError(f"per_device_train_batch_size × gradient_accumulation_steps "
                           f"({self.per_device_train_batch_size * self.gradient_accumulation_steps}) must be a "
                           f"multiple of num_generations ({self.num_generations})")
        return self


def _positive(name: str, value: int, low: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise AbrError(f"{name} must be an integer >= {low}, got {value!r}")


FIELDS = {f.name: f for f in attrs.fields(TrainConfig)}


def config_from_mapping(data: Mapping[str, Any], where: str, base: TrainConfig | None = None) -> TrainConfig:
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise AbrError(f"{where}: unknown training option '{unknown[0]}'; known: {', '.join(sorted(FIELDS))}")
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        default = FIELDS[key].default
        if key == "data":
            value = tuple([value] if isinstance(value, str) else value)
        elif isinstance(default, bool) and not isinstance(value, bool):
            raise AbrError(f"{where}: '{key}' must be true or false, got {value!r}")
        elif isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif default is not None and not isinstance(default, tuple) and not isinstance(value, type(default)):
            raise AbrError(f"{where}: '{key}' must be {type(default).__name__}, got {value!r}")
        changes[key] = value
    return attrs.evolve(base or TrainConfig(), **changes)


def load_config(path: str | Path) -> TrainConfig:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AbrError(f"cannot read training config '{path}': {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise AbrError(f"training config '{path}' is not valid TOML: {exc}") from None
    table = data.get("grpo", data)
    if not isinstance(table, Mapping):
        raise AbrError(f"training config '{path}': [grpo] must be a table")
    return config_from_mapping(table, f"training config '{path}'")
