"""``abr verify`` re-derives answers from the prompt alone: every kind of inconsistency between the text and
the record is caught, with a message that says what is wrong."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from abr.cli import main
from abr.generate import Engine
from abr.host import Host
from abr.program import answer_of
from abr.readback import PairLayout, read_prompt
from abr.recipe import Recipe, SkillEntry
from abr.verify import Verifier
from helpers import write_records


@pytest.fixture(scope="module")
def shared_host() -> Host:
    return Host(candidates=[], env={})


@pytest.fixture(scope="module")
def verifier(shared_host: Host) -> Verifier:
    return Verifier(shared_host)


def one(host: Host, skill: str = "niah", seed: int = 1, **knobs: Any) -> dict[str, Any]:
    entry = SkillEntry(skill, knobs=knobs)
    return Engine(Recipe(skills=(entry,), n=1, lengths=(2048,), seed=seed), host=host).record(0)


def target_pair(rec: dict[str, Any]) -> dict[str, Any]:
    return next(p for d in rec["blueprint"]["documents"] for p in d["pairs"] if p["role"] == "target")


def test_reading_the_prompt_back_finds_every_pair(shared_host: Host) -> None:
    rec = one(shared_host, pairs=6, documents=3)
    docs = read_prompt(rec["prompt"], rec["blueprint"]["anchors"].values(), PairLayout.of(lambda a, q: f"{a}: {q}"))
    ids = {t: a for a, t in rec["blueprint"]["anchors"].items()}
    assert [[(ids[p.anchor], p.question) for p in d.pairs] for d in docs] == [
        [(p["anchor"], p["question"]) for p in d["pairs"]] for d in rec["blueprint"]["documents"]]
    assert [n["char"] for n in rec["needles"]] == [p.char for d in docs for p in d.pairs]


def test_a_question_changed_in_the_prompt_is_re_derived(shared_host: Host, verifier: Verifier) -> None:
    rec = one(shared_host, variant="single")
    target = target_pair(rec)
    bad = copy.deepcopy(rec)
    changed = target["question"].replace(target["question"].split()[2], "1", 1)
    bad["prompt"] = rec["prompt"].replace(target["question"], changed)
    problems = verifier.check(bad)
    assert any("the question after" in p and "is not the blueprint's" in p for p in problems), problems
    assert any("re-derived from the prompt, the answer is" in p for p in problems), problems


def test_a_wrong_stored_answer_is_caught_by_the_bank(shared_host: Host, verifier: Verifier) -> None:
    rec = one(shared_host, variant="single")
    bad = copy.deepcopy(rec)
    wrong = str(int(rec["answer"]) + 1)
    target_pair(bad)["answer"] = wrong
    bad["answer"] = wrong
    problems = verifier.check(bad)
    assert any(f"its bank gives '{rec['answer']}', the record says '{wrong}'" in p for p in problems), problems
    assert any(f"the answer is '{rec['answer']}'; the record says '{wrong}'" in p for p in problems), problems


def test_an_anchor_in_the_background_is_an_accident(shared_host: Host, verifier: Verifier) -> None:
    rec = one(shared_host)
    anchor = rec["blueprint"]["anchors"][target_pair(rec)["anchor"]]
    bad = copy.deepcopy(rec)
    cut = rec["prompt"].index("</document>")
    bad["prompt"] = rec["prompt"][:cut - 2] + f" See {anchor} too." + rec["prompt"][cut - 2:]
    assert any(f"anchor {anchor}" in p and "it is in the background text" in p for p in verifier.check(bad))


def test_a_background_paragraph_laid_out_like_a_pair_is_flagged(shared_host: Host, verifier: Verifier) -> None:
    rec = one(shared_host)
    bad = copy.deepcopy(rec)
    cut = rec["prompt"].index("</document>")
    bad["prompt"] = rec["prompt"][:cut] + "QQQQZZZZ: What is 2 + 2?\n\n" + rec["prompt"][cut:]
    assert any("a background paragraph begins like a pair ('QQQQZZZZ')" in p for p in verifier.check(bad))


def test_an_ambiguous_target_is_refused(shared_host: Host, verifier: Verifier) -> None:
    rec = one(shared_host, documents=2, pairs=2)
    bad = copy.deepcopy(rec)
    target = target_pair(bad)
    doc = next(d for d in bad["blueprint"]["documents"] if target in d["pairs"])
    doc["pairs"].append(dict(target, role="decoy"))
    problems = verifier.check(bad)
    assert any("Q(anc1) is ambiguous: 2 occurrences" in p for p in problems), problems


def test_near_duplicates_are_re_measured(shared_host: Host, verifier: Verifier) -> None:
    rec = one(shared_host, "anti-interference", variant="similar", decoys=2)
    assert verifier.check(rec) == []
    bad = copy.deepcopy(rec)
    decoy, info = next(iter(bad["blueprint"]["near_duplicates"].items()))
    info["band"] = [0.96, 0.99]
    assert any(f"({decoy}) has similarity 0.8750" in p and "outside [0.96, 0.99]" in p for p in verifier.check(bad))


def test_untaken_branches_must_be_well_defined_too(shared_host: Host, verifier: Verifier) -> None:
    rec = one(shared_host, "calc-reason", steps=1)
    bad = copy.deepcopy(rec)
    _, cond, yes, no = bad["program"]
    from abr.program import evaluate

    untaken = no if evaluate(cond, bad["blueprint"]) else yes
    anchor = untaken[1][1][1][1]  # round(op(solve(Q(a)), ...)) -> a
    doc = next(d for d in bad["blueprint"]["documents"] if any(p["anchor"] == anchor for p in d["pairs"]))
    first = next(p for p in doc["pairs"] if p["anchor"] == anchor)
    assert answer_of(bad["program"], bad["blueprint"]) == rec["answer"]
    doc["pairs"].append(dict(first))
    assert any(f"Q({anchor}) names 2 pairs, not exactly one" in p for p in verifier.check(bad))


def test_fragments_are_re_assembled_from_the_prompt(shared_host: Host, verifier: Verifier) -> None:
    rec = one(shared_host, "multi-source", parts=4)
    assert verifier.check(rec) == []
    target = rec["program"][1][1]
    fragment = next(p["question"] for d in rec["blueprint"]["documents"] for p in d["pairs"]
                    if p["anchor"] == target and "(part 2 of 4)" in p["question"])
    bad = copy.deepcopy(rec)
    bad["prompt"] = rec["prompt"].replace(fragment, fragment.replace("(part 2 of 4)", "(part 3 of 4)"))
    assert any("fragment labels do not form parts 1..4 exactly once" in p for p in verifier.check(bad))


def test_verify_cli_reports_bad_records(shared_host: Host, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = one(shared_host, "logic", variant="set")
    bad = copy.deepcopy(good)
    bad["answer"] = "0"
    write_records(tmp_path / "v.jsonl", [good, bad])
    assert main(["verify", str(tmp_path / "v.jsonl")]) == 1
    out = capsys.readouterr()
    assert out.out.count("\n") == 1 and ":2:" in out.out and "the record says '0'" in out.out
    assert "verified 2 records: 1 ok, 1 bad" in out.err
