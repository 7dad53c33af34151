"""Evaluation harness overhead: what ``abr eval`` adds per request over a bare HTTP client, 64 requests in flight.

    python bench/bench_eval.py            # 2,000 requests, 3 repeats (~1 minute on 2 cores)
    python bench/bench_eval.py --quick    # 400 requests, 1 repeat

A minimal OpenAI-compatible server (asyncio, keep-alive, instant fixed reply) runs in its own process on
loopback. The same requests are sent (a) by a bare ``httpx.AsyncClient`` with 64 concurrent tasks, and (b) by
``abr eval --model openai:...`` with ``--concurrency 64`` into a fresh run folder, which also reads the
dataset twice, hashes prompts, scores every response, commits it to SQLite and exports the JSONL. The
difference (b − a) / requests is the overhead as a user sees it; (c) the harness alone — the same run in
process with a client that answers at once, no HTTP — gives its own cost per request (target: under 1 ms).
A rerun that finds every response in the store (no request sent) is timed too. Medians over repeats;
markdown on stdout, ``--json PATH``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PY = sys.executable
REPLY = json.dumps({"id": "x", "object": "chat.completion", "model": "bench",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": "The anchor is there.\nAnswer: 42"}}],
                    "usage": {"prompt_tokens": 600, "completion_tokens": 9, "total_tokens": 609}}).encode()


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + str(len(REPLY)).encode() +
            b"\r\n\r\n" + REPLY)
    try:
        while True:
            headers = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in headers.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            writer.write(head)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


def serve(port: int) -> None:
    async def run() -> None:
        server = await asyncio.start_server(_handle, "127.0.0.1", port, backlog=512)
        async with server:
            await server.serve_forever()

    asyncio.run(run())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def raw_client(url: str, bodies: list[bytes], concurrency: int) -> float:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, trust_env=False) as client:
        queue = list(reversed(bodies))

        async def worker() -> None:
            while queue:
                body = queue.pop()
                response = await client.post(f"{url}/chat/completions", content=body,
                                             headers={"Content-Type": "application/json"})
                response.json()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


def bodies_of(data: Path) -> list[bytes]:
    out = []
    for line in data.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        out.append(json.dumps({"model": "bench", "messages": record["messages"], "max_tokens": 64,
                               "temperature": 0.0, "seed": 1}).encode())
    return out


def harness(data: Path, url: str, run_dir: Path, concurrency: int) -> float:
    started = time.perf_counter()
    subprocess.run([PY, "-m", "abr.cli", "eval", str(data), "--model", f"openai:bench@{url}", "-o", str(run_dir),
                    "-q", "--concurrency", str(concurrency), "--max-tokens", "64"], check=True)
    return time.perf_counter() - started


def bookkeeping(data: Path, run_dir: Path, concurrency: int) -> float:
    """The harness alone, in process: the same run with a client that answers at once (no HTTP), so the
    time is reading, hashing, queueing, scoring, SQLite commits and the export."""
    from abr.evaluation.backend import BackendOptions, Completion, ModelClient
    from abr.evaluation.harness import EvalConfig, Harness
    from abr.host import get_host

    class Instant(ModelClient):
        batch_size = 1
        parallel = concurrency

        async def generate(self, batch: Any) -> list[Completion]:
            await asyncio.sleep(0)
            return [Completion(text="The anchor is there.\nAnswer: 42", prompt_tokens=600, completion_tokens=9)]

    harness = Harness(EvalConfig(datasets=(str(data),), model="openai:bench@http://127.0.0.1:9/v1", run_dir=run_dir,
                                 options=BackendOptions(concurrency=concurrency), quiet=True), get_host().registry)
    harness.spec.backend.open = lambda argument, options: Instant()  # type: ignore[method-assign]
    started = time.perf_counter()
    harness.run()
    return time.perf_counter() - started


def startup() -> float:
    started = time.perf_counter()
    subprocess.run([PY, "-m", "abr.cli", "--version"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    n = args.requests or (400 if args.quick else 2000)
    repeats = 1 if args.quick else 3
    port = free_port()
    server = subprocess.Popen([PY, __file__, "--serve", str(port)])
    url = f"http://127.0.0.1:{port}/v1"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "d.jsonl"
            subprocess.run([PY, "-m", "abr.cli", "generate", "-q", "-n", str(n), "--length", "512", "-o", str(data)],
                           check=True)
            for _ in range(50):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            bodies = bodies_of(data)
            raw, full, rerun, alone = [], [], [], []
            for k in range(repeats):
                raw.append(asyncio.run(raw_client(url, bodies, args.concurrency)))
                run_dir = Path(tmp) / f"run{k}"
                full.append(harness(data, url, run_dir, args.concurrency))
                rerun.append(harness(data, url, run_dir, args.concurrency))
                alone.append(bookkeeping(data, Path(tmp) / f"alone{k}", args.concurrency))
            start = statistics.median(startup() for _ in range(3))
    finally:
        server.terminate()
        server.wait()
    raw_s, full_s, rerun_s = statistics.median(raw), statistics.median(full), statistics.median(rerun)
    alone_s = statistics.median(alone)
    result: dict[str, Any] = {
        "requests": n, "concurrency": args.concurrency, "repeats": repeats, "cpus": os.cpu_count(),
        "raw_client_s": round(raw_s, 3), "abr_eval_s": round(full_s, 3), "abr_eval_rerun_s": round(rerun_s, 3),
        "cli_startup_s": round(start, 3),
        "raw_requests_per_s": round(n / raw_s, 1), "abr_requests_per_s": round(n / full_s, 1),
        "overhead_ms_per_request": round(1000 * (full_s - raw_s) / n, 3),
        "overhead_ms_per_request_excluding_startup": round(1000 * (full_s - start - raw_s) / n, 3),
        "rerun_ms_per_request": round(1000 * (rerun_s - start) / n, 3),
        "harness_only_s": round(alone_s, 3),
        "harness_only_ms_per_request": round(1000 * alone_s / n, 3),
    }
    print("| measure | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
