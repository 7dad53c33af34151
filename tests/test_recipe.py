"""Recipes and plans: lengths, depths, mixtures with exact proportions, sweeps, and deterministic seeds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from abr.errors import AbrError
from abr.host import Host
from abr.plan import Plan, largest_remainder
from abr.recipe import Recipe, SkillEntry, parse_depths, parse_length, recipe_from_mapping
from abr.rng import Rng, derive_seed


@pytest.mark.parametrize(("text", "tokens"), [("8k", 8192), ("128K", 131072), ("1m", 1048576), ("5000", 5000),
                                              ("1.5k", 1536)])
def test_parse_length(text: str, tokens: int) -> None:
    assert parse_length(text) == tokens


def test_parse_depths() -> None:
    assert parse_depths("0.1,0.5") == (0.1, 0.5)
    assert parse_depths("uniform") == "uniform"
    with pytest.raises(AbrError, match="invalid depth 'x'"):
        parse_depths("x")


def test_largest_remainder_is_exact() -> None:
    counts = largest_remainder(4000, [5, 3, 2, 2, 2, 1])
    assert counts == [1334, 800, 533, 533, 533, 267] and sum(counts) == 4000
    assert largest_remainder(7, [1, 1, 1]) == [3, 2, 2]


def test_plan_walks_the_grid_and_interleaves(host: Host) -> None:
    recipe = Recipe(n=12, lengths=(1024, 2048), depths=(0.1, 0.9),
                    skills=(SkillEntry("niah", knobs={"pairs": (2, 4, 8)}),))
    plan = Plan(recipe, host.registry)
    grid = [(s.length, s.depth, s.knobs["pairs"]) for s in map(plan.spec, range(12))]
    assert len(set(grid)) == 12
    assert grid[:4] == [(1024, 0.1, 2), (2048, 0.1, 2), (1024, 0.9, 2), (2048, 0.9, 2)]


def test_unknown_top_level_key() -> None:
    with pytest.raises(AbrError, match="unknown key 'lenght'"):
        recipe_from_mapping({"lenght": 5}, "test")


def test_derived_seeds_ignore_hash_randomization() -> None:
    code = "from abr.rng import Rng; r = Rng('abr', 7, 'abr/niah', 3); print(r.below(10**9), r.random())"
    outputs = set()
    for seed in ("0", "1", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                   check=True).stdout)
    assert len(outputs) == 1
    assert derive_seed("a", 1) != derive_seed("a", 2)


def test_children_are_independent_of_draw_order() -> None:
    a, b = Rng("root"), Rng("root")
    a.random()
    assert a.child("x").random() == b.child("x").random()
    assert Rng("s").sample(list(range(100)), 5) == Rng("s").sample(list(range(100)), 5)
    assert sorted(Rng("s").shuffled(range(50))) == list(range(50))


def test_sample_fast_path_matches_the_general_draws() -> None:
    def general(rng: Rng, seq: list[int], k: int) -> list[int]:
        n, moved, out = len(seq), {}, []
        for i in range(k):
            j = i + rng.below(n - i)
            out.append(seq[moved.get(j, j)])
            moved[j] = moved.get(i, i)
        return out

    for n in (1, 2, 3, 10, 800):
        for k in range(min(n, 2) + 1):
            for seed in range(200):
                items = list(range(n))
                assert Rng("s", n, k, seed).sample(items, k) == general(Rng("s", n, k, seed), items, k)
