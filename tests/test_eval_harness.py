"""The harness without a server: input checks before anything is written, --limit, duplicate records, and
scoring again (without requests) when the checker that gave a stored verdict has changed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from abr.cli import main
from helpers import generate, records


def _eval(*args: str) -> int:
    return main(["eval", *args, "-q"])


def test_a_bad_record_stops_before_any_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "3", "--length", "1k")
    recs = records(data)
    del recs[2]["answer"]
    data.write_text("".join(json.dumps(r) + "\n" for r in recs))
    capsys.readouterr()
    assert _eval(str(data), "--model", "baseline:oracle", "-o", str(tmp_path / "run")) == 2
    err = capsys.readouterr().err
    assert err == f"abr: error: {data}:3: record has no 'answer'; evaluate datasets written by `abr generate`\n"
    assert not (tmp_path / "run").exists()
    assert _eval(str(tmp_path / "nope.jsonl"), "--model", "baseline:oracle", "-o", str(tmp_path / "run")) == 2
    assert "no such dataset" in capsys.readouterr().err


def test_limit_and_duplicate_records(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "6", "--length", "1k")
    assert _eval(str(data), "--model", "baseline:oracle", "-o", str(tmp_path / "a"), "--limit", "4") == 0
    assert [r["record_id"] for r in records(tmp_path / "a" / "samples.jsonl")] == sorted(
        r["id"] for r in records(data)[:4])
    assert _eval(str(data), str(data), "--model", "baseline:oracle", "-o", str(tmp_path / "b")) == 0
    manifest = json.loads((tmp_path / "b" / "run.json").read_text())
    assert manifest["requests"] == 6 and manifest["sent"] == 6 and manifest["verdicts"]["correct"] == 6
    assert manifest["datasets"] == [{"path": str(data.resolve()), "sha256": manifest["datasets"][0]["sha256"],
                                     "records": 12}]


def test_verdicts_from_another_checker_version_are_scored_again(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "5", "--length", "1k")
    out = tmp_path / "run"
    assert _eval(str(data), "--model", "baseline:random", "-o", str(out)) == 0
    first = records(out / "samples.jsonl")
    with sqlite3.connect(out / "responses.sqlite") as db:
        db.execute("UPDATE responses SET scorer='abr/numeric@0', verdict='unscored'")
    assert _eval(str(data), "--model", "baseline:random", "-o", str(out)) == 0
    manifest = json.loads((out / "run.json").read_text())
    assert (manifest["sent"], manifest["reused"], manifest["rescored"]) == (0, 5, 5)
    assert records(out / "samples.jsonl") == first  # the same verdicts again, no request sent


def test_label_names_the_run_and_the_latest_eval_renames_it(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "3", "--length", "1k")
    out = tmp_path / "run"
    assert _eval(str(data), "--model", "baseline:oracle", "-o", str(out), "--label", "Oracle A") == 0
    assert _eval(str(data), "--model", "baseline:oracle", "-o", str(out), "--label", "Oracle B") == 0
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["label"] == "Oracle B" and manifest["sent"] == 0
    capsys.readouterr()
    assert main(["report", str(out), "--json"]) == 0
    assert [r["label"] for r in json.loads(capsys.readouterr().out)["runs"]] == ["Oracle B"]
    assert {r["model"] for r in records(out / "samples.jsonl")} == {"Oracle B"}
