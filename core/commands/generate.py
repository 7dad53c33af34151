"""`abr generate`: recipe from flags, a file or a suite; streamed, ordered, atomic output with a manifest."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from abr.commands.common import eprint
from abr.errors import AbrError

COMMANDS = ('generate',)


def _parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        i_s, n_s = text.split("/")
        i, n = int(i_s), int(n_s)
    except ValueError:
        raise AbrError(f"invalid --shard {text!r}: use i/N with 0 <= i < N, e.g. --shard 0/4") from None
    if n < 1 or not 0 <= i < n:
        raise AbrError(f"invalid --shard {text!r}: use i/N with 0 <= i < N, e.g. --shard 0/4")
    return i, n


def _parse_knobs(items: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise AbrError(f"invalid --knob {item!r}: use NAME=VALUE, e.g. --knob pairs=8 (a comma list sweeps)")
        out[name.strip()] = tuple(v.strip() for v in value.split(",")) if "," in value else value.strip()
    return out


def build_recipe(args: argparse.Namespace) -> Any:
    from abr.host import get_host
    from abr.recipe import Recipe, load_recipe_file, parse_depths, recipe_from_mapping

    recipe = Recipe()
    if args.suite:
        suite = get_host().registry.entry("suite", args.suite)
        recipe = recipe_from_mapping(suite.obj.recipe(), f"suite '{suite.qualified}'")
    if args.config:
        file_recipe = load_recipe_file(args.config)
        recipe = file_recipe if not args.suite else recipe_from_mapping(
            file_recipe.to_json(), f"config '{args.config}'", base=recipe)
    cli: dict[str, Any] = {}
    if args.skill:
        cli["skills"] = {name: {} for name in args.skill}
    for key in ("n", "seed", "tokenizer", "haystack", "anchor_style", "question_bank", "instruction_position",
                "system_prompt", "format"):
        value = getattr(args, key)
        if value is not None:
            cli[key] = value
    if args.length:
        cli["lengths"] = [x for item in args.length for x in item.split(",") if x.strip()]
    if args.depth is not None:
        cli["depths"] = parse_depths(args.depth)
    if args.chat_template:
        cli["chat_template"] = True
    if args.interference:
        cli["interference"] = [x for item in args.interference for x in item.split(",") if x.strip()]
    knobs = _parse_knobs(args.knob or [])
    if knobs:
        cli["knobs"] = {**recipe.knobs, **knobs}
    if "depths" in cli and not isinstance(cli["depths"], str):
        cli["depths"] = list(cli["depths"])
    return recipe_from_mapping(cli, "command line", base=recipe)


def cmd_generate(args: argparse.Namespace) -> int:
    from abr.generate import Engine, iter_lines, shard_range
    from abr.records import AtomicFile, ParquetSink, detect_format

    started = time.perf_counter()
    recipe = build_recipe(args)
    shard = _parse_shard(args.shard)
    if not 1 <= args.workers <= 256:
        raise AbrError(f"--workers must be between 1 and 256, got {args.workers}")
    fmt = detect_format(args.output, args.format or (None if recipe.format == "jsonl" else recipe.format))
    engine = Engine(recipe)  # validates everything before any output exists
    if engine.tokenizer.note and not args.quiet:
        eprint(f"abr: note: {engine.tokenizer.note}")
    indices = shard_range(recipe.n, shard)
    counts: dict[str, int] = {}
    total_tokens = 0
    progress = _progress(len(indices), args.quiet)
    with AtomicFile(args.output) as out:
        sink = ParquetSink(out.handle) if fmt == "parquet" else None
        for _, line in iter_lines(recipe, indices, args.workers, engine=engine):
            if sink is not None:
                record = json.loads(line)
                sink.add(record)
            else:
                out.write_line(line)
                record = None
            skill, tokens = _peek(line, record)
            counts[skill] = counts.get(skill, 0) + 1
            total_tokens += tokens
            progress.advance()
        if sink is not None:
            sink.close()
    progress.close()
    from abr.manifest import write_manifest

    write_manifest(args.output, recipe, engine, fmt, shard, indices, counts)
    elapsed = time.perf_counter() - started
    if not args.quiet:
        rate = len(indices) / elapsed if elapsed else 0.0
        eprint(f"abr: wrote {len(indices)} samples ({total_tokens:,} tokens) to {args.output} "
                f"in {elapsed:.2f} s ({rate:.1f} samples/s); manifest {args.output}.manifest.json")
    return 0


def _peek(line: str, record: dict[str, Any] | None) -> tuple[str, int]:
    """Skill and token count of a record line without a second full parse."""
    if record is not None:
        return record["skill"], record["tokens"]["count"]
    i = line.find('"skill":"') + 9
    skill = line[i:line.find('"', i)]
    j = line.rfind('"count":') + 8
    k = j
    while k < len(line) and line[k].isdigit():
        k += 1
    return skill, int(line[j:k]) if k > j else 0


class _progress:
    """A rich progress bar on an interactive stderr; silent otherwise."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.bar: Any = None
        if quiet or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("generating", total=total)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def add_parsers(sub: Any) -> None:
    g = sub.add_parser("generate", help="generate a dataset from skills, a suite or a recipe file")
    g.add_argument("--skill", action="append", help="skill to generate (repeat for a mixture)")
    g.add_argument("--suite", help="a registered suite (named recipe)")
    g.add_argument("--config", help="recipe TOML file (flags override it)")
    g.add_argument("-n", type=int, dest="n", help="number of samples (default 100)")
    g.add_argument("--length", action="append", help="prompt length in tokens: 8k, 32k, 128k or an integer; "
                                                     "repeat or comma-separate for several")
    g.add_argument("--depth", help="target depth 0..1, a comma list, or 'uniform' (default 0.5)")
    g.add_argument("--seed", type=int, help="recipe seed (default 0)")
    g.add_argument("--tokenizer", help="'default', a folder with tokenizer.json, hf:NAME or tiktoken:NAME")
    g.add_argument("--chat-template", action="store_true", help="count the tokenizer's chat template in")
    g.add_argument("--instruction-position", choices=("end", "start"), help="question after (default) or "
                                                                             "before the context")
    g.add_argument("--system-prompt", help="a system message to include (counted in the length)")
    g.add_argument("--haystack", help="background source, NAME or NAME:ARGUMENT (default procedural)")
    g.add_argument("--anchor-style", help="anchor style for every skill")
    g.add_argument("--question-bank", help="question bank for every skill")
    g.add_argument("--interference", action="append", help="extra interference pattern(s) to apply")
    g.add_argument("--knob", action="append", metavar="NAME=VALUE", help="set a knob (comma list sweeps it); "
                                                                         "pattern knobs as PATTERN.KNOB")
    g.add_argument("--workers", type=int, default=1, help="worker processes (output is identical for any)")
    g.add_argument("--shard", help="write only shard i of N (i/N); shards concatenate to the full dataset")
    g.add_argument("--format", choices=("jsonl", "parquet"), help="output format (default from the file name)")
    g.add_argument("-o", "--output", required=True, help="output file (.jsonl or .parquet)")
    g.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    g.set_defaults(func=cmd_generate)
