"""GRPO throughput on a GPU at a realistic prompt length: a few steps, tokens/s and peak memory.

    python bench/gpu_grpo.py --model Qwen/Qwen2.5-0.5B-Instruct --length 8k --steps 4
    python bench/gpu_grpo.py --model /models/local-folder --length 16k --generations 8 --vllm

Run it when a GPU is lent (the CPU machine has none). It generates a short mixture at the given length
with the model's own tokenizer and chat template, runs ``abr train grpo`` for a few steps in-process, and
reports prompt tokens/s, completion tokens/s, seconds per step and peak CUDA memory as JSON. Without a
local model folder it needs the Hugging Face hub.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--length", default="8k", help="prompt length (default 8k)")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--generations", type=int, default=8, help="group size")
    ap.add_argument("--completion", type=int, default=1024, help="max completion tokens")
    ap.add_argument("--vllm", action="store_true", help="vLLM colocated generation (needs the vllm extra)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    import torch

    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device: this benchmark is for a GPU machine")
    from abr.host import get_host
    from abr.trainer.config import TrainConfig
    from abr.trainer.grpo import train_grpo
    from transformers import AutoTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "tok"
        AutoTokenizer.from_pretrained(args.model).save_pretrained(folder)
        data = work / "data.jsonl"
        n = args.steps * 2
        subprocess.run([sys.executable, "-m", "abr.cli", "generate", "-q", "--skill", "niah", "--skill", "logic",
                        "-n", str(n), "--length", args.length, "--tokenizer", str(folder), "--chat-template",
                        "-o", str(data)], check=True)
        prompt_tokens = sum(json.loads(line)["tokens"]["count"] for line in data.read_text().splitlines())
        config = TrainConfig(model=args.model, data=(str(data),), output_dir=str(work / "run"),
                             num_generations=args.generations, per_device_train_batch_size=args.generations,
                             gradient_accumulation_steps=1, max_steps=args.steps,
                             max_prompt_length=10**7, max_completion_length=args.completion, save_steps=10**6,
                             use_vllm="true" if args.vllm else "false")
        torch.cuda.reset_peak_memory_stats()
        started = time.perf_counter()
        result = train_grpo(config, get_host().registry)
        elapsed = time.perf_counter() - started
    completions = [h.get("completions/mean_length") for h in result.log_history if "completions/mean_length" in h]
    completion_tokens = sum(completions) * args.generations if completions else 0
    rollout_prompts = args.steps  # one prompt (a group of `generations`) per step at this batch size
    figures = {
        "gpu": torch.cuda.get_device_name(0),
        "model": args.model, "length": args.length, "steps": result.steps, "generations": args.generations,
        "vllm": args.vllm,
        "seconds_per_step": round(elapsed / max(1, result.steps), 2),
        "prompt_tokens_per_s": round(prompt_tokens / n * rollout_prompts * args.generations / elapsed, 1),
        "completion_tokens_per_s": round(completion_tokens / elapsed, 1),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
