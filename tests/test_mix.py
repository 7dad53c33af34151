"""abr mix: exact proportions, deterministic selection, byte-for-byte copies, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from abr.errors import AbrError
from abr.mixing import index_inputs, parse_ratio, plan_mix, write_mix
from abr.plan import interleave
from helpers import generate, records, write_records


@pytest.fixture(scope="module")
def pools(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("mix")
    a = root / "a.jsonl"
    generate(a, "-n", "30", "--length", "256", "--knob", "pairs=2", "--knob", "documents=1", "--seed", "1")
    recs = records(a)
    for i, rec in enumerate(recs):  # relabel into three "skills" for the mixture logic
        rec["skill"] = ("abr/niah", "abr/logic", "abr/multi-hop")[i % 3]
    b = root / "b.jsonl"
    write_records(b, recs)
    return [str(b)]


def test_exact_proportions_and_even_interleave(pools: list[str], tmp_path: Path) -> None:
    refs = index_inputs(pools)
    chosen = plan_mix(refs, parse_ratio("logic=2,niah=1,multi-hop=1"), 8, seed=5)
    assert [r.skill for r in chosen] == ["abr/logic", "abr/niah", "abr/multi-hop", "abr/logic",
                                         "abr/logic", "abr/niah", "abr/multi-hop", "abr/logic"]
    out = tmp_path / "m.jsonl"
    assert write_mix(chosen, str(out)) == {"abr/logic": 4, "abr/niah": 2, "abr/multi-hop": 2}
    source = {json.loads(line)["id"]: line for line in Path(pools[0]).read_text().splitlines()}
    for line in out.read_text().splitlines():
        assert line == source[json.loads(line)["id"]]  # copied byte for byte
    again = plan_mix(refs, parse_ratio("logic=2,niah=1,multi-hop=1"), 8, seed=5)
    assert again == chosen
    assert plan_mix(refs, parse_ratio("logic=2,niah=1,multi-hop=1"), 8, seed=6) != chosen


def test_paper_ratio_counts() -> None:
    assert [interleave([5, 3, 2, 2, 2, 1]).tolist().count(k) for k in range(6)] == [5, 3, 2, 2, 2, 1]
    first_five = interleave([2, 2, 1]).tolist()
    assert sorted(first_five) == [0, 0, 1, 1, 2]


def test_mix_errors(pools: list[str]) -> None:
    refs = index_inputs(pools)
    with pytest.raises(AbrError, match="the mix needs 20 samples of abr/niah but the inputs hold 10"):
        plan_mix(refs, parse_ratio("niah=1,logic=1"), 40, seed=0)
    with pytest.raises(AbrError, match="the inputs hold no samples of it; skills present: abr/logic"):
        plan_mix(refs, parse_ratio("calc-reason=1"), 4, seed=0)
    with pytest.raises(AbrError, match="invalid --ratio entry 'niah=0'"):
        parse_ratio("niah=0")
