"""Generation benchmarks: throughput, full encodes per sample, streaming memory and start-up time.

    python bench/bench_generate.py            # full run (~3 minutes on 2 cores)
    python bench/bench_generate.py --quick    # smaller counts, for a smoke test

Figures are medians over repeats; results go to stdout as markdown and to ``--json PATH``.
Reference (design.md, measured on a 2-core machine like ours): RULER needs ~56 s for 50 NIAH samples at
128K tokens (~20 s start-up, then ~0.6 s a sample).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RULER_50_AT_128K_S = 56.0
PY = sys.executable


def train_bpe(folder: Path, vocab: int = 16000) -> Path:
    """A byte-level BPE tokenizer.json trained on abr's own procedural text (no downloads)."""
    from abr.plugins.haystacks.procedural import ProceduralHaystack
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    src = ProceduralHaystack()
    texts = [" ".join(src.passage(g, i).sentences) for g in src.genres() for i in range(600)]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=vocab,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    return folder


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a normal install: byte-code caching on (start-up is measured as users see it)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def _abr(*args: str, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run([PY, "-m", "abr.cli", *args], check=True, env=_env(env), stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def cold(n: int, length: str, tokenizer: str, out: Path, repeats: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of a whole `abr generate` process (start-up included)."""
    return statistics.median(_abr("generate", "-q", "-n", str(n), "--length", length, "--tokenizer", tokenizer,
                                  "-o", str(out), env=env) for _ in range(repeats))


def warm(length: int, tokenizer: str, warmup: int, measure: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Samples/s of one process once its passage cache is warm, and full encodes per sample."""
    code = f"""
import json, time
from abr.generate import Engine
from abr.recipe import Recipe
e = Engine(Recipe(n={warmup + measure}, lengths=({length},), depths="uniform", tokenizer={tokenizer!r}))
for i in range({warmup}):
    e.line(i)
before = e.tokenizer.full_encodes
t = time.perf_counter()
for i in range({warmup}, {warmup + measure}):
    e.line(i)
elapsed = time.perf_counter() - t
print(json.dumps({{"seconds": elapsed, "encodes": e.tokenizer.full_encodes - before, "backend": e.tokenizer.backend}}))
"""
    out = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, env=_env(env)).stdout
    data = json.loads(out.strip().splitlines()[-1])
    rate = measure / data["seconds"]
    return {"samples_per_s": rate, "tokens_per_s": rate * length, "encodes_per_sample": data["encodes"] / measure,
            "backend": data["backend"]}


def peak_rss_mb(n: int, length: str) -> float:
    """Peak resident memory of one process streaming n samples."""
    code = (f"import resource, sys; from abr.cli import main; "
            f"main(['generate', '-q', '-n', '{n}', '--length', '{length}', '-o', sys.argv[1]]); "
            f"print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([PY, "-c", code, str(Path(tmp) / "o.jsonl")], check=True, capture_output=True,
                             text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def startup(repeats: int) -> float:
    _abr("list-skills", "--json")  # writes the byte-code caches once, as any first run does
    return statistics.median(_abr("list-skills", "--json") for _ in range(repeats))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    q = args.quick
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        bpe = str(train_bpe(tmp / "bpe"))
        results["startup_list_skills_s"] = startup(5 if q else 15)
        results["cold_50_at_128k_s"] = cold(10 if q else 50, "128k", "default", tmp / "c.jsonl", 1 if q else 3)
        results["cold_50_at_128k_bpe_s"] = cold(10 if q else 50, "128k", bpe, tmp / "c.jsonl", 1 if q else 3)
        rows = []
        shrink = 4 if q else 1
        for length in (8192, 32768, 131072):
            for label, tok, env, measure in (("default", "default", None, 200),
                                             ("bpe", bpe, None, 200),
                                             ("bpe", bpe, {"ABR_NO_GIGATOKEN": "1"}, 10)):
                row = warm(length, tok, warmup=300 // shrink, measure=max(5, measure // shrink), env=env)
                rows.append({"length": length, "tokenizer": label, **row})
        results["warm"] = rows
        results["peak_rss_mb"] = {"1000_at_8k": peak_rss_mb(100 if q else 1000, "8k"),
                                  "10000_at_8k": peak_rss_mb(1000 if q else 10000, "8k")}
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def render(r: dict[str, Any]) -> str:
    lines = [f"machine: {r['machine']['cpus']} CPUs, Python {r['machine']['python']}", "",
             "| measurement | value |", "|---|---|",
             f"| `abr list-skills` start-up (median) | {r['startup_list_skills_s'] * 1000:.0f} ms |",
             f"| 50 samples at 128K, default tokenizer, whole process | {r['cold_50_at_128k_s']:.2f} s "
             f"({RULER_50_AT_128K_S / r['cold_50_at_128k_s']:.0f}× faster than RULER's ~56 s) |",
             f"| 50 samples at 128K, BPE tokenizer.json (gigatoken), whole process | "
             f"{r['cold_50_at_128k_bpe_s']:.2f} s |",
             f"| peak RSS streaming 1,000 samples at 8K | {r['peak_rss_mb']['1000_at_8k']:.0f} MB |",
             f"| peak RSS streaming 10,000 samples at 8K | {r['peak_rss_mb']['10000_at_8k']:.0f} MB |",
             "", "| length | tokenizer | engine | samples/s (1 core, warm) | tokens/s | full encodes/sample |",
             "|---|---|---|---|---|---|"]
    for w in r["warm"]:
        lines.append(f"| {w['length'] // 1024}K | {w['tokenizer']} | {w['backend']} | {w['samples_per_s']:.1f} | "
                     f"{w['tokens_per_s'] / 1e6:.2f}M | {w['encodes_per_sample']:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
