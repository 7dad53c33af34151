"""`abr filter`, `abr mix`, `abr export`, `abr train grpo`: from generated data to a trained model."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from abr.commands.common import eprint
from abr.errors import AbrError

COMMANDS = ("filter", "mix", "export", "train")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def cmd_filter(args: argparse.Namespace) -> int:
    from pathlib import Path

    from abr.evaluation.backend import BackendOptions, SamplingParams, canonical_json
    from abr.evaluation.harness import EvalConfig, Harness
    from abr.evaluation.store import Store, store_path
    from abr.filtering import describe, meta_of, parse_band, pass_rates, run_dir_for, write_filtered
    from abr.host import get_host

    band = parse_band(args.keep)
    if args.k < 1:
        raise AbrError(f"-k must be at least 1, got {args.k}")
    params = SamplingParams(max_tokens=args.max_tokens, temperature=args.temperature, top_p=args.top_p,
                            top_k=args.top_k, system_prompt=args.system_prompt)
    run_dir = Path(args.run_dir) if args.run_dir else run_dir_for(args.output)
    config = EvalConfig(datasets=tuple(args.data), model=args.model, run_dir=run_dir, params=params, samples=args.k,
                        options=BackendOptions(concurrency=args.concurrency), quiet=args.quiet)
    result = Harness(config, get_host().registry).run()
    store = Store(store_path(run_dir), create=False)
    try:
        rates = pass_rates(store.responses(result.identity, canonical_json(params.as_json())))
    finally:
        store.close()
    outcome = write_filtered(args.data, rates, band, meta_of(result.label, params.as_json()), args.output,
                             args.format)
    if not args.quiet:
        eprint(f"abr: {describe(outcome)}; wrote {args.output} (responses kept in {run_dir})")
    return 0


def cmd_mix(args: argparse.Namespace) -> int:
    from abr.manifest import write_json_manifest
    from abr.mixing import index_inputs, parse_ratio, plan_mix, write_mix
    from abr.records import file_sha256

    ratio = parse_ratio(args.ratio)
    if args.n < 1:
        raise AbrError(f"-n must be at least 1, got {args.n}")
    chosen = plan_mix(index_inputs(args.data), ratio, args.n, args.seed)
    counts = write_mix(chosen, args.output, args.format)
    write_json_manifest(args.output, {
        "command": "mix", "ratio": ratio, "n": args.n, "seed": args.seed, "skills": counts,
        "inputs": [{"path": p, "sha256": file_sha256(p)} for p in args.data],
    })
    if not args.quiet:
        eprint(f"abr: wrote {args.n} samples to {args.output}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from abr.records import AtomicFile, read_records
    from abr.trainer.verl import export_verl

    if args.format != "verl":
        raise AbrError(f"unknown export format {args.format!r}: use --format verl")

    def records() -> Any:
        for path in args.data:
            for _, record in read_records(path):
                yield record

    with AtomicFile(args.output) as out:
        count = export_verl(records(), out.handle, split=args.split)
    if not args.quiet:
        eprint(f"abr: wrote {count} rows in verl's format to {args.output}; reward function: "
               f"abr.trainer.verl.compute_score")
    return 0


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("model", "gguf_file", "num_generations", "temperature", "top_p", "top_k", "max_prompt_length",
                "max_completion_length", "loss_type", "beta", "epsilon", "epsilon_high", "learning_rate",
                "per_device_train_batch_size", "gradient_accumulation_steps", "max_steps", "num_train_epochs",
                "seed", "save_steps", "logging_steps", "resume", "use_vllm", "vllm_mode", "vllm_server_base_url",
                "judge_model", "format_weight", "correctness_weight"):
        value = getattr(args, key, None)
        if value is not None:
            out[key] = value
    if args.data:
        out["data"] = tuple(args.data)
    if args.output:
        out["output_dir"] = args.output
    if args.cot:
        out["cot_system_prompt"] = True
    if args.no_dynamic_sampling:
        out["dynamic_sampling"] = False
    for item in args.set or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise AbrError(f"invalid --set {item!r}: use KEY=VALUE with a TOML value, e.g. --set bf16=false")
        try:
            out[key.strip()] = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = raw
    return out


def cmd_train(args: argparse.Namespace) -> int:
    if args.algorithm != "grpo":
        raise AbrError(f"unknown training algorithm {args.algorithm!r}: use `abr train grpo`")
    try:
        from abr.trainer.config import TrainConfig, config_from_mapping, load_config
        from abr.trainer.grpo import train_grpo
    except ImportError as exc:
        raise AbrError(f"training needs the train extra ({exc.name} is missing): pip install 'abr[train]'") from None
    from abr.host import get_host

    base = load_config(args.config) if args.config else TrainConfig()
    config = config_from_mapping(_overrides(args), "command line", base).check()
    result = train_grpo(config, get_host().registry)
    dropped = "" if result.dropped_fraction is None else f"; {100 * result.dropped_fraction:.0f}% of groups dropped"
    eprint(f"abr: trained {result.steps} steps{dropped}; model and checkpoints in {result.output_dir}")
    return 0


def add_parsers(sub: Any) -> None:
    f = sub.add_parser("filter", help="keep prompts whose pass rate under a sampling model lies in a band")
    f.add_argument("data", nargs="+", metavar="DATA")
    f.add_argument("--model", required=True, metavar="SPEC", help="any abr eval backend, e.g. openai:NAME@URL")
    f.add_argument("-k", type=int, default=8, help="responses sampled per prompt (default 8)")
    f.add_argument("--keep", default="0.3:0.6", metavar="LOW:HIGH", help="pass-rate band kept (default 0.3:0.6)")
    f.add_argument("--temperature", type=float, default=1.0, help="sampling temperature (default 1.0)")
    f.add_argument("--top-p", type=float, help="nucleus sampling")
    f.add_argument("--top-k", type=int, help="top-k sampling")
    f.add_argument("--max-tokens", type=int, default=4096, help="generation limit per response (default 4096)")
    f.add_argument("--system-prompt", metavar="TEXT", help="system message replacing the record's")
    f.add_argument("--concurrency", type=int, help="requests in flight / prompts per batch")
    f.add_argument("--run-dir", help="where the responses are kept (default OUT.run); rerunning resumes")
    f.add_argument("--format", choices=("jsonl", "parquet"))
    f.add_argument("-o", "--output", required=True)
    f.add_argument("-q", "--quiet", action="store_true")
    f.set_defaults(func=cmd_filter)

    m = sub.add_parser("mix", help="a skill mixture with exact, deterministic proportions")
    m.add_argument("data", nargs="+", metavar="DATA")
    m.add_argument("--ratio", required=True, metavar="SKILL=W,...",
                   help="e.g. anti-interference=5,multi-hop=3,multi-source=2,logic=2,calc-reason=2,niah=1")
    m.add_argument("-n", type=int, required=True, help="samples in the mixture")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--format", choices=("jsonl", "parquet"))
    m.add_argument("-o", "--output", required=True)
    m.add_argument("-q", "--quiet", action="store_true")
    m.set_defaults(func=cmd_mix)

    e = sub.add_parser("export", help="export records to another RL engine's format (verl)")
    e.add_argument("data", nargs="+", metavar="DATA")
    e.add_argument("--format", required=True, help="verl")
    e.add_argument("--split", default="train", help="the split named in extra_info (default train)")
    e.add_argument("-o", "--output", required=True, help="output parquet")
    e.add_argument("-q", "--quiet", action="store_true")
    e.set_defaults(func=cmd_export)

    t = sub.add_parser("train", help="train a model on abr data (`abr train grpo`)")
    t.add_argument("algorithm", choices=("grpo",))
    t.add_argument("--data", action="append", metavar="PATH", help="abr JSONL/Parquet or verl parquet (repeat)")
    t.add_argument("--model", help="a local folder or a Hugging Face model name")
    t.add_argument("--gguf-file", help="load the model from this GGUF file inside --model")
    t.add_argument("--config", help="training TOML (a [grpo] table), e.g. trainer/configs/paper.toml")
    t.add_argument("-o", "--output", help="output folder for checkpoints and the final model")
    t.add_argument("--num-generations", type=int, help="group size")
    t.add_argument("--temperature", type=float)
    t.add_argument("--top-p", type=float)
    t.add_argument("--top-k", type=int)
    t.add_argument("--max-prompt-length", type=int, help="longest prompt accepted (longer ones are refused)")
    t.add_argument("--max-completion-length", type=int)
    t.add_argument("--loss-type", choices=("dapo", "grpo", "dr_grpo", "bnpo"))
    t.add_argument("--beta", type=float, help="KL coefficient (0: no reference model)")
    t.add_argument("--epsilon", type=float, help="lower clip range")
    t.add_argument("--epsilon-high", type=float, help="upper clip range (clip-higher)")
    t.add_argument("--learning-rate", type=float)
    t.add_argument("--per-device-train-batch-size", type=int)
    t.add_argument("--gradient-accumulation-steps", type=int)
    t.add_argument("--max-steps", type=int)
    t.add_argument("--num-train-epochs", type=float)
    t.add_argument("--seed", type=int)
    t.add_argument("--save-steps", type=int)
    t.add_argument("--logging-steps", type=int)
    t.add_argument("--correctness-weight", type=float)
    t.add_argument("--format-weight", type=float, help="weight of the format reward (instruct models)")
    t.add_argument("--cot", action="store_true", help="add the chain-of-thought system prompt")
    t.add_argument("--judge-model", metavar="SPEC", help="LLM judge for answers the checkers cannot parse")
    t.add_argument("--no-dynamic-sampling", action="store_true", help="train on zero-variance groups too")
    t.add_argument("--use-vllm", choices=("auto", "true", "false"))
    t.add_argument("--vllm-mode", choices=("colocate", "server"))
    t.add_argument("--vllm-server-base-url")
    t.add_argument("--resume", metavar="CHECKPOINT", help="'latest' or a checkpoint-N folder")
    t.add_argument("--set", action="append", metavar="KEY=VALUE", help="any other training option (TOML value)")
    t.set_defaults(func=cmd_train)
