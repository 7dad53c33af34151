"""examples/abr-plugin-temporal, installed as a user would: listed, generated with, verified, scored by the
baselines, and its own tests (with abr's conformance checks) pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from plugin_packages import pip_install, run_pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "abr-plugin-temporal"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pip_install(EXAMPLE, tmp_path_factory.mktemp("temporal"))


def test_list_skills_generate_verify(installed: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(installed)}
    rows = {r["name"]: r for r in json.loads(run_cli("list-skills", "--json", env=env).stdout)}
    latest = rows["temporal/latest"]
    assert (latest["plugin"], latest["dist"], latest["dist_version"]) == ("temporal", "abr-plugin-temporal", "0.1.0")
    assert latest["defaults"]["interference"] == ["temporal/temporal-update"]
    assert [k["name"] for k in latest["knobs"]] == ["documents", "fillers", "difficulty"]

    out = tmp_path / "latest.jsonl"
    made = run_cli("generate", "-q", "--skill", "temporal/latest", "-n", "12", "--length", "2k", "--depth", "uniform",
                   "--knob", "temporal-update.updates=3", "-o", str(out), env=env)
    assert made.returncode == 0, made.stderr
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    for rec in recs:
        assert rec["interference"] == ["temporal/temporal-update"]
        assert rec["versions"]["components"]["temporal/temporal-update"] == 1
        history = [p for d in rec["blueprint"]["documents"] for p in d["pairs"] if p["anchor"] == "anc1"]
        assert history[-1]["role"] == "target" and rec["answer"] == history[-1]["answer"]
        assert len(history) >= 2 and {p["role"] for p in history[:-1]} == {"decoy"}
    checked = run_cli("verify", str(out), env=env)
    assert checked.returncode == 0 and "12 ok, 0 bad" in checked.stderr

    # a reader that takes the first occurrence answers a superseded version: never right
    run = tmp_path / "naive"
    assert run_cli("eval", "-q", str(out), "--model", "baseline:naive", "-o", str(run), env=env).returncode == 0
    report = json.loads(run_cli("report", str(run), "--json", env=env).stdout)
    assert report["runs"][0]["accuracy"]["per_skill"]["temporal/latest"] == {
        "accuracy": 0.0, "ci95": [0.0, report["runs"][0]["accuracy"]["ci95"][1]], "correct": 0, "n": 12}


def test_the_pattern_applies_to_builtin_skills(installed: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(installed)}
    out = tmp_path / "niah.jsonl"
    made = run_cli("generate", "-q", "--skill", "niah", "--interference", "temporal/temporal-update", "-n", "6",
                   "--length", "1k", "-o", str(out), env=env)
    assert made.returncode == 0, made.stderr
    assert run_cli("verify", "-q", str(out), env=env).returncode == 0


def test_the_example_passes_its_own_tests(installed: Path) -> None:
    result = run_pytest(installed.parent / "src" / EXAMPLE.name, installed)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "7 passed" in result.stdout
