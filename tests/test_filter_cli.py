"""abr filter, mix, export and train from the command line, with the baseline backends (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from abr.cli import main
from abr.plugins.backends.baseline import random_answer
from helpers import generate, records


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("filter") / "d.jsonl"
    generate(path, "-n", "12", "--length", "512", "--knob", "pairs=3", "--knob", "documents=2", "--seed", "4")
    return path


def test_filter_keeps_exactly_the_band(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kept.jsonl"
    assert main(["filter", str(data), "--model", "baseline:random", "-k", "8", "--keep", "0.25:0.5",
                 "-o", str(out), "-q"]) == 0
    expected = {}
    for rec in records(data):  # the random baseline's answers, recomputed independently of the run store
        correct = sum(random_answer(rec, k) == rec["answer"] for k in range(8))
        expected[rec["id"]] = correct / 8
    kept = records(out)
    assert {r["id"] for r in kept} == {i for i, rate in expected.items() if 0.25 <= rate <= 0.5}
    assert kept, "the band should keep something on this seed"
    for r in kept:
        assert r["filter"]["pass_rate"] == expected[r["id"]] and r["filter"]["k"] == 8
        assert r["filter"]["model"] == "baseline:random" and r["filter"]["band"] == [0.25, 0.5]
    assert main(["verify", "-q", str(out)]) == 0
    # resumed: the second run sends nothing
    assert main(["filter", str(data), "--model", "baseline:random", "-k", "8", "--keep", "0.25:0.5",
                 "-o", str(tmp_path / "again.jsonl"), "--run-dir", f"{out}.run", "-q"]) == 0
    assert json.loads((Path(f"{out}.run") / "run.json").read_text())["sent"] == 0
    assert (tmp_path / "again.jsonl").read_bytes() == out.read_bytes()


def test_filter_with_the_oracle_keeps_only_a_band_at_one(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["filter", str(data), "--model", "baseline:oracle", "-k", "2", "--keep", "0.3:0.6", "-o", str(out),
                 "-q"]) == 0
    assert records(out) == []
    assert main(["filter", str(data), "--model", "baseline:oracle", "-k", "2", "--keep", "1:1", "-o", str(out),
                 "-q"]) == 0
    assert len(records(out)) == 12


@pytest.mark.parametrize(("args", "message"), [
    (["--keep", "0.6:0.3"], "invalid --keep '0.6:0.3'"),
    (["-k", "0"], "-k must be at least 1"),
    (["--model", "nope:x"], "unknown model backend"),
])
def test_filter_bad_input(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                          message: str) -> None:
    base = ["filter", str(data), "--model", "baseline:oracle", "-o", str(tmp_path / "x.jsonl")]
    assert main(base + args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "x.jsonl").exists()


def test_mix_and_export_commands(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mixed = tmp_path / "m.jsonl"
    assert main(["mix", str(data), "--ratio", "niah=1", "-n", "5", "--seed", "2", "-o", str(mixed), "-q"]) == 0
    manifest = json.loads(Path(f"{mixed}.manifest.json").read_text())
    assert manifest["skills"] == {"abr/niah": 5} and manifest["inputs"][0]["path"] == str(data)
    assert main(["mix", str(data), "--ratio", "niah=1", "-n", "50", "-o", str(tmp_path / "big.jsonl")]) == 2
    assert "the mix needs 50 samples of abr/niah but the inputs hold 12" in capsys.readouterr().err
    exported = tmp_path / "v.parquet"
    assert main(["export", str(mixed), "--format", "verl", "-o", str(exported), "-q"]) == 0
    assert exported.read_bytes()[:4] == b"PAR1"
    assert main(["export", str(mixed), "--format", "openrlhf", "-o", str(tmp_path / "z.parquet")]) == 2
    assert "unknown export format 'openrlhf'" in capsys.readouterr().err


def test_train_command_errors(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "grpo", "--data", str(data), "-o", str(tmp_path / "run")]) == 2
    assert "no model given: pass --model" in capsys.readouterr().err
    assert main(["train", "grpo", "--data", str(data), "--model", "m", "-o", "o", "--set", "top_q=1"]) == 2
    assert "unknown training option 'top_q'" in capsys.readouterr().err
