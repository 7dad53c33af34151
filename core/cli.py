"""The ``abr`` command line. Heavy modules are imported inside each command, so start-up stays fast.

Exit status: 0 success, 1 verification found bad records, 2 bad input (one line on stderr, never a
traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any, NoReturn

from abr.errors import AbrError

CORE_COMMANDS = ("generate", "show", "verify", "list-skills", "plugins", "components")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that say how to get help."""

    def error(self, message: str) -> NoReturn:
        raise AbrError(f"{message} (see `{self.prog} --help`)")


def _eprint(*parts: Any) -> None:
    print(*parts, file=sys.stderr)


# ---------------------------------------------------------------------------------------------------------
# generate


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
        _eprint(f"abr: note: {engine.tokenizer.note}")
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
        _eprint(f"abr: wrote {len(indices)} samples ({total_tokens:,} tokens) to {args.output} "
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


# ---------------------------------------------------------------------------------------------------------
# show / verify


def cmd_show(args: argparse.Namespace) -> int:
    from abr.records import read_records
    from abr.show import show

    for _, record in read_records(args.path):
        if args.id is not None and record.get("id") != args.id:
            continue
        if args.index is not None and record.get("index") != args.index:
            continue
        if args.json:
            print(json.dumps(record, ensure_ascii=False, indent=2))
        else:
            show(record, full=args.full)
        return 0
    what = f"id {args.id}" if args.id is not None else f"index {args.index}" if args.index is not None else "records"
    raise AbrError(f"{args.path} has no {what}; list them with `abr show {args.path} --json | head`")


def cmd_verify(args: argparse.Namespace) -> int:
    from abr.host import get_host
    from abr.records import RecordError, scan_records
    from abr.verify import Verifier

    verifier = Verifier(get_host(), tokenizer=args.tokenizer)
    total = bad = 0
    for path in args.paths:
        for number, item in scan_records(path):
            total += 1
            if isinstance(item, RecordError):
                bad += 1
                print(str(item))
                continue
            problems = verifier.check(item)
            if problems:
                bad += 1
                print(f"{path}:{number}: {item.get('id', '?')}: {'; '.join(problems)}")
    if not args.quiet:
        _eprint(f"abr: verified {total} records: {total - bad} ok, {bad} bad")
    return 1 if bad else 0


# ---------------------------------------------------------------------------------------------------------
# listings


def skill_rows() -> list[dict[str, Any]]:
    from abr.host import get_host

    rows = []
    for e in get_host().registry.entries("skill"):
        rows.append({"name": e.qualified, "version": e.obj.version, "plugin": e.plugin, "dist": e.dist,
                     "dist_version": e.dist_version, "description": e.obj.description,
                     "knobs": [k.describe() for k in e.obj.knobs],
                     "defaults": {"anchor_style": e.obj.default_anchor_style,
                                  "question_bank": e.obj.default_question_bank,
                                  "interference": list(e.obj.default_interference)}})
    return rows


def _knob_text(k: dict[str, Any]) -> str:
    if "choices" in k:
        rng = "|".join(k["choices"])
    elif "range" in k:
        lo, hi = k["range"]
        rng = f"{lo}..{hi}"
    else:
        rng = k["kind"]
    default = k["default"]
    if isinstance(default, list):
        default = "-".join(str(x) for x in default)
    return f"{k['name']}={default} [{rng}]"


def cmd_list_skills(args: argparse.Namespace) -> int:
    rows = skill_rows()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="abr skills")
    for col in ("skill", "version", "from", "description", "knobs: default [range]"):
        table.add_column(escape(col), overflow="fold")
    for r in rows:
        table.add_row(r["name"], str(r["version"]), f"{r['dist']} {r['dist_version']}", escape(r["description"]),
                      escape("\n".join(_knob_text(k) for k in r["knobs"])))
    Console().print(table)
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    from abr.host import get_host

    reports = get_host().reports
    if args.json:
        print(json.dumps([r.as_json() for r in reports], indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    colors = {"ok": "green", "warning": "yellow", "disabled": "dim", "conflict": "red", "error": "red"}
    table = Table(title="abr plugins")
    for col in ("NAME", "DIST", "VERSION", "STATUS", "PROVIDES", "IMPORT_MS", "PROBLEM"):
        table.add_column(col, overflow="fold")
    for r in reports:
        table.add_row(escape(r.name), escape(r.dist), escape(r.version), f"[{colors[r.status]}]{r.status}[/]",
                      escape("\n".join(r.provides)), f"{r.import_ms:.1f}", escape(r.problem))
    Console().print(table)
    return 0


def cmd_components(args: argparse.Namespace) -> int:
    from abr.host import get_host
    from abr.registry import KIND_LABELS

    kinds = [args.kind] if args.kind else list(KIND_LABELS)
    rows = [{"kind": e.kind, "name": e.qualified, "version": e.obj.version, "plugin": e.plugin,
             "description": e.obj.description}
            for kind in kinds for e in get_host().registry.entries(kind)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="abr components")
    for col in ("kind", "name", "version", "plugin", "description"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(KIND_LABELS[r["kind"]], r["name"], str(r["version"]), r["plugin"], escape(r["description"]))
    Console().print(table)
    return 0


# ---------------------------------------------------------------------------------------------------------


def build_parser(with_plugins: bool) -> tuple[_Parser, dict[str, Any]]:
    from abr import __version__

    parser = _Parser(prog="abr", description="Anchor-based reasoning data: generate, verify and inspect "
                                             "verifiable long-context reasoning samples.")
    parser.add_argument("--version", action="version", version=f"abr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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

    s = sub.add_parser("show", help="show one sample readably")
    s.add_argument("path")
    s.add_argument("--index", type=int, help="the sample with this index (default: the first record)")
    s.add_argument("--id", help="the sample with this id")
    s.add_argument("--full", action="store_true", help="print the whole prompt, anchors highlighted")
    s.add_argument("--json", action="store_true", help="print the record as indented JSON")
    s.set_defaults(func=cmd_show)

    v = sub.add_parser("verify", help="re-derive every answer, anchor position and token count")
    v.add_argument("paths", nargs="+")
    v.add_argument("--tokenizer", help="tokenizer to re-count with (default: the one named in each record)")
    v.add_argument("-q", "--quiet", action="store_true")
    v.set_defaults(func=cmd_verify)

    ls = sub.add_parser("list-skills", help="every skill with its knobs")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list_skills)

    pl = sub.add_parser("plugins", help="installed plugins and their status")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_plugins)

    co = sub.add_parser("components", help="every registered component of every kind")
    co.add_argument("--kind", choices=("haystack_source", "anchor_style", "question_bank", "interference_pattern",
                                       "answer_checker", "skill", "suite", "command"))
    co.add_argument("--json", action="store_true")
    co.set_defaults(func=cmd_components)

    plugin_commands: dict[str, Any] = {}
    if with_plugins:
        from abr.host import get_host

        entries = get_host().registry.entries("command")
        bare_counts: dict[str, int] = {}
        for e in entries:
            bare_counts[e.bare] = bare_counts.get(e.bare, 0) + 1
        for e in entries:
            names = [e.qualified]
            if e.bare not in CORE_COMMANDS and bare_counts[e.bare] == 1:
                names.insert(0, e.bare)
            for name in names:
                p = sub.add_parser(name, help=e.obj.description)
                e.obj.configure(p)
                p.set_defaults(func=None, plugin_command=e)
    return parser, plugin_commands


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        first = next((a for a in argv if not a.startswith("-")), None)
        parser, _ = build_parser(with_plugins=first is None or first not in CORE_COMMANDS)
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        if getattr(args, "plugin_command", None) is not None:
            return int(args.plugin_command.obj.run(args))
        return int(args.func(args))
    except AbrError as exc:
        _eprint(f"abr: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _eprint("abr: interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
