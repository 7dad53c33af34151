"""Property-based: any knob values within the documented ranges give samples that verify — or a refusal
that says why (a band no near-duplicate can reach, a set chain too deep for the documents)."""

from __future__ import annotations

from typing import Any

import pytest
from abr.errors import AbrError
from abr.generate import Engine
from abr.host import Host
from abr.knobs import Knob
from abr.recipe import Recipe, SkillEntry
from abr.verify import Verifier
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SKILLS = ("niah", "anti-interference", "multi-source", "logic", "calc-reason", "multi-hop")
#: the documented refusals: inputs no sample can satisfy, each a one-line error naming the fix
REFUSALS = ("cannot make near-duplicates", "cannot build a chain of", "needs at least 2 documents",
            "is too small")
HOST = Host(candidates=[], env={})
VERIFIER = Verifier(HOST)


def knob_values(knob: Knob) -> st.SearchStrategy[Any]:
    if knob.kind == "int":
        return st.integers(int(knob.low or 0), int(knob.high or 64))
    if knob.kind == "float":
        return st.floats(knob.low or 0.0, knob.high or 1.0)
    if knob.kind == "choice":
        return st.sampled_from(knob.choices)
    if knob.kind == "bool":
        return st.booleans()
    if knob.kind == "band":
        lo, hi = knob.low or 0.0, knob.high or 1.0
        return st.tuples(st.floats(lo, hi), st.floats(lo, hi)).map(lambda t: (min(t), max(t)))
    return st.just(knob.default)


def skill_samples(skill: str) -> st.SearchStrategy[tuple[dict[str, Any], int, float]]:
    knobs = HOST.registry.get("skill", skill).knobs
    return st.tuples(st.fixed_dictionaries({k.name: knob_values(k) for k in knobs}),
                     st.integers(0, 2**32), st.floats(0.0, 1.0))


@pytest.mark.parametrize("skill", SKILLS)
def test_any_knobs_in_range_verify(skill: str) -> None:
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(skill_samples(skill))
    def check(case: tuple[dict[str, Any], int, float]) -> None:
        knobs, seed, depth = case
        recipe = Recipe(skills=(SkillEntry(skill, knobs=knobs),), n=1, lengths=(8192,), depths=(depth,), seed=seed)
        try:
            rec = Engine(recipe, host=HOST).record(0)
        except AbrError as exc:
            assert any(r in str(exc) for r in REFUSALS), str(exc)
            return
        assert VERIFIER.check(rec) == []
        assert 0.0 <= rec["difficulty"]["level"] <= 1.0

    check()
