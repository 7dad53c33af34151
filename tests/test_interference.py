"""Interference patterns: what each adds, that the gold answer never moves, that they compose, and the clear
error when a pattern cannot be added to a skill without changing its answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from abr.anchors import similarity
from abr.components import InterferencePattern
from abr.errors import AbrError
from abr.generate import Engine
from abr.host import Host
from abr.recipe import Recipe, SkillEntry
from abr.verify import Verifier
from helpers import generate, records

PATTERNS = ("near-duplicate", "conflict", "lure-questions", "decoy-documents")


@pytest.fixture(scope="module")
def shared_host() -> Host:
    return Host(candidates=[], env={})


def make(host: Host, skill: str, patterns: tuple[str, ...], n: int = 6, seed: int = 3,
         **knobs: Any) -> list[dict[str, Any]]:
    entry = SkillEntry(skill, knobs=knobs, interference=patterns)
    engine = Engine(Recipe(skills=(entry,), n=n, lengths=(4096,), depths="uniform", seed=seed), host=host)
    return [engine.record(i) for i in range(n)]


def pairs(rec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(d["id"], p) for d in rec["blueprint"]["documents"] for p in d["pairs"]]


def test_builtins_register_through_the_hook(shared_host: Host) -> None:
    assert [e.qualified for e in shared_host.registry.entries("interference_pattern")] == [
        f"abr/{p}" for p in PATTERNS]


@pytest.mark.parametrize("skill", ["niah", "anti-interference", "multi-source", "calc-reason", "multi-hop"])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_patterns_keep_the_answer_and_verify(skill: str, pattern: str, shared_host: Host) -> None:
    plain = make(shared_host, skill, ())
    noisy = make(shared_host, skill, (pattern,))
    verifier = Verifier(shared_host)
    defaults = list(shared_host.registry.get("skill", skill).default_interference)
    for a, b in zip(plain, noisy):
        assert b["answer"] == a["answer"]
        assert b["interference"] == list(dict.fromkeys([*defaults, f"abr/{pattern}"]))
        assert len(pairs(b)) > len(pairs(a)) or f"abr/{pattern}" in defaults
        assert verifier.check(b) == []


def test_patterns_compose(shared_host: Host) -> None:
    verifier = Verifier(shared_host)
    for rec in make(shared_host, "niah", PATTERNS, n=8):
        roles = [p["role"] for _, p in pairs(rec)]
        assert roles.count("target") == 1 and roles.count("decoy") >= 3 + 3 + 2 + 2
        assert verifier.check(rec) == []


def test_conflict_copies_a_scoped_target_else_repeats_a_fresh_anchor(shared_host: Host) -> None:
    for rec in make(shared_host, "anti-interference", ("conflict",), variant="conflict", decoys=1,
                    **{"conflict.copies": 3}):
        target = next(p for _, p in pairs(rec) if p["role"] == "target")
        assert sum(p["anchor"] == target["anchor"] for _, p in pairs(rec)) == 1 + 1 + 3
    for rec in make(shared_host, "niah", ("conflict",), **{"conflict.copies": 2}):
        target = next(p for _, p in pairs(rec) if p["role"] == "target")
        assert sum(p["anchor"] == target["anchor"] for _, p in pairs(rec)) == 1
        repeated = [a for a in rec["blueprint"]["anchors"] if sum(p["anchor"] == a for _, p in pairs(rec)) == 3]
        assert len(repeated) == 1
        assert len({p["answer"] for _, p in pairs(rec) if p["anchor"] == repeated[0]}) == 3


def test_lures_copy_the_target_question_with_nearby_numbers(shared_host: Host) -> None:
    for rec in make(shared_host, "niah", ("lure-questions",), variant="single", **{"lure-questions.lures": 3}):
        (t_doc, target), *_ = [(d, p) for d, p in pairs(rec) if p["role"] == "target"]
        lures = [(d, p) for d, p in pairs(rec) if p["role"] == "decoy"]
        assert len(lures) == 3 and all(d == t_doc for d, _ in lures)
        shape = re.sub(r"\d+", "#", target["question"])
        for _, p in lures:
            assert re.sub(r"\d+", "#", p["question"]) == shape and p["question"] != target["question"]
            assert p["answer"] != target["answer"]


def test_decoy_documents_are_appended_with_lookalikes(shared_host: Host) -> None:
    for rec in make(shared_host, "niah", ("decoy-documents",), documents=3,
                    **{"decoy-documents.documents": 2, "decoy-documents.pairs": 3}):
        docs = rec["blueprint"]["documents"]
        assert [d["id"] for d in docs] == ["doc1", "doc2", "doc3", "doc4", "doc5"]
        target_doc, target = next((d, p) for d, p in pairs(rec) if p["role"] == "target")
        genre = next(d["genre"] for d in docs if d["id"] == target_doc)
        t_text = rec["blueprint"]["anchors"][target["anchor"]]
        for d in docs[3:]:
            assert d["genre"] == genre and len(d["pairs"]) == 3
            for p in d["pairs"]:
                assert 0.75 <= similarity(rec["blueprint"]["anchors"][p["anchor"]], t_text) <= 0.95
        assert 'Read the following 5 documents' in rec["prompt"]


class _CopyTarget(InterferencePattern):
    """A pattern that can never be added to niah: it repeats the (unscoped) target anchor."""

    name = "copy-target"
    version = 1
    description = "test pattern"

    def apply(self, draft: Any, ctx: Any) -> None:
        target = draft.targets()[0]
        draft.add(target.doc, target.anchor, ctx.question(ctx.rng), 0.5, role="decoy")


def test_a_pattern_that_must_change_the_answer_is_refused() -> None:
    from abr import hookimpl
    from abr.host import Candidate

    class _Module:
        @staticmethod
        @hookimpl
        def register_interference_patterns(register: Any) -> None:
            register(_CopyTarget())

    host = Host([Candidate("t", "abr-plugin-t", "1", lambda: _Module)], env={})
    with pytest.raises(AbrError, match=r"^interference t/copy-target cannot be added to abr/niah without changing "
                                       r"its gold answer '\d+' \(32 draws; last: Q\(anc1\) is ambiguous: 2 "
                                       r"occurrences, expected exactly 1\); drop the pattern or lower its knobs$"):
        make(host, "niah", ("copy-target",), n=1)


def test_lures_follow_logic_when_they_can_and_are_refused_when_they_cannot(shared_host: Host) -> None:
    # "exactly one anchor of document k occurs nowhere else": a lure there always adds a second one
    recs = make(shared_host, "logic", (), n=12, variant="frequency")
    seed = next(i for i, r in enumerate(recs) if r["difficulty"]["form"] == "document")
    entry = SkillEntry("logic", knobs={"variant": "frequency"}, interference=("lure-questions",))
    engine = Engine(Recipe(skills=(entry,), n=12, lengths=(4096,), depths="uniform", seed=3), host=shared_host)
    with pytest.raises(AbrError, match="interference abr/lure-questions cannot be added to abr/logic"):
        engine.record(seed)
    position = make(shared_host, "logic", ("lure-questions",), n=4, variant="position")
    assert all(r["interference"] == ["abr/lure-questions"] for r in position)


def test_patterns_apply_to_logic_where_the_answer_allows(shared_host: Host) -> None:
    verifier = Verifier(shared_host)
    plain = make(shared_host, "logic", (), variant="set")
    for a, b in zip(plain, make(shared_host, "logic", ("near-duplicate", "decoy-documents"), variant="set")):
        assert a["answer"] == b["answer"] and verifier.check(b) == []


def test_cli_interference_flag_adds_patterns_to_the_skill_defaults(tmp_path: Path) -> None:
    generate(tmp_path / "x.jsonl", "--skill", "anti-interference", "-n", "2", "--length", "2k",
             "--interference", "lure-questions,decoy-documents")
    for rec in records(tmp_path / "x.jsonl"):
        assert rec["interference"] == ["abr/lure-questions", "abr/decoy-documents"]
        assert rec["knobs"]["lure-questions.lures"] == 2
