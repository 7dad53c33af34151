"""``abr mix``: a training mixture with exact, deterministic proportions of skills.

The paper trains on anti-interference : multi-hop : multi-source : logic : calc-reason : niah = 5:3:2:2:2:1.
Shares of ``n`` are exact integers (largest remainder); which samples of a skill are taken is drawn with
the mix seed; the output interleaves the skills evenly (so any prefix has the same proportions), and the
records are copied byte for byte from the inputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from abr.errors import AbrError
from abr.plan import interleave, largest_remainder
from abr.records import AtomicFile, ParquetSink, detect_format, read_records, scan_records
from abr.rng import Rng
from abr.sample import dumps


@attrs.frozen
class Ref:
    """Where a record lives: input file, and its byte offset (JSONL) or row number (Parquet)."""

    path: str
    position: int
    skill: str


def parse_ratio(text: str) -> dict[str, float]:
    """``niah=1,logic=2`` → {"niah": 1.0, "logic": 2.0}; weights must be positive."""
    out: dict[str, float] = {}
    for item in (x.strip() for x in text.split(",") if x.strip()):
        name, sep, weight = item.partition("=")
        try:
            value = float(weight)
        except ValueError:
            value = -1.0
        if not sep or not name.strip() or value <= 0:
            raise AbrError(f"invalid --ratio entry {item!r}: use SKILL=WEIGHT with a positive weight, "
                           f"e.g. --ratio anti-interference=5,niah=1")
        out[name.strip()] = value
    if not out:
        raise AbrError("empty --ratio: give at least one SKILL=WEIGHT")
    return out


def index_inputs(paths: Sequence[str]) -> list[Ref]:
    """One reference per record of every input, without keeping the records in memory."""
    refs: list[Ref] = []
    for path in paths:
        if detect_format(path) == "parquet":
            for number, item in scan_records(path):
                if not isinstance(item, dict):
                    raise item
                refs.append(Ref(path, number - 1, str(item.get("skill", ""))))
            continue
        if not Path(path).is_file():
            raise AbrError(f"no such dataset '{path}'; pass .jsonl or .parquet files written by `abr generate`")
        with open(path, "rb") as fh:
            offset = 0
            for number, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        skill = json.loads(line)["skill"]
                    except (ValueError, KeyError, TypeError):
                        raise AbrError(f"{path}:{number}: not an abr record; run `abr verify {path}`") from None
                    refs.append(Ref(path, offset, skill))
                offset += len(line)
    return refs


def _resolve(name: str, skills: set[str]) -> str:
    if name in skills:
        return name
    matches = sorted(s for s in skills if s.split("/", 1)[-1] == name)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AbrError(f"--ratio skill '{name}' is ambiguous in the inputs: {', '.join(matches)}")
    raise AbrError(f"--ratio names '{name}', but the inputs hold no samples of it; skills present: "
                   f"{', '.join(sorted(skills)) or 'none'}")


def plan_mix(refs: Sequence[Ref], ratio: Mapping[str, float], n: int, seed: int) -> list[Ref]:
    """The records of the mixture, in output order."""
    by_skill: dict[str, list[Ref]] = {}
    for ref in refs:
        by_skill.setdefault(ref.skill, []).append(ref)
    names = [_resolve(name, set(by_skill)) for name in ratio]
    counts = largest_remainder(n, list(ratio.values()))
    chosen: list[list[Ref]] = []
    for name, count in zip(names, counts):
        pool = by_skill[name]
        if count > len(pool):
            raise AbrError(f"the mix needs {count} samples of {name} but the inputs hold {len(pool)}; generate "
                           f"more of it or lower -n")
        chosen.append(Rng("abr-mix", seed, name).sample(pool, count))
    cursors = [0] * len(chosen)
    out = []
    for k in interleave(counts).tolist():
        out.append(chosen[k][cursors[k]])
        cursors[k] += 1
    return out


def _lines(refs: Sequence[Ref]) -> Iterator[tuple[Ref, bytes | dict[str, Any]]]:
    """Each record as its original JSONL line (bytes) or, from Parquet, as a dict."""
    parquet_cache: dict[str, list[dict[str, Any]]] = {}
    handles: dict[str, Any] = {}
    try:
        for ref in refs:
            if detect_format(ref.path) == "parquet":
                if ref.path not in parquet_cache:
                    parquet_cache[ref.path] = [r for _, r in read_records(ref.path)]
                yield ref, parquet_cache[ref.path][ref.position]
                continue
            fh = handles.get(ref.path)
            if fh is None:
                fh = handles[ref.path] = open(ref.path, "rb")  # noqa: SIM115 - closed below
            fh.seek(ref.position)
            yield ref, fh.readline().rstrip(b"\r\n")
    finally:
        for fh in handles.values():
            fh.close()


def write_mix(refs: Sequence[Ref], output: str, fmt: str | None = None) -> dict[str, int]:
    """Write the mixture atomically (JSONL lines are copied byte for byte); returns the count per skill."""
    counts: dict[str, int] = {}
    with AtomicFile(output) as out:
        sink = ParquetSink(out.handle) if detect_format(output, fmt) == "parquet" else None
        for ref, item in _lines(refs):
            counts[ref.skill] = counts.get(ref.skill, 0) + 1
            if sink is not None:
                sink.add(json.loads(item) if isinstance(item, bytes) else item)
            else:
                out.write_line(item.decode("utf-8") if isinstance(item, bytes) else dumps(item))
        if sink is not None:
            sink.close()
    return counts
