"""Recipe -> records: composes, interferes, renders and serializes each sample from its own seed.

Every sample is a pure function of (recipe, index), so the output is the same bytes for any number of
worker processes and any sharding. Workers are plain processes with the engine as a local variable;
results come back in chunks and are written in index order, with a bounded number in flight, so
memory stays flat however many samples are written.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
from abr import __version__
from abr.blueprint import ComposeContext, Composition
from abr.components import HaystackSource
from abr.errors import AbrError
from abr.host import Host, get_host
from abr.passages import PassageCache
from abr.plan import Plan, SampleSpec
from abr.program import answer_of, evaluate, notation, value_type
from abr.recipe import Recipe
from abr.registry import Entry
from abr.render import RENDER_VERSION, AnchorCollision, RenderRequest, render
from abr.rng import Rng
from abr.sample import SCHEMA, dumps, sample_id
from abr.tokens import Tokenizer, load_tokenizer

MAX_RETRIES = 5
#: draws of an interference pattern before giving up on leaving the gold answer unchanged
PATTERN_TRIES = 32


def resolve_haystack(spec: str, host: Host) -> tuple[Entry, HaystackSource]:
    """``NAME`` or ``NAME:ARGUMENT`` (e.g. ``dir:/data/essays``) to a configured source."""
    name, sep, argument = spec.partition(":")
    entry = host.registry.entry("haystack_source", name)
    source: HaystackSource = entry.obj
    if sep:
        source = source.configure(argument)
    return entry, source


class Engine:
    """Makes records for one recipe. Build one per process; it caches passages and token counts."""

    def __init__(self, recipe: Recipe, host: Host | None = None, tokenizer: Tokenizer | None = None) -> None:
        self.host = host or get_host()
        self.recipe = recipe
        self.plan = Plan(recipe, self.host.registry)
        self.tokenizer = tokenizer or load_tokenizer(recipe.tokenizer)
        self.haystack_entry, self.haystack = resolve_haystack(recipe.haystack, self.host)
        self.cache = PassageCache(self.haystack, self.tokenizer)
        if recipe.chat_template and self.tokenizer.chat_template() is None:
            raise AbrError(f"tokenizer '{recipe.tokenizer}' has no chat template; drop --chat-template or use a "
                           f"tokenizer folder whose tokenizer_config.json has one")

    # -- one sample ---------------------------------------------------------------------------------------
    def record(self, index: int) -> dict[str, Any]:
        if not 0 <= index < self.recipe.n:
            raise IndexError(index)
        spec = self.plan.spec(index)
        base = Rng("abr", self.recipe.seed, spec.plan.skill.qualified, index)
        for attempt in range(MAX_RETRIES):
            rng = base if attempt == 0 else base.child("retry", attempt)
            try:
                return self._make(spec, rng)
            except AnchorCollision:
                continue
        raise AbrError(f"sample {index} of {spec.plan.skill.qualified}: anchors kept colliding with the "
                       f"background text; use another anchor style or haystack")

    def line(self, index: int) -> str:
        return dumps(self.record(index))

    def _make(self, spec: SampleSpec, rng: Rng) -> dict[str, Any]:
        sp = spec.plan
        depth = spec.depth if spec.depth is not None else round(rng.child("depth").random(), 4)
        skill_knobs = {k.name: spec.knobs[k.name] for k in sp.skill.obj.knobs}
        ctx = ComposeContext(
            rng=rng.child("compose"), knobs=skill_knobs, depth=depth, anchor_style=sp.anchor_style.obj,
            bank=sp.question_bank.obj, bank_name=sp.question_bank.qualified, haystack=self.haystack,
            registry=self.host.registry,
        )
        comp: Composition = sp.skill.obj.compose(ctx)
        if not isinstance(comp, Composition):
            raise AbrError(f"skill {sp.skill.qualified} returned {type(comp).__name__}, not a Composition")
        before = comp.draft.to_blueprint()
        answer = self._answer(sp.skill.qualified, comp.program, before)
        for pattern in sp.patterns:
            pknobs = {k.name: spec.knobs[f"{pattern.bare}.{k.name}"] for k in pattern.obj.knobs}
            self._interfere(sp.skill, pattern, comp, attrs.evolve(ctx, knobs=pknobs),
                            rng.child("interference", pattern.qualified), answer)
        blueprint = comp.draft.to_blueprint() if sp.patterns else before
        rendered = render(RenderRequest(
            draft=comp.draft, question=comp.question, target=spec.length, tokenizer=self.tokenizer,
            cache=self.cache, anchor_style=sp.anchor_style.obj, rng=rng.child("render"),
            chat_template=self.recipe.chat_template, instruction_position=self.recipe.instruction_position,
            system_prompt=self.recipe.system_prompt,
        ))
        answer_type = comp.answer_type or value_type(evaluate(comp.program, blueprint))
        knobs = {**spec.knobs, "length": spec.length, "depth": depth}
        components = [sp.skill, self.haystack_entry, sp.anchor_style, sp.question_bank, *sp.patterns]
        fingerprint = {"knobs": knobs, "tokenizer": self.tokenizer.fingerprint,
                       "chat": self.recipe.chat_template, "position": self.recipe.instruction_position,
                       "system": self.recipe.system_prompt, "haystack": self.recipe.haystack,
                       "components": [c.label for c in components]}
        record: dict[str, Any] = {
            "id": sample_id(sp.skill.qualified, self.recipe.seed, spec.index, fingerprint),
            "schema": SCHEMA,
            "skill": sp.skill.qualified,
            "seed": self.recipe.seed,
            "index": spec.index,
            "knobs": {k: list(v) if isinstance(v, tuple) else v for k, v in knobs.items()},
            "prompt": rendered.prompt,
            "messages": rendered.messages,
            "question": comp.question,
            "answer": answer,
            "answer_type": answer_type,
        }
        if comp.rule:
            record["answer_rule"] = dict(comp.rule)
        record.update({
            "program": comp.program,
            "program_text": notation(comp.program),
            "blueprint": blueprint,
            "needles": rendered.needles,
            "tokens": {"tokenizer": self.tokenizer.spec, "fingerprint": self.tokenizer.fingerprint,
                       "count": rendered.token_count, "target": spec.length,
                       "chat_template": self.recipe.chat_template},
            "difficulty": {k: (float(v) if isinstance(v, Decimal) else v) for k, v in comp.difficulty.items()},
            "interference": [p.qualified for p in sp.patterns],
            "versions": {
                "abr": __version__,
                "render": RENDER_VERSION,
                "components": {c.qualified: c.obj.version for c in components},
                "plugins": {c.plugin: c.dist_version for c in components},
            },
        })
        return record

    @staticmethod
    def _interfere(skill: Entry, pattern: Entry, comp: Composition, ctx: ComposeContext, rng: Rng,
                   gold: str) -> None:
        """Apply a pattern; a draw that would change the gold answer (or make it ambiguous) is undone and
        redrawn from the next stream, so patterns compose with any skill whose answer they can leave alone."""
        draft = comp.draft
        state = draft.snapshot()
        last = ""
        for attempt in range(PATTERN_TRIES):
            pattern.obj.apply(draft, attrs.evolve(ctx, rng=rng if attempt == 0 else rng.child("retry", attempt)))
            try:
                got: str | None = answer_of(comp.program, draft.to_blueprint())
                last = f"the answer became {got!r}"
            except AbrError as exc:
                got, last = None, str(exc)
            if got == gold:
                return
            draft.restore(state)
        raise AbrError(f"interference {pattern.qualified} cannot be added to {skill.qualified} without changing its "
                       f"gold answer {gold!r} ({PATTERN_TRIES} draws; last: {last}); drop the pattern or lower its "
                       f"knobs")

    @staticmethod
    def _answer(skill: str, program: Any, blueprint: dict[str, Any]) -> str:
        try:
            return answer_of(program, blueprint)
        except AbrError as exc:
            raise AbrError(f"skill {skill} produced an answer program that does not evaluate: {exc}") from None


# ---------------------------------------------------------------------------------------------------------
# Many samples, in order, on any number of processes


def shard_range(n: int, shard: tuple[int, int] | None) -> range:
    """Contiguous index block of shard i of N, so that concatenated shards equal the unsharded output."""
    if shard is None:
        return range(n)
    i, total = shard
    return range(i * n // total, (i + 1) * n // total)


def chunk_size(recipe: Recipe) -> int:
    longest = max(recipe.lengths)
    return max(1, min(64, (1 << 20) // longest))


def _worker(recipe: Recipe, tasks: Any, results: Any) -> None:
    try:
        engine = Engine(recipe)
    except BaseException as exc:
        results.put((-1, "error", str(exc) if isinstance(exc, AbrError) else traceback.format_exc()))
        return
    while True:
        task = tasks.get()
        if task is None:
            return
        chunk_id, start, stop = task
        try:
            lines = [engine.line(i) for i in range(start, stop)]
            results.put((chunk_id, "ok", lines))
        except AbrError as exc:
            results.put((chunk_id, "error", str(exc)))
        except BaseException:
            results.put((chunk_id, "crash", traceback.format_exc()))


def iter_lines(recipe: Recipe, indices: range, workers: int = 1,
               engine: Engine | None = None) -> Iterator[tuple[int, str]]:
    """(index, JSON line) for every index, in order, made by ``workers`` processes."""
    if workers <= 1 or len(indices) <= 1:
        eng = engine or Engine(recipe)
        for i in indices:
            yield i, eng.line(i)
        return
    size = chunk_size(recipe)
    chunks = [(c, s, min(s + size, indices.stop)) for c, s in enumerate(range(indices.start, indices.stop, size))]
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx: Any = mp.get_context(method)
    tasks, results = ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(recipe, tasks, results), daemon=True) for _ in range(workers)]
    for p in procs:
        p.start()
    try:
        sent = 0
        for _ in range(min(len(chunks), 2 * workers)):
            tasks.put(chunks[sent])
            sent += 1
        pending: dict[int, list[str]] = {}
        next_chunk = 0
        while next_chunk < len(chunks):
            chunk_id, status, payload = results.get()
            if status == "error":
                raise AbrError(payload)
            if status == "crash":
                raise RuntimeError(f"a generation worker crashed:\n{payload}")
            pending[chunk_id] = payload
            if sent < len(chunks):
                tasks.put(chunks[sent])
                sent += 1
            while next_chunk in pending:
                _, start, _ = chunks[next_chunk]
                for k, line in enumerate(pending.pop(next_chunk)):
                    yield start + k, line
                next_chunk += 1
    finally:
        for _ in procs:
            tasks.put(None)
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()

