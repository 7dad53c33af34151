"""`abr eval`, `abr report`, `abr correlate`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from abr.commands.common import eprint
from abr.errors import AbrError

COMMANDS = ('eval', 'report', 'correlate')


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from abr.evaluation.backend import BackendOptions, SamplingParams
    from abr.evaluation.harness import EvalConfig, Harness, default_run_dir
    from abr.host import get_host
    from abr.render import COT_SYSTEM_PROMPT

    system_prompt = COT_SYSTEM_PROMPT if args.cot else args.system_prompt
    params = SamplingParams(max_tokens=args.max_tokens, temperature=args.temperature, top_p=args.top_p,
                            top_k=args.top_k, system_prompt=system_prompt)
    if args.concurrency is not None and not 1 <= args.concurrency <= 4096:
        raise AbrError(f"--concurrency must be between 1 and 4096, got {args.concurrency}")
    options = BackendOptions(concurrency=args.concurrency, timeout_s=args.timeout, retries=args.retries,
                             backoff_s=args.backoff, api_key_env=args.api_key_env)
    run_dir = Path(args.output) if args.output else default_run_dir(args.model)
    config = EvalConfig(datasets=tuple(args.data), model=args.model, run_dir=run_dir, params=params,
                        samples=args.samples_per_prompt, options=options, judge=args.judge,
                        judge_params=SamplingParams(max_tokens=args.judge_max_tokens), limit=args.limit,
                        quiet=args.quiet, label=args.label)
    result = Harness(config, get_host().registry).run()
    if not args.quiet:
        from abr.evaluation.stats import Tally

        counts = ", ".join(f"{n} {v}" for v, n in result.counts.items() if n)
        share = Tally(result.counts).accuracy
        accuracy = "—" if share is None else f"{100 * share:.1f}%"
        eprint(f"abr: {result.label}: {result.requests} requests, {result.sent} sent, {result.reused} reused"
                f"{f', {result.rescored} rescored' if result.rescored else ''} in {result.elapsed_s:.1f} s; "
                f"accuracy {accuracy} ({counts or 'nothing scored'}); run folder {result.run_dir} "
                f"(`abr report {result.run_dir}`)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from abr.evaluation.report import Report, load_runs
    from abr.records import AtomicFile

    report = Report(load_runs(args.runs), strict=args.strict)
    if not report.runs:
        raise AbrError(f"no responses in {', '.join(args.runs)}; run `abr eval` into it first")
    for path, text in ((args.markdown, report.markdown), (args.csv, report.csv)):
        if path:
            with AtomicFile(path) as out:
                out.handle.write(text().encode("utf-8"))
    images: dict[str, bytes] = {}
    if args.plots or args.html:
        from abr.evaluation.plots import heatmaps

        images = heatmaps(report)
        if args.plots:
            folder = Path(args.plots)
            for name, data in images.items():
                with AtomicFile(folder / name, binary=True) as out:
                    out.handle.write(data)
    if args.html:
        from abr.evaluation.html import write_html

        write_html(report, images, args.html, per_run=args.drilldown)
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console

    console = Console()
    for table in report.rich():
        console.print(table)
    return 0


def cmd_correlate(args: argparse.Namespace) -> int:
    from abr.evaluation.correlate import correlate, load_scores

    table = load_scores(args.scores)
    result = correlate(table, _columns(args.x), _columns(args.y), min_n=args.min_n)
    if args.plot:
        from abr.evaluation.plots import correlation_heatmap
        from abr.records import AtomicFile

        with AtomicFile(args.plot, binary=True) as out:
            out.handle.write(correlation_heatmap(result))
    if args.json:
        print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console

    Console().print(result.rich())
    return 0


def _columns(items: Sequence[str] | None) -> list[str] | None:
    if not items:
        return None
    return [c.strip() for item in items for c in item.split(",") if c.strip()]


def add_parsers(sub: Any) -> None:
    ev = sub.add_parser("eval", help="score a model on datasets; responses and verdicts go to a resumable run folder")
    ev.add_argument("data", nargs="+", metavar="DATA", help="datasets (.jsonl or .parquet) written by abr generate")
    ev.add_argument("--model", required=True, metavar="SPEC",
                    help="openai:MODEL@BASE_URL[,URL...], hf:PATH, vllm:PATH, baseline:oracle|naive|random")
    ev.add_argument("-o", "--output", metavar="RUN_DIR", help="run folder (default runs/<model>)")
    ev.add_argument("--label", metavar="NAME", help="the run's name in reports (default: the model spec)")
    ev.add_argument("--concurrency", type=int, help="requests in flight (openai) or prompts per batch (hf, vllm)")
    ev.add_argument("--max-tokens", type=int, default=4096, help="generation limit per response (default 4096)")
    ev.add_argument("--temperature", type=float, default=0.0, help="sampling temperature (default 0: greedy)")
    ev.add_argument("--top-p", type=float, help="nucleus sampling")
    ev.add_argument("--top-k", type=int, help="top-k sampling (sent as an extra field; vLLM and SGLang take it)")
    ev.add_argument("--samples-per-prompt", type=int, default=1, metavar="K", help="responses per prompt")
    sp = ev.add_mutually_exclusive_group()
    sp.add_argument("--system-prompt", metavar="TEXT", help="system message replacing the record's")
    sp.add_argument("--cot", action="store_true", help="the built-in chain-of-thought system prompt")
    ev.add_argument("--judge", metavar="SPEC", help="LLM judge for answers the typed checkers cannot parse")
    ev.add_argument("--judge-max-tokens", type=int, default=1024, help="judge generation limit (default 1024)")
    ev.add_argument("--timeout", type=float, default=600.0, help="seconds per HTTP request (default 600)")
    ev.add_argument("--retries", type=int, default=6, help="retries on 429, 5xx and timeouts (default 6)")
    ev.add_argument("--backoff", type=float, default=1.0, help="first retry delay in seconds, doubling (default 1)")
    ev.add_argument("--api-key-env", default="OPENAI_API_KEY", metavar="NAME",
                    help="environment variable holding the API key (default OPENAI_API_KEY)")
    ev.add_argument("--limit", type=int, metavar="N", help="only the first N records")
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    ev.set_defaults(func=cmd_eval)

    rp = sub.add_parser("report", help="accuracy per skill, length and depth; tables, heatmaps, HTML")
    rp.add_argument("runs", nargs="+", metavar="RUN", help="run folders written by abr eval (compared side by side)")
    rp.add_argument("--html", metavar="PATH", help="write a self-contained HTML report with per-sample drill-down")
    rp.add_argument("--plots", metavar="DIR", help="write the PNG heatmaps into DIR")
    rp.add_argument("--markdown", metavar="PATH", help="write the tables as markdown")
    rp.add_argument("--csv", metavar="PATH", help="write model × skill accuracy (%%) as CSV, for abr correlate")
    rp.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    rp.add_argument("--strict", action="store_true",
                    help="count no-answer, truncated, over-length and error as wrong")
    rp.add_argument("--drilldown", type=int, default=50, metavar="N",
                    help="samples per run in the HTML drill-down, failures first (default 50)")
    rp.set_defaults(func=cmd_report)

    cr = sub.add_parser("correlate", help="Spearman correlation between score columns (atomic vs real benchmarks)")
    cr.add_argument("scores", nargs="+", metavar="SCORES.csv",
                    help="CSV files with a model column and score columns; several are joined on the model")
    cr.add_argument("--x", action="append", metavar="COLS", help="columns for the rows (default: all)")
    cr.add_argument("--y", action="append", metavar="COLS", help="columns for the columns (default: all)")
    cr.add_argument("--min-n", type=int, default=3, help="fewest shared models for a coefficient (default 3)")
    cr.add_argument("--plot", metavar="PNG", help="write the heatmap")
    cr.add_argument("--json", action="store_true", help="print rho, p and n per cell as JSON")
    cr.set_defaults(func=cmd_correlate)
