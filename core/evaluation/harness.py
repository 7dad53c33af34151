"""``abr eval``: send every record of the datasets to a model, score the responses, keep everything.

Two passes over the datasets. The first records each sample's metadata and finds which requests the store
already holds (those are not sent again; ones whose verdict came from another checker version are scored
again without a request). The second streams only the pending requests — never the whole dataset in
memory — through ``parallel`` workers that each send ``batch_size`` requests at a time, and commits each
scored response as it arrives. The per-sample JSONL export and ``run.json`` are rewritten at the end.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from abr import __version__
from abr.errors import AbrError
from abr.evaluation.backend import (
    BackendOptions,
    Completion,
    ModelClient,
    ModelSpec,
    Request,
    SamplingParams,
    canonical_json,
    parse_model_spec,
    sha256_hex,
)
from abr.evaluation.judge import Judge
from abr.evaluation.progress import Progress
from abr.evaluation.store import SampleInfo, Store, response_key, store_path
from abr.evaluation.verdicts import VERDICTS, Scorer
from abr.records import AtomicFile, file_sha256, read_records
from abr.registry import Registry
from abr.rng import derive_seed

EXPORT_NAME = "samples.jsonl"
#: batched backends sort this many batches' worth of pending requests by length before batching
SORT_WINDOW = 8
MANIFEST_NAME = "run.json"


@attrs.frozen
class EvalConfig:
    """One ``abr eval`` invocation."""

    datasets: tuple[str, ...]
    model: str
    run_dir: Path
    params: SamplingParams = attrs.field(factory=SamplingParams)
    samples: int = 1
    options: BackendOptions = attrs.field(factory=BackendOptions)
    judge: str | None = None
    judge_params: SamplingParams = attrs.field(factory=lambda: SamplingParams(max_tokens=1024))
    limit: int | None = None
    quiet: bool = False
    #: the run's name in reports (default: the model spec); the latest eval of a run names all its rows
    label: str | None = None


@attrs.frozen
class EvalResult:
    run_dir: Path
    label: str
    identity: str
    requests: int
    sent: int
    reused: int
    rescored: int
    counts: Mapping[str, int]
    elapsed_s: float


def default_run_dir(model: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-")[:80] or "run"
    return Path("runs") / slug


def messages_for(record: Mapping[str, Any], system_prompt: str | None) -> tuple[dict[str, str], ...]:
    """The record's chat messages, with ``system_prompt`` (if any) replacing its system message."""
    raw = record.get("messages") or [{"role": "user", "content": record["prompt"]}]
    messages = [{"role": str(m["role"]), "content": str(m["content"])} for m in raw]
    if system_prompt is not None:
        messages = [{"role": "system", "content": system_prompt}] + [m for m in messages if m["role"] != "system"]
    return tuple(messages)


def prompt_hash(messages: Sequence[Mapping[str, str]]) -> str:
    return sha256_hex(canonical_json(list(messages)))


def _check_record(record: Mapping[str, Any], where: str) -> None:
    for field in ("id", "answer", "answer_type"):
        if field not in record:
            raise AbrError(f"{where}: record has no '{field}'; evaluate datasets written by `abr generate`")
    if not isinstance(record.get("messages"), list) and not isinstance(record.get("prompt"), str):
        raise AbrError(f"{where}: record has neither 'messages' nor 'prompt'")


@attrs.frozen
class _Item:
    request: Request
    info: SampleInfo
    prompt_hash: str


