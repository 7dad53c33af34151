"""``abr filter``: keep the prompts of useful difficulty — a pass rate within a band under a sampling model.

The paper keeps queries whose pass rate under DeepSeek V3.1 lies in [0.3, 0.6] (§4.1). abr samples k
responses per prompt with any evaluation backend (through ``abr eval``'s harness, so a long filtering run
is resumable and never pays twice for a response), records the pass rate in each record's ``filter``
field, and keeps the records inside the band. A record with a transport failure among its k responses
(``error`` or ``over-length``) has no honest pass rate; it is left out and counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
from abr.errors import AbrError
from abr.records import AtomicFile, ParquetSink, detect_format, read_records
from abr.sample import dumps

UNRELIABLE = ("error", "over-length")


def parse_band(text: str) -> tuple[float, float]:
    """``0.3:0.6`` → (0.3, 0.6), both ends included."""
    lo_s, sep, hi_s = text.partition(":")
    try:
        lo, hi = float(lo_s), float(hi_s)
    except ValueError:
        lo, hi = -1.0, -1.0
    if not sep or not 0.0 <= lo <= hi <= 1.0:
        raise AbrError(f"invalid --keep {text!r}: use LOW:HIGH with 0 <= LOW <= HIGH <= 1, e.g. --keep 0.3:0.6")
    return lo, hi


@attrs.frozen
class PassRate:
    correct: int
    total: int
    unreliable: int

    @property
    def rate(self) -> float | None:
        return None if self.unreliable or not self.total else self.correct / self.total


def pass_rates(rows: Iterable[Any]) -> dict[str, PassRate]:
    """Per record id, from the store's response rows of one run."""
    tally: dict[str, list[int]] = {}
    for row in rows:
        t = tally.setdefault(row["record_id"], [0, 0, 0])
        t[0] += row["verdict"] == "correct"
        t[1] += 1
        t[2] += row["verdict"] in UNRELIABLE
    return {rid: PassRate(*t) for rid, t in tally.items()}


@attrs.frozen
class FilterResult:
    kept: int
    total: int
    unreliable: int
    histogram: Mapping[str, int]


def write_filtered(datasets: Iterable[str], rates: Mapping[str, PassRate], band: tuple[float, float],
                   meta: Mapping[str, Any], output: str, fmt: str | None = None) -> FilterResult:
    """Every record in the band, with its ``filter`` field, in input order; written atomically."""
    lo, hi = band
    kept = total = unreliable = 0
    histogram: dict[str, int] = {}
    with AtomicFile(output) as out:
        sink = ParquetSink(out.handle) if detect_format(output, fmt) == "parquet" else None
        for path in datasets:
            for _, record in read_records(path):
                total += 1
                found = rates.get(str(record["id"]))
                if found is None:
                    raise AbrError(f"record {record['id']} of {path} has no responses in the run; rerun abr filter")
                rate = found.rate
                if rate is None:
                    unreliable += 1
                    continue
                bucket = f"{rate:.2f}"
                histogram[bucket] = histogram.get(bucket, 0) + 1
                if not lo <= rate <= hi:
                    continue
                record = {**record, "filter": {**meta, "k": found.total, "correct": found.correct,
                                               "pass_rate": round(rate, 6), "band": [lo, hi]}}
                kept += 1
                if sink is not None:
                    sink.add(record)
                else:
                    out.write_line(dumps(record))
        if sink is not None:
            sink.close()
    return FilterResult(kept, total, unreliable, dict(sorted(histogram.items())))


def run_dir_for(output: str) -> Path:
    return Path(f"{output}.run")


def describe(result: FilterResult) -> str:
    hist = ", ".join(f"{k}: {v}" for k, v in result.histogram.items())
    return (f"kept {result.kept} of {result.total} records"
            f"{f'; {result.unreliable} left out for transport failures' if result.unreliable else ''}; "
            f"pass rates {{{hist}}}")


def meta_of(label: str, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"model": label, "params": json.loads(json.dumps(params))}
