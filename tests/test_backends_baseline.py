"""The model-free baselines: oracle scores 100% on every installed skill, naive reads the first occurrence of
the named anchor, random answers a random pair's question reproducibly."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from abr.cli import main
from abr.host import get_host
from abr.plugins.backends.baseline import naive_answer, random_answer
from helpers import generate, records


def _skills() -> list[str]:
    return [e.qualified for e in get_host().registry.entries("skill")]


def test_oracle_is_correct_on_every_scored_sample_of_every_skill(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data = []
    for skill in _skills():
        path = tmp_path / f"{skill.replace('/', '-')}.jsonl"
        generate(path, "--skill", skill, "-n", "3", "--length", "2k", "--seed", "3")
        data.append(str(path))
    assert main(["eval", *data, "--model", "baseline:oracle", "-o", str(tmp_path / "run"), "-q"]) == 0
    rows = records(tmp_path / "run" / "samples.jsonl")
    assert len(rows) == 3 * len(data)
    checked = {t for e in get_host().registry.entries("answer_checker") for t in e.obj.answer_types}
    by_type = {r["id"]: r["answer_type"] for p in data for r in records(Path(p))}
    for row in rows:
        assert row["extracted"] == row["answer"]
        assert row["verdict"] == ("correct" if by_type[row["record_id"]] in checked else "unscored")
    capsys.readouterr()
    assert main(["report", str(tmp_path / "run"), "--json"]) == 0
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert run["accuracy"]["overall"] == 1.0 and run["verdicts"]["wrong"] == 0


def _record(pairs: list[tuple[str, str, str]], question: str, anchors: dict[str, str]) -> dict[str, Any]:
    """A minimal record: pairs are (doc, anchor id, answer) in reading order."""
    docs: dict[str, list[dict[str, Any]]] = {}
    for doc, anchor, answer in pairs:
        docs.setdefault(doc, []).append({"anchor": anchor, "question": "q", "answer": answer,
                                         "answer_type": "integer", "role": "filler"})
    return {"id": "x-1", "question": question, "answer": "0", "answer_type": "integer",
            "blueprint": {"anchors": anchors, "documents": [{"id": d, "pairs": p} for d, p in docs.items()]}}


def test_naive_takes_the_first_occurrence_of_the_first_named_anchor() -> None:
    anchors = {"anc1": "OSXVANVP", "anc2": "BEKAHJXW"}
    conflicting = _record([("doc1", "anc2", "5"), ("doc1", "anc1", "11"), ("doc3", "anc1", "42")],
                          "Answer the question after OSXVANVP in document 3.", anchors)
    assert naive_answer(conflicting, 0) == "11"  # ignores the document scope: the first occurrence wins
    both = _record([("doc1", "anc2", "5"), ("doc2", "anc1", "11")],
                   "Add the answers of BEKAHJXW and OSXVANVP.", anchors)
    assert naive_answer(both, 0) == "5"  # the anchor named first in the question
    assert naive_answer(_record([("doc1", "anc1", "1")], "What is the total?", anchors), 0) is None
    fragment = copy.deepcopy(both)
    del fragment["blueprint"]["documents"][0]["pairs"][0]["answer"]
    assert naive_answer(fragment, 0) is None  # a fragment has no answer of its own


def test_naive_beats_random_and_oracle_is_perfect_on_niah(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "40", "--length", "1k", "--knob", "pairs=8", "--knob", "documents=4", "--seed", "9")
    runs = []
    for policy in ("oracle", "naive", "random"):
        assert main(["eval", str(data), "--model", f"baseline:{policy}", "-o", str(tmp_path / policy), "-q"]) == 0
        runs.append(str(tmp_path / policy))
    capsys.readouterr()
    assert main(["report", *runs, "--json"]) == 0
    accuracy = {r["label"]: r["accuracy"]["overall"] for r in json.loads(capsys.readouterr().out)["runs"]}
    assert accuracy["baseline:oracle"] == 1.0 and accuracy["baseline:naive"] == 1.0
    recs = records(data)
    expected = sum(random_answer(r, 0) == r["answer"] for r in recs) / len(recs)
    assert accuracy["baseline:random"] == round(expected, 6) and expected < 0.5
    for r in recs:
        answers = [p["answer"] for d in r["blueprint"]["documents"] for p in d["pairs"]]
        assert random_answer(r, 0) in answers and random_answer(r, 0) == random_answer(r, 0)
    assert len({random_answer(r, k) for r in recs[:5] for k in range(6)}) > 5  # samples differ by their number
