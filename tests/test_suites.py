"""Suites and curricula: the built-in suites generate and verify, mixtures follow their ratios, and knob
ranges sweep like lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from abr.errors import AbrError
from abr.generate import Engine
from abr.host import Host
from abr.plan import Plan
from abr.recipe import Recipe, SkillEntry, expand_range, recipe_from_mapping
from abr.verify import Verifier
from helpers import generate, records


@pytest.fixture(scope="module")
def shared_host() -> Host:
    return Host(candidates=[], env={})


def test_builtin_suites_are_registered(shared_host: Host) -> None:
    assert [e.qualified for e in shared_host.registry.entries("suite")] == [
        "abr/atomic-probe", "abr/paper-train", "abr/knob-sweep"]


def test_atomic_probe_covers_every_skill_length_and_depth(shared_host: Host) -> None:
    recipe = recipe_from_mapping(shared_host.registry.get("suite", "atomic-probe").recipe(), "suite")
    plan = Plan(recipe, shared_host.registry)
    assert recipe.n == 1200 and set(plan.skill_counts().values()) == {200}
    assert recipe.lengths == (8192, 16384, 32768, 65536, 131072) and recipe.depths == (0.1, 0.3, 0.5, 0.7, 0.9)
    cells = {(s.plan.skill.qualified, s.length, s.depth) for s in (plan.spec(i) for i in range(recipe.n))}
    assert len(cells) == 6 * 5 * 5


def test_atomic_probe_generates_and_verifies(tmp_path: Path) -> None:
    out = tmp_path / "probe.jsonl"
    generate(out, "--suite", "atomic-probe", "-n", "12", "--length", "4k,8k")
    recs = records(out)
    assert sorted({r["skill"] for r in recs}) == sorted(f"abr/{s}" for s in (
        "niah", "anti-interference", "multi-source", "logic", "calc-reason", "multi-hop"))
    verifier = Verifier(Host(candidates=[], env={}))
    assert all(verifier.check(r) == [] for r in recs)
    manifest = json.loads((tmp_path / "probe.jsonl.manifest.json").read_text())
    assert manifest["recipe"]["skills"]["logic"]["variant"] == ["set", "frequency", "ranking", "position",
                                                                  "composite"]


def test_suite_bytes_do_not_depend_on_workers(tmp_path: Path) -> None:
    args = ["--suite", "atomic-probe", "-n", "12", "--length", "2k,4k", "--seed", "3"]
    one = generate(tmp_path / "one.jsonl", *args)
    two = generate(tmp_path / "two.jsonl", *args, "--workers", "2")
    assert one == two


def test_paper_train_follows_the_mixture_and_the_24k_cap(tmp_path: Path, shared_host: Host) -> None:
    recipe = recipe_from_mapping(shared_host.registry.get("suite", "paper-train").recipe(), "suite")
    counts = Plan(attrs_n(recipe, 150), shared_host.registry).skill_counts()
    assert counts == {"abr/anti-interference": 50, "abr/multi-hop": 30, "abr/multi-source": 20, "abr/logic": 20,
                      "abr/calc-reason": 20, "abr/niah": 10}
    assert max(recipe.lengths) == 24576 and recipe.depths == "uniform"
    out = tmp_path / "train.jsonl"
    generate(out, "--suite", "paper-train", "-n", "15", "--length", "4k")
    recs = records(out)
    verifier = Verifier(shared_host)
    assert len(recs) == 15 and all(verifier.check(r) == [] for r in recs)
    hops = [r["knobs"]["hops"] for r in recs if r["skill"] == "abr/multi-hop"]
    assert hops == [1, 2, 3]


def attrs_n(recipe: Recipe, n: int) -> Recipe:
    import attrs

    return attrs.evolve(recipe, n=n)


@pytest.mark.parametrize(("value", "kind", "expected"), [
    ("2..6", "int", (2, 3, 4, 5, 6)),
    ("2..16:4", "int", (2, 6, 10, 14)),
    ({"low": 0.1, "high": 0.5, "step": 0.2}, "float", (0.1, 0.3, 0.5)),
    ("0..1:0.25", "float", (0.0, 0.25, 0.5, 0.75, 1.0)),
    ("8", "int", None),
    ([2, 4], "int", None),
])
def test_expand_range(value: object, kind: str, expected: object) -> None:
    assert expand_range(value, kind, "k") == expected


@pytest.mark.parametrize(("value", "kind", "message"), [
    ("0..1", "float", "a range of a number knob needs a step, e.g. 0..1:0.1"),
    ("5..2", "int", "must have LOW <= HIGH and a positive step"),
    ("1..2:0.5", "int", "an integer knob's range needs integer ends and step"),
    ("0..100000", "int", "has 100001 values; at most 10000"),
])
def test_bad_ranges_are_one_line_errors(value: str, kind: str, message: str) -> None:
    with pytest.raises(AbrError, match=message):
        expand_range(value, kind, "k")


def test_a_range_sweeps_the_grid(shared_host: Host) -> None:
    recipe = Recipe(skills=(SkillEntry("multi-hop", knobs={"hops": "1..4", "difficulty": "0..1:0.5"}),), n=12,
                    lengths=(2048,))
    engine = Engine(recipe, host=shared_host)
    seen = [(engine.plan.spec(i).knobs["hops"], engine.plan.spec(i).knobs["difficulty"]) for i in range(12)]
    assert seen == [(h, d) for d in (0.0, 0.5, 1.0) for h in (1, 2, 3, 4)]
    out = recipe_from_mapping({"skills": {"niah": {"pairs": {"low": 2, "high": 8, "step": 3}}}}, "toml")
    assert Plan(out, shared_host.registry).skills[0].axes[-1] == ("pairs", (2, 5, 8))


def test_cli_range_and_out_of_range_values(tmp_path: Path) -> None:
    generate(tmp_path / "r.jsonl", "-n", "3", "--length", "1k", "--knob", "pairs=2..6:2")
    assert [r["knobs"]["pairs"] for r in records(tmp_path / "r.jsonl")] == [2, 4, 6]
    from abr.cli import main

    assert main(["generate", "-q", "-o", str(tmp_path / "bad.jsonl"), "--knob", "pairs=2..100"]) == 2
    assert not (tmp_path / "bad.jsonl").exists()
