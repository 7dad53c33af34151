"""Generation end to end: determinism over workers and shards, exact token counts, needles, verification."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from abr.anchors import similarity
from abr.generate import Engine
from abr.host import Host
from abr.program import answer_of
from abr.recipe import Recipe
from abr.sample import load_schema
from abr.verify import Verifier
from helpers import generate, records


def test_same_recipe_gives_same_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a.jsonl", "-n", "6", "--length", "2k", "--seed", "11")
    b = generate(tmp_path / "b.jsonl", "-n", "6", "--length", "2k", "--seed", "11")
    assert a == b
    manifest = json.loads((tmp_path / "a.jsonl.manifest.json").read_text())
    assert manifest["sha256"] == hashlib.sha256(a).hexdigest()
    assert manifest["count"] == 6 and manifest["skills"] == {"abr/niah": 6}
    c = generate(tmp_path / "c.jsonl", "-n", "6", "--length", "2k", "--seed", "12")
    assert c != a


def test_workers_do_not_change_bytes(tmp_path: Path) -> None:
    args = ["-n", "14", "--length", "1k,2k", "--depth", "0.1,0.9", "--knob", "variant=single,distributed"]
    one = generate(tmp_path / "one.jsonl", *args)
    three = generate(tmp_path / "three.jsonl", *args, "--workers", "3")
    assert one == three


def test_shards_concatenate_to_the_unsharded_output(tmp_path: Path) -> None:
    whole = generate(tmp_path / "whole.jsonl", "-n", "10", "--length", "1k")
    parts = [generate(tmp_path / f"s{i}.jsonl", "-n", "10", "--length", "1k", "--shard", f"{i}/3") for i in range(3)]
    assert b"".join(parts) == whole
    manifests = [json.loads((tmp_path / f"s{i}.jsonl.manifest.json").read_text()) for i in range(3)]
    assert [m["indices"] for m in manifests] == [[0, 3], [3, 6], [6, 10]]
    assert [m["shard"] for m in manifests] == ["0/3", "1/3", "2/3"]


@pytest.mark.parametrize("length", [1024, 8192, 32768])
def test_default_counts_are_exact_and_one_encode_per_sample(length: int, host: Host) -> None:
    engine = Engine(Recipe(n=8, lengths=(length,), depths="uniform", seed=3), host=host)
    verifier = Verifier(host)
    for i in range(8):
        rec = engine.record(i)
        count = rec["tokens"]["count"]
        assert length - length // 100 <= count <= length
        assert engine.tokenizer.count(rec["prompt"], special=False) == count
        assert verifier.check(rec) == []
    assert engine.tokenizer.full_encodes == 8 + 8  # one per sample, plus the eight re-counts above


def test_128k_sample_is_exact(host: Host) -> None:
    engine = Engine(Recipe(n=1, lengths=(131072,)), host=host)
    rec = engine.record(0)
    assert 131072 - 1310 <= rec["tokens"]["count"] <= 131072
    assert engine.tokenizer.full_encodes == 1
    assert Verifier(host).check(rec) == []


@pytest.mark.parametrize("gigatoken", [True, False])
@pytest.mark.parametrize("chat", [False, True])
def test_hf_tokenizer_counts(bpe_dir: Path, host: Host, monkeypatch: pytest.MonkeyPatch, gigatoken: bool,
                             chat: bool) -> None:
    if not gigatoken:
        monkeypatch.setenv("ABR_NO_GIGATOKEN", "1")
    engine = Engine(Recipe(n=4, lengths=(2048, 8192), tokenizer=str(bpe_dir), chat_template=chat,
                           system_prompt="Think step by step." if chat else None), host=host)
    assert engine.tokenizer.backend == ("gigatoken" if gigatoken else "tokenizers")
    verifier = Verifier(host)
    for i in range(4):
        rec = engine.record(i)
        assert rec["tokens"]["chat_template"] is chat
        assert verifier.check(rec) == []
        if chat:
            assert rec["messages"][0] == {"role": "system", "content": "Think step by step."}
    assert engine.tokenizer.full_encodes <= 4 * 2  # at most one correction round per sample on this tokenizer


def test_records_are_self_describing(tmp_path: Path) -> None:
    generate(tmp_path / "d.jsonl", "-n", "5", "--length", "4k", "--knob", "pairs=6", "--seed", "5")
    schema = load_schema()
    for rec in records(tmp_path / "d.jsonl"):
        jsonschema.validate(rec, schema)
        assert answer_of(rec["program"], rec["blueprint"]) == rec["answer"]
        assert rec["messages"][-1] == {"role": "user", "content": rec["prompt"]}
        anchors = rec["blueprint"]["anchors"]
        assert len(anchors) == 6 and len(rec["needles"]) == 6
        for n in rec["needles"]:
            assert rec["prompt"][n["char"]:].startswith(anchors[n["anchor"]])
        target = next(p for d in rec["blueprint"]["documents"] for p in d["pairs"] if p["role"] == "target")
        assert anchors[target["anchor"]] in rec["question"]
        assert rec["answer"] == target["answer"]
        assert rec["program_text"] == f"solve(Q({target['anchor']}))"
        assert rec["versions"]["components"] == {"abr/niah": 2, "abr/procedural": 3, "abr/random-id": 2,
                                                 "abr/arithmetic": 1}


@pytest.mark.parametrize("depth", [0.0, 0.2, 0.5, 0.8, 1.0])
def test_target_lands_at_the_requested_depth(host: Host, depth: float) -> None:
    engine = Engine(Recipe(n=3, lengths=(8192,), depths=(depth,), skills=Recipe().skills), host=host)
    for i in range(3):
        rec = engine.record(i)
        target = next(n for n in rec["needles"] if n["role"] == "target")
        assert abs(target["depth"] - depth) <= 0.03


def test_near_duplicate_interference(tmp_path: Path) -> None:
    generate(tmp_path / "i.jsonl", "-n", "4", "--length", "4k", "--interference", "near-duplicate",
             "--knob", "near-duplicate.decoys=3", "--knob", "near-duplicate.band=0.8-0.95")
    for rec in records(tmp_path / "i.jsonl"):
        anchors = rec["blueprint"]["anchors"]
        pairs = [p for d in rec["blueprint"]["documents"] for p in d["pairs"]]
        target = anchors[next(p["anchor"] for p in pairs if p["role"] == "target")]
        decoys = [anchors[p["anchor"]] for p in pairs if p["role"] == "decoy"]
        assert len(decoys) == 3 and target not in decoys
        assert all(0.8 <= similarity(d, target) <= 0.95 for d in decoys)
        assert rec["interference"] == ["abr/near-duplicate"]
        assert rec["knobs"]["near-duplicate.decoys"] == 3
    assert Verifier(Host(candidates=[], env={})).check(records(tmp_path / "i.jsonl")[0]) == []


def test_instruction_at_the_start(tmp_path: Path) -> None:
    generate(tmp_path / "s.jsonl", "-n", "2", "--length", "2k", "--instruction-position", "start")
    for rec in records(tmp_path / "s.jsonl"):
        assert rec["prompt"].index(rec["question"]) < rec["prompt"].index("<document")
        assert rec["prompt"].endswith("</document>")


def test_parquet_output_verifies(tmp_path: Path) -> None:
    from abr.cli import main

    out = tmp_path / "p.parquet"
    generate(out, "-n", "3", "--length", "1k")
    assert out.read_bytes()[:4] == b"PAR1"
    assert main(["verify", "-q", str(out)]) == 0
    jsonl = generate(tmp_path / "p.jsonl", "-n", "3", "--length", "1k")
    from abr.records import read_records

    assert [r for _, r in read_records(out)] == [json.loads(x) for x in jsonl.decode().splitlines()]