class Harness:
    """Runs one :class:`EvalConfig` against a registry's backends and checkers."""

    def __init__(self, config: EvalConfig, registry: Registry) -> None:
        if config.samples < 1:
            raise AbrError(f"--samples-per-prompt must be at least 1, got {config.samples}")
        if config.params.max_tokens < 1:
            raise AbrError(f"--max-tokens must be at least 1, got {config.params.max_tokens}")
        if config.limit is not None and config.limit < 1:
            raise AbrError(f"--limit must be at least 1, got {config.limit}")
        self.config = config
        self.registry = registry
        self.spec: ModelSpec = parse_model_spec(config.model, registry)
        self.spec.check()
        self.identity = self.spec.identity
        self.judge_spec = parse_model_spec(config.judge, registry) if config.judge else None
        if self.judge_spec is not None:
            self.judge_spec.check()
        for path in config.datasets:
            if not Path(path).is_file():
                raise AbrError(f"no such dataset '{path}'; pass .jsonl or .parquet files written by `abr generate`")
        self.params_json = canonical_json(config.params.as_json())
        self.label = config.label or config.model

    # -- the records ----------------------------------------------------------------------------------------
    def _records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        taken = 0
        for path in self.config.datasets:
            resolved = str(Path(path).resolve())
            for number, record in read_records(path):
                if self.config.limit is not None and taken >= self.config.limit:
                    return
                _check_record(record, f"{path}:{number}")
                taken += 1
                yield resolved, record

    def _items(self, record: Mapping[str, Any], dataset: str) -> Iterator[_Item]:
        messages = messages_for(record, self.config.params.system_prompt)
        digest = prompt_hash(messages)
        info = SampleInfo.of(record, dataset)
        for k in range(self.config.samples):
            key = response_key(self.identity, self.config.params, digest, info.record_id, k)
            seed = derive_seed("abr-eval", digest, k) % 2**31
            yield _Item(Request(key, record, messages, k, seed, self.config.params), info, digest)

    # -- the run ----------------------------------------------------------------------------------------------
    def run(self) -> EvalResult:
        return asyncio.run(self.arun())

    async def arun(self) -> EvalResult:
        started = time.perf_counter()
        config = self.config
        keys: dict[str, str] = {}  # key -> answer type, in dataset order; every record is read (and checked) first
        infos: dict[str, SampleInfo] = {}
        counts: dict[str, int] = {}
        for dataset, record in self._records():
            counts[dataset] = counts.get(dataset, 0) + 1
            for item in self._items(record, dataset):
                infos[item.info.record_id] = item.info
                keys.setdefault(item.request.key, item.info.answer_type)
        store = Store(store_path(config.run_dir))
        judge = (Judge(self.judge_spec, store, config.judge_params, config.options)
                 if self.judge_spec is not None else None)
        scorer = Scorer(self.registry, judge)
        try:
            finished = store.finished(self.identity, config.params)
            pending = {key for key in keys if key not in finished}
            stale = {key for key, kind in keys.items() if key in finished and finished[key] != scorer.label(kind)}
            store.add_samples(infos.values())
            for dataset, n in counts.items():
                store.add_dataset(dataset, file_sha256(dataset), n)
            del infos
            rescored = await self._rescore(store, scorer, stale)
            reused = len(keys) - len(pending)
            sent = 0
            if pending:
                client = self.spec.backend.open(self.spec.argument, config.options)
                try:
                    sent = await self._send(client, store, scorer, pending)
                finally:
                    await client.aclose()
            store.relabel(self.identity, config.params, self.label)
            result = EvalResult(config.run_dir, self.label, self.identity, len(keys), sent, reused, rescored,
                                self._verdict_counts(store), time.perf_counter() - started)
            export_samples(store, config.run_dir / EXPORT_NAME)
            self._write_manifest(store, result)
            return result
        finally:
            if judge is not None:
                await judge.aclose()
            store.close()

    async def _rescore(self, store: Store, scorer: Scorer, stale: set[str]) -> int:
        if not stale:
            return 0
        samples = store.samples()
        for row in list(store.responses(self.identity, self.params_json)):
            if row["key"] in stale:
                completion = Completion(text=row["text"], finish=row["finish"], error=row["error"])
                store.rescore(row["key"], await scorer.score(samples[row["record_id"]], completion))
        return len(stale)

    async def _send(self, client: ModelClient, store: Store, scorer: Scorer, pending: set[str]) -> int:
        progress = Progress(len(pending), f"eval {self.label}", self.config.quiet)
        queue: asyncio.Queue[list[_Item] | None] = asyncio.Queue(maxsize=2 * max(1, client.parallel))
        batch_size = max(1, client.batch_size)
        sent = 0

        async def produce() -> None:
            async for batch in self._batches(pending, batch_size):
                await queue.put(batch)
            for _ in range(client.parallel):
                await queue.put(None)

        async def work() -> None:
            nonlocal sent
            while True:
                batch = await queue.get()
                if batch is None:
                    return
                completions = await client.generate([item.request for item in batch])
                if len(completions) != len(batch):
                    raise AbrError(f"model backend '{self.spec.scheme}' returned {len(completions)} completions "
                                   f"for {len(batch)} requests; report this to its author")
                for item, completion in zip(batch, completions):
                    scored = await scorer.score(item.info, completion)
                    store.put(item.request.key, self.identity, self.label, self.config.params,
                              item.info.record_id, item.request.sample, item.prompt_hash, completion, scored)
                    sent += 1
                progress.advance(len(batch))

        tasks = [asyncio.create_task(produce())] + [asyncio.create_task(work()) for _ in range(client.parallel)]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                error = task.exception()
                if error is not None:
                    raise error
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            progress.close()
        return sent

    async def _batches(self, pending: set[str], size: int) -> AsyncIterator[list[_Item]]:
        """Pending items in batches. For batched backends, windows of ``SORT_WINDOW`` batches are sorted by
        prompt length first, so a batch pads its prompts to similar lengths (bounded memory either way)."""
        window: list[_Item] = []
        limit = size * SORT_WINDOW if size > 1 else 1
        for dataset, record in self._records():
            for item in self._items(record, dataset):
                if item.request.key in pending:
                    pending.discard(item.request.key)  # a record listed twice is sent once
                    window.append(item)
            if len(window) >= limit:
                for batch in _split(window, size):
                    yield batch
                window = []
            await asyncio.sleep(0)
        for batch in _split(window, size):
            yield batch

    def _verdict_counts(self, store: Store) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        rows = store.db.execute("SELECT verdict, COUNT(*) FROM responses WHERE model=? AND params=? GROUP BY verdict",
                                (self.identity, self.params_json))
        for verdict, n in rows:
            counts[verdict] = n
        return counts

    def _write_manifest(self, store: Store, result: EvalResult) -> None:
        data = {
            "abr": __version__,
            "model": self.config.model,
            "label": self.label,
            "identity": self.identity,
            "params": self.config.params.as_json(),
            "samples_per_prompt": self.config.samples,
            "judge": self.judge_spec.identity if self.judge_spec is not None else None,
            "datasets": [{"path": r["path"], "sha256": r["sha256"], "records": r["records"]}
                         for r in store.datasets()],
            "requests": result.requests,
            "sent": result.sent,
            "reused": result.reused,
            "rescored": result.rescored,
            "verdicts": dict(result.counts),
            "elapsed_s": round(result.elapsed_s, 3),
        }
        with AtomicFile(self.config.run_dir / MANIFEST_NAME) as out:
            out.write_line(json.dumps(data, indent=2, ensure_ascii=False))


