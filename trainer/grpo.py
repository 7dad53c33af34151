"""``abr train grpo``: trl's GRPOTrainer on any abr dataset, with abr's rewards and dynamic sampling.

Generation uses vLLM when the ``vllm`` extra is installed on a CUDA machine (colocated or a separate
server), otherwise transformers' own generation, with a warning. Multi-GPU and multi-node runs go through
``accelerate launch`` with a DeepSpeed or FSDP config from ``trainer/configs/`` (see docs/training.md).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import attrs
from abr.errors import AbrError
from abr.registry import Registry
from abr.trainer.config import TrainConfig


@attrs.frozen
class TrainResult:
    output_dir: str
    steps: int
    log_history: list[dict[str, Any]]
    dropped_fraction: float | None


def _warn(message: str) -> None:
    print(f"abr: warning: {message}", file=sys.stderr)


def _use_vllm(config: TrainConfig) -> bool:
    if config.use_vllm == "false":
        return False
    available = importlib.util.find_spec("vllm") is not None
    import torch

    if config.use_vllm == "true":
        if not available or not torch.cuda.is_available():
            raise AbrError("use_vllm=true needs the vllm extra on a CUDA machine: pip install 'abr[vllm]', "
                           "or set use_vllm=auto")
        return True
    if not (available and torch.cuda.is_available()):
        _warn("vLLM is not available (it needs the vllm extra and a CUDA GPU); rollouts use transformers "
              "generation, which is much slower")
        return False
    return True


def load_model_and_tokenizer(config: TrainConfig) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs: dict[str, Any] = {"gguf_file": config.gguf_file} if config.gguf_file else {}
    try:
        tokenizer = AutoTokenizer.from_pretrained(config.model, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(config.model, **kwargs)
    except (OSError, ValueError) as exc:
        raise AbrError(f"cannot load model '{config.model}': {str(exc).splitlines()[0]}") from None
    _detach_gguf_quantizer(model)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if getattr(tokenizer, "chat_template", None) is None:
        raise AbrError(f"model '{config.model}' has no chat template; abr trains on chat prompts")
    return model, tokenizer


def _detach_gguf_quantizer(model: Any) -> None:
    """A GGUF model is de-quantized to ordinary float tensors on load; forget the quantizer so it trains."""
    quantizer = getattr(model, "hf_quantizer", None)
    if quantizer is not None and type(quantizer).__name__.lower().startswith("gguf"):
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config


def grpo_args(config: TrainConfig, use_vllm: bool) -> Any:
    import torch
    from trl import GRPOConfig

    cuda = torch.cuda.is_available()
    weights = [config.correctness_weight]
    if config.format_weight > 0:
        weights.append(config.format_weight)
    extra: dict[str, Any] = {}
    if use_vllm:
        extra.update(use_vllm=True, vllm_mode=config.vllm_mode)
        if config.vllm_server_base_url:
            extra["vllm_server_base_url"] = config.vllm_server_base_url
    return GRPOConfig(
        output_dir=config.output_dir,
        num_generations=config.num_generations,
        temperature=config.temperature,
        top_p=config.top_p,
        top_k=config.top_k,
        max_completion_length=config.max_completion_length,
        loss_type=config.loss_type,
        beta=config.beta,
        epsilon=config.epsilon,
        epsilon_high=config.epsilon_high,
        reward_weights=weights,
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.per_device_train_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        max_steps=config.max_steps,
        num_train_epochs=config.num_train_epochs,
        seed=config.seed,
        data_seed=config.seed,
        bf16=cuda if config.bf16 is None else config.bf16,
        gradient_checkpointing=cuda if config.gradient_checkpointing is None else config.gradient_checkpointing,
        save_steps=config.save_steps,
        logging_steps=config.logging_steps,
        report_to="none",
        use_cpu=not cuda,
        **extra,
    )


def reward_functions(config: TrainConfig, registry: Registry, tokenizer: Any) -> list[Any]:
    """Correctness (with the LLM judge when one is configured), then the format reward if weighted."""
    from abr.trainer.rewards import correctness_reward, format_reward, judged_correctness_reward

    stop_ids = frozenset(i for i in (tokenizer.eos_token_id, tokenizer.pad_token_id) if i is not None)
    if config.judge_model:
        Path(config.output_dir).mkdir(parents=True, exist_ok=True)
        funcs: list[Any] = [judged_correctness_reward(registry, config.judge_model,
                                                      str(Path(config.output_dir) / "judge.sqlite"), stop_ids,
                                                      config.max_completion_length)]
    else:
        funcs = [correctness_reward(registry, stop_ids, config.max_completion_length)]
    if config.format_weight > 0:
        funcs.append(format_reward())
    return funcs


def train_grpo(config: TrainConfig, registry: Registry) -> TrainResult:
    """Train, checkpoint every ``save_steps``, save the final model to ``output_dir``."""
    config.check()
    from abr.render import COT_SYSTEM_PROMPT
    from abr.trainer.data import check_prompt_lengths, load_rows
    from abr.trainer.dynamic_sampling import DynamicSamplingGRPOTrainer
    from datasets import Dataset

    rows = load_rows(config.data, COT_SYSTEM_PROMPT if config.cot_system_prompt else None)
    model, tokenizer = load_model_and_tokenizer(config)
    check_prompt_lengths(rows, tokenizer, config.max_prompt_length)
    use_vllm = _use_vllm(config)
    trainer = DynamicSamplingGRPOTrainer(
        model=model,
        processing_class=tokenizer,
        reward_funcs=reward_functions(config, registry, tokenizer),
        args=grpo_args(config, use_vllm),
        train_dataset=Dataset.from_list(rows),
        dynamic_sampling=config.dynamic_sampling,
    )
    resume: str | bool | None = None
    if config.resume:
        resume = True if config.resume == "latest" else config.resume
        if resume is not True and not Path(str(resume)).is_dir():
            raise AbrError(f"no checkpoint folder '{config.resume}' to resume from; use --resume latest or a "
                           f"checkpoint-N folder under {config.output_dir}")
    trainer.train(resume_from_checkpoint=resume)
    trainer.save_model(config.output_dir)
    history = list(trainer.state.log_history)
    dropped = [h["dynamic_sampling/dropped_fraction"] for h in history if "dynamic_sampling/dropped_fraction" in h]
    Path(config.output_dir, "abr-train-log.json").write_text(
        json.dumps({"config": attrs.asdict(config), "log_history": history}, indent=2, default=str) + "\n")
    return TrainResult(config.output_dir, int(trainer.state.global_step), history,
                       sum(dropped) / len(dropped) if dropped else None)
