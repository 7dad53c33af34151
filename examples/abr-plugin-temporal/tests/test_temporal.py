"""abr-plugin-temporal: the latest-version semantics, the pattern on its own, and abr's conformance checks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from abr.errors import AbrError
from abr.generate import Engine
from abr.host import Host
from abr.recipe import recipe_from_mapping
from abr.testing import assert_conformant


def records(host: Host, **recipe: Any) -> list[dict[str, Any]]:
    full = {"n": 24, "lengths": ["1k"], "depths": [0.0, 0.3, 0.6, 1.0], **recipe}
    engine = Engine(recipe_from_mapping(full, "test"), host=host)
    return [json.loads(engine.line(i)) for i in range(engine.recipe.n)]


def versions(record: dict[str, Any], anchor: str) -> list[tuple[int, dict[str, Any]]]:
    """(document index, pair) of every occurrence of an anchor, in reading order."""
    return [(i, p) for i, d in enumerate(record["blueprint"]["documents"]) for p in d["pairs"] if p["anchor"] == anchor]


def test_the_answer_is_the_last_version(abr_host: Any) -> None:
    host = abr_host("temporal")
    for rec in records(host, skills=["temporal/latest"], knobs={"temporal-update.updates": 3}):
        found = versions(rec, "anc1")
        docs = [d for d, _ in found]
        assert docs == sorted(set(docs)), "one version per document, oldest first"
        assert [p["role"] for _, p in found] == ["decoy"] * (len(found) - 1) + ["target"]
        assert len(found) == 1 + min(3, docs[-1])  # as many stale versions as earlier documents allow
        assert rec["answer"] == found[-1][1]["answer"]
        assert len({p["answer"] for _, p in found}) == len(found)
        assert rec["program_text"] == "solve(Q(anc1, last(docs(anc1))))"


def test_a_first_occurrence_reader_is_always_wrong(abr_host: Any) -> None:
    host = abr_host("temporal")
    for rec in records(host, skills=["temporal/latest"]):
        first = versions(rec, "anc1")[0][1]
        assert first["role"] == "decoy" and first["answer"] != rec["answer"]


def test_depth_places_the_latest_version_after_document_one(abr_host: Any) -> None:
    host = abr_host("temporal")
    recs = records(host, skills=["temporal/latest"], n=2, depths=[0.0, 1.0], knobs={"documents": 6})
    assert [versions(r, "anc1")[-1][0] for r in recs] == [1, 5]


def test_the_meta_question_states_the_order(abr_host: Any) -> None:
    host = abr_host("temporal")
    for rec in records(host, skills=["temporal/latest"]):
        question = rec["question"]
        assert "order" in question and ("document 1" in question or "order shown" in question)


def test_the_pattern_adds_a_history_to_skills_that_do_not_scope_their_target(abr_host: Any) -> None:
    host = abr_host("temporal")
    plain = records(host, skills=["abr/niah"])
    mixed = records(host, skills=["abr/niah"], interference=["temporal/temporal-update"])
    for before, after in zip(plain, mixed):
        assert after["answer"] == before["answer"]
        added = [a for a in after["blueprint"]["anchors"] if a not in before["blueprint"]["anchors"]]
        assert len(added) == 1
        history = versions(after, added[0])
        assert len(history) == 3 and len({d for d, _ in history}) == 3  # updates + 1 versions, distinct documents
        assert {p["role"] for _, p in history} == {"decoy"}


def test_the_knob_range_is_checked(abr_host: Any) -> None:
    host = abr_host("temporal")
    with pytest.raises(AbrError, match="knob 'updates' of temporal/temporal-update must be an integer in"):
        records(host, skills=["temporal/latest"], knobs={"temporal-update.updates": 17})


def test_conformance() -> None:
    assert_conformant("temporal")