def _split(items: list[_Item], size: int) -> list[list[_Item]]:
    if size > 1:
        items = sorted(items, key=lambda item: sum(len(m["content"]) for m in item.request.messages))
    return [items[i:i + size] for i in range(0, len(items), size)]


def export_samples(store: Store, path: Path) -> int:
    """Every response of the store as one JSON object per line (all runs it holds), written atomically."""
    samples = store.samples()
    n = 0
    with AtomicFile(path) as out:
        for row in store.responses():
            info = samples.get(row["record_id"])
            out.write_line(json.dumps({
                "record_id": row["record_id"], "sample": row["sample"], "model": row["label"],
                "identity": row["model"], "params": json.loads(row["params"]),
                "skill": info.skill if info else None, "length": info.length if info else None,
                "depth": info.depth if info else None, "prompt_hash": row["prompt_hash"],
                "response": row["text"], "reasoning": row["reasoning"], "extracted": row["extracted"],
                "answer": info.answer if info else None, "verdict": row["verdict"], "note": row["note"],
                "finish": row["finish"], "error": row["error"], "prompt_tokens": row["prompt_tokens"],
                "completion_tokens": row["completion_tokens"], "latency_s": round(row["latency_s"], 4),
                "attempts": row["attempts"],
            }, ensure_ascii=False))
            n += 1
    return n
