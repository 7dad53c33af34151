"""The atomic skills: every sample across each skill's knob ranges verifies, and each skill builds what it
claims (targets, traps, scopes, chains, branches) — checked against the blueprint and the prompt."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Any

import pytest
from abr.anchors import similarity
from abr.errors import AbrError
from abr.generate import Engine
from abr.host import Host
from abr.multipart import assemble
from abr.program import evaluate
from abr.readback import PairLayout, read_prompt
from abr.recipe import Recipe, SkillEntry, recipe_from_mapping
from abr.verify import Verifier

SKILLS = ("niah", "anti-interference", "multi-source", "logic", "calc-reason", "multi-hop")
#: samples per skill of the knob-sweep suite checked here (the issue's 2,000); `nox -s verify_large` runs more
SWEEP_SAMPLES = int(os.environ.get("ABR_SWEEP_SAMPLES", "2000"))
SWEEP_PROCESSES = 2


@pytest.fixture(scope="module")
def shared_host() -> Host:
    return Host(candidates=[], env={})


@pytest.fixture(scope="module")
def verifier(shared_host: Host) -> Verifier:
    return Verifier(shared_host)


def make(host: Host, skill: str, n: int, length: int = 4096, seed: int = 5, bank: str | None = None,
         interference: tuple[str, ...] = (), **knobs: Any) -> list[dict[str, Any]]:
    entry = SkillEntry(skill, knobs={k: tuple(v) if isinstance(v, list) else v for k, v in knobs.items()},
                       question_bank=bank, interference=interference)
    engine = Engine(Recipe(skills=(entry,), n=n, lengths=(length,), depths="uniform", seed=seed), host=host)
    return [engine.record(i) for i in range(n)]


def pairs(rec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(d["id"], p) for d in rec["blueprint"]["documents"] for p in d["pairs"]]


def text_of(rec: dict[str, Any], anchor_id: str) -> str:
    return str(rec["blueprint"]["anchors"][anchor_id])


# ---------------------------------------------------------------------------------------------------------
# Every skill across its knob ranges


def _sweep_part(skill: str, start: int, stop: int) -> dict[int, list[str]]:
    """Generate and verify indices [start, stop) of the knob sweep of one skill (runs in a worker process)."""
    host = Host(candidates=[], env={})
    suite = host.registry.get("suite", "knob-sweep").recipe()
    recipe = recipe_from_mapping({**suite, "n": SWEEP_SAMPLES, "skills": {skill: suite["skills"][skill]}}, "test")
    engine, verifier = Engine(recipe, host=host), Verifier(host)
    bad = {}
    for i in range(start, stop):
        problems = verifier.check(engine.record(i))
        if problems:
            bad[i] = problems
    return bad


@pytest.mark.parametrize("skill", SKILLS)
def test_knob_sweep_verifies_with_zero_mismatches(skill: str) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    bounds = [SWEEP_SAMPLES * k // SWEEP_PROCESSES for k in range(SWEEP_PROCESSES + 1)]
    with ProcessPoolExecutor(SWEEP_PROCESSES, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_sweep_part, [skill] * SWEEP_PROCESSES, bounds[:-1], bounds[1:]))
    bad = {i: p for part in parts for i, p in part.items()}
    assert bad == {}


def test_list_skills_shows_all_six(shared_host: Host) -> None:
    names = [e.qualified for e in shared_host.registry.entries("skill")]
    assert names == [f"abr/{s}" for s in SKILLS]
    for entry in shared_host.registry.entries("skill"):
        knobs = {k.name for k in entry.obj.knobs}
        assert "documents" in knobs and "difficulty" in knobs, entry.qualified


# ---------------------------------------------------------------------------------------------------------
# niah


def test_niah_answer_is_the_target_question_and_unique(shared_host: Host) -> None:
    for rec in make(shared_host, "niah", 30, pairs=[2, 16, 64], difficulty=0.0):
        target = [p for _, p in pairs(rec) if p["role"] == "target"]
        others = [p for _, p in pairs(rec) if p["role"] != "target"]
        assert len(target) == 1 and rec["answer"] == target[0]["answer"]
        assert all(p["answer"] != rec["answer"] for p in others)
        assert text_of(rec, target[0]["anchor"]) in rec["question"]
        assert 0 <= rec["difficulty"]["level"] <= 1


# ---------------------------------------------------------------------------------------------------------
# anti-interference


def test_similar_decoys_lie_in_the_band_and_differ(shared_host: Host) -> None:
    for band in ([0.8, 0.95], [0.7, 0.8]):
        for rec in make(shared_host, "anti-interference", 8, variant="similar", decoys=6, band=band):
            target = next(p for _, p in pairs(rec) if p["role"] == "target")
            lookalikes = rec["blueprint"]["near_duplicates"]
            decoys = [p for _, p in pairs(rec) if p["anchor"] in lookalikes]
            lures = [p for _, p in pairs(rec) if p["role"] == "decoy" and p["anchor"] not in lookalikes]
            assert len(decoys) == 6 and len(lures) == 2  # the skill's default pattern adds two lures
            t_text = text_of(rec, target["anchor"])
            for p in decoys:
                d_text = text_of(rec, p["anchor"])
                assert d_text != t_text and band[0] <= similarity(d_text, t_text) <= band[1]
                assert p["answer"] != target["answer"]
                assert rec["blueprint"]["near_duplicates"][p["anchor"]]["of"] == target["anchor"]
            assert rec["answer"] == target["answer"] and rec["prompt"].count(t_text) == 2  # pair + question


@pytest.mark.parametrize("scope", ["number", "title", "title-word", "neighbour"])
def test_conflict_scopes_the_repeated_anchor_to_one_document(scope: str, shared_host: Host) -> None:
    for rec in make(shared_host, "anti-interference", 10, variant="conflict", scope=scope, decoys=4, documents=5):
        target_doc, target = next((d, p) for d, p in pairs(rec) if p["role"] == "target")
        copies = [(d, p) for d, p in pairs(rec) if p["anchor"] == target["anchor"]]
        assert len(copies) == 5 and len({d for d, _ in copies}) >= 2
        assert [d for d, _ in copies].count(target_doc) == 1
        assert len({p["answer"] for _, p in copies}) == 5 and rec["answer"] == target["answer"]
        assert evaluate(rec["program"][1][2], rec["blueprint"]) == target_doc  # the scope names one document
        if rec["difficulty"]["scope"] == "title":
            title = next(d["title"] for d in rec["blueprint"]["documents"] if d["id"] == target_doc)
            assert f'titled "{title}"' in rec["question"]
        elif rec["difficulty"]["scope"] == "number":
            assert f"document {target_doc.removeprefix('doc')}" in rec["question"]


def test_conflict_needs_two_documents(shared_host: Host) -> None:
    with pytest.raises(AbrError, match="variant conflict needs at least 2 documents; set --knob documents=2"):
        make(shared_host, "anti-interference", 1, variant="conflict", documents=1)


# ---------------------------------------------------------------------------------------------------------
# multi-source


@pytest.mark.parametrize("bank", ["multipart-story", "multipart-algebra"])
def test_multi_source_fragments_assemble_to_the_problem(bank: str, shared_host: Host) -> None:
    reg = shared_host.registry
    for rec in make(shared_host, "multi-source", 12, bank=bank, parts=[3, 5, 8], documents=[1, 4, 8],
                    decoy_problems=2):
        target = rec["program"][1][1]
        fragments = [(d, p["question"]) for d, p in pairs(rec) if p["anchor"] == target]
        parts = rec["knobs"]["parts"]
        assert len(fragments) == parts
        assert len({d for d, _ in fragments}) == min(parts, rec["knobs"]["documents"])
        problem = assemble([q for _, q in fragments])
        assert problem == rec["blueprint"]["assembled"][target]["question"]
        assert reg.get("question_bank", bank).solve(problem) == rec["answer"]
        decoys = [a for a in rec["blueprint"]["assembled"] if a != target]
        assert len(decoys) == 2
        assert all(rec["blueprint"]["assembled"][a]["answer"] != rec["answer"] for a in decoys)


def test_multi_source_refuses_a_single_question_bank(shared_host: Host) -> None:
    with pytest.raises(AbrError, match=r"abr/multi-source needs a multi-part question bank, but abr/arithmetic "
                                       r"writes single questions; choose one with --question-bank \(.*"
                                       r"abr/multipart-story"):
        make(shared_host, "multi-source", 1, bank="arithmetic")


def test_multipart_banks_need_every_part(shared_host: Host) -> None:
    from abr.rng import Rng

    for name in ("multipart-story", "multipart-algebra"):
        bank = shared_host.registry.get("question_bank", name)
        problem = bank.problem(Rng("t"), 0.5, 5)
        fragments = bank.split(problem)
        with pytest.raises(AbrError, match="the problem has 4 of its 5 parts"):
            assemble(fragments[:-1])
        without_setup = assemble(fragments).split("\n", 1)[1]
        with pytest.raises(AbrError, match=f"not a question of bank {name}"):
            bank.solve(without_setup)


# ---------------------------------------------------------------------------------------------------------
# logic


@pytest.mark.parametrize("variant", ["set", "frequency", "ranking", "position", "composite"])
def test_logic_answer_is_the_target_and_traps_exist(variant: str, shared_host: Host) -> None:
    for rec in make(shared_host, "logic", 12, variant=variant, ops=[1, 2, 3], traps=[0, 3]):
        target = [p for _, p in pairs(rec) if p["role"] == "target"]
        assert len(target) == 1 and rec["answer"] == target[0]["answer"]
        assert all(p["answer"] != rec["answer"] for _, p in pairs(rec) if p["role"] != "target")
        counts: dict[str, set[str]] = {}
        for d, p in pairs(rec):
            counts.setdefault(p["anchor"], set()).add(d)
        assert any(len(docs) >= 2 for docs in counts.values()), "no trap duplicates"
        if variant == "set":
            ops = rec["knobs"]["ops"]
            assert sum(rec["program_text"].count(s) for s in "∩∖∪") == ops


def test_logic_position_ignores_duplicates(shared_host: Host) -> None:
    for rec in make(shared_host, "logic", 10, variant="position"):
        doc = rec["program"][2][2][1]  # anchors(docK) inside the filter
        seq = [p["anchor"] for d, p in pairs(rec) if d == doc]
        occurrences = {a: sum(p["anchor"] == a for _, p in pairs(rec)) for a in seq}
        assert occurrences[seq[0]] > 1 or occurrences[seq[-1]] > 1  # the document starts or ends with a trap
        once = [a for a in seq if occurrences[a] == 1]
        target = next(p["anchor"] for _, p in pairs(rec) if p["role"] == "target")
        if rec["difficulty"]["form"] == "before":
            assert target == once[-2] and seq.index(once[-1]) - seq.index(target) > 1  # a trap between them
        else:
            assert target == once[1] and seq.index(target) - seq.index(once[0]) > 1


# ---------------------------------------------------------------------------------------------------------
# calc-reason


def test_calc_reason_branches_differ_and_round(shared_host: Host) -> None:
    for rec in make(shared_host, "calc-reason", 30, steps=[1, 3, 6], places=[0, 2, 4]):
        _, cond, yes, no = rec["program"]
        bp = rec["blueprint"]
        assert evaluate(yes, bp) != evaluate(no, bp)
        places = rec["knobs"]["places"]
        assert rec["answer_rule"] == {"places": places}
        assert -Decimal(rec["answer"]).as_tuple().exponent <= places
        assert f"to {places} decimal" in rec["question"] or (places == 0 and "whole number" in rec["question"])
        taken = yes if evaluate(cond, bp) else no
        named = set(re.findall(r"anc\d+", str(taken)))
        assert named == {p["anchor"] for _, p in pairs(rec) if p["role"] == "target"}


def test_calc_reason_needs_numeric_answers(shared_host: Host) -> None:
    with pytest.raises(AbrError, match=r"abr/calc-reason needs a question bank with decimal or integer answers, "
                                       r"but abr/multiple-choice gives choice"):
        make(shared_host, "calc-reason", 1, bank="multiple-choice")


def test_calc_reason_with_decimal_bank(shared_host: Host, verifier: Verifier) -> None:
    for rec in make(shared_host, "calc-reason", 6, bank="decimal-arithmetic"):
        assert verifier.check(rec) == []


# ---------------------------------------------------------------------------------------------------------
# multi-hop


def follow_chain(rec: dict[str, Any], host: Host) -> str:
    """An independent reader: the directory from the question, each anchor's question from the prompt."""
    question = rec["question"]
    directory = dict(re.findall(r"^(\d): (\S+)$", question, re.MULTILINE))
    start = re.search(r"(?:at anchor|Begin with|From anchor) (\S+?)[;.,]", question)
    assert start is not None and len(directory) == 10
    docs = read_prompt(rec["prompt"], directory.values(), PairLayout())
    asked = {p.anchor: p.question for d in docs for p in d.pairs}
    bank = host.registry.get("question_bank", "arithmetic")
    anchor = start.group(1)
    for _ in range(rec["knobs"]["hops"]):
        anchor = directory[str(abs(int(bank.solve(asked[anchor]))) % 10)]
    return str(bank.solve(asked[anchor]))


def test_multi_hop_chain_is_followable_from_the_text(shared_host: Host) -> None:
    for rec in make(shared_host, "multi-hop", 30, hops=[1, 2, 5, 8]):
        assert follow_chain(rec, shared_host) == rec["answer"]
        chain = [p for _, p in pairs(rec) if p["role"] == "target"]
        assert len(chain) == rec["knobs"]["hops"] + 1
        assert rec["answer"] not in [p["answer"] for _, p in pairs(rec) if p["role"] != "target"]


def test_multi_hop_needs_integer_answers(shared_host: Host) -> None:
    with pytest.raises(AbrError, match="abr/multi-hop needs a question bank with integer answers"):
        make(shared_host, "multi-hop", 1, bank="decimal-arithmetic")


@pytest.mark.parametrize("skill", SKILLS)
def test_show_renders_every_skill(skill: str, shared_host: Host) -> None:
    from abr.show import show
    from rich.console import Console

    rec = make(shared_host, skill, 1, length=2048)[0]
    console = Console(record=True, width=200)
    show(rec, console=console)
    text = console.export_text()
    assert rec["question"].splitlines()[0][:60] in text and rec["program_text"][:60] in text
    assert f"{rec['answer']}  ({rec['answer_type']})" in text
