"""``abr report``: tables, JSON, CSV, markdown, PNG heatmaps and the self-contained HTML drill-down."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from abr.cli import main
from abr.evaluation.html import highlighted_prompt
from abr.evaluation.stats import DepthBuckets, Tally, length_label, wilson
from helpers import generate, records

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("report")
    data = root / "d.jsonl"
    generate(data, "-n", "24", "--length", "1k,2k", "--depth", "0.1,0.5,0.9", "--seed", "4")
    out = []
    for policy in ("oracle", "random"):
        assert main(["eval", str(data), "--model", f"baseline:{policy}", "-o", str(root / policy), "-q"]) == 0
        out.append(root / policy)
    return data, out, records(data)


def test_json_figures(runs: tuple[Path, list[Path], list[dict[str, Any]]],
                      capsys: pytest.CaptureFixture[str]) -> None:
    _, (oracle, random), _ = runs
    capsys.readouterr()
    assert main(["report", str(oracle), str(random), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["skills"] == ["abr/niah"] and rep["lengths"] == ["1K", "2K"] and rep["depths"] == ["0.1", "0.5", "0.9"]
    o, r = rep["runs"]
    assert o["label"] == "baseline:oracle" and o["accuracy"]["overall"] == 1.0 and o["samples"] == 24
    assert o["accuracy"]["per_skill"]["abr/niah"] == {"accuracy": 1.0, "ci95": [0.862024, 1.0], "correct": 24,
                                                      "n": 24}
    rows = records(random / "samples.jsonl")
    correct = sum(x["verdict"] == "correct" for x in rows)
    assert r["verdicts"]["correct"] == correct and r["verdicts"]["wrong"] == 24 - correct
    assert r["accuracy"]["overall"] == round(correct / 24, 6)
    cells = {(c["length"], c["depth"]): c for c in r["cells"]}
    assert len(cells) == 6 and sum(c["n"] for c in cells.values()) == 24
    by_cell: dict[tuple[int, str], int] = {}
    for x in rows:
        if x["verdict"] == "correct":
            key = (x["length"], format(x["depth"], "g"))
            by_cell[key] = by_cell.get(key, 0) + 1
    assert {k: c["correct"] for k, c in cells.items() if c["correct"]} == by_cell


def test_tables_csv_markdown_and_plots(runs: tuple[Path, list[Path], list[dict[str, Any]]], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, (oracle, random), _ = runs
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()
    assert main(["report", str(oracle), str(random), "--csv", str(tmp_path / "s.csv"), "--markdown",
                 str(tmp_path / "t.md"), "--plots", str(tmp_path / "plots")]) == 0
    out = capsys.readouterr().out
    assert "accuracy by skill" in out and "100.0 [86.2–100.0]" in out and "depth 0.5" in out
    rows = (tmp_path / "s.csv").read_text().splitlines()
    assert rows[0] == "model,abr/niah,overall" and rows[1] == "baseline:oracle,100.00,100.00"
    assert rows[2].startswith("baseline:random,")
    md = (tmp_path / "t.md").read_text()
    assert "| model | abr/niah | overall |" in md
    assert "| baseline:oracle | 100.0 [86.2–100.0] | 100.0 [86.2–100.0] |" in md
    names = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert names == ["depth-length__baseline-oracle__abr-niah.png", "depth-length__baseline-random__abr-niah.png",
                     "skills-by-model.png"]
    assert all((tmp_path / "plots" / n).read_bytes().startswith(PNG) for n in names)


def test_html_report_is_self_contained_with_drilldown(runs: tuple[Path, list[Path], list[dict[str, Any]]],
                                                      tmp_path: Path) -> None:
    _, (oracle, random), recs = runs
    page = tmp_path / "r.html"
    assert main(["report", str(oracle), str(random), "--html", str(page), "--drilldown", "5"]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)  # nothing loaded from elsewhere
    assert text.count('src="data:image/png;base64,') == 3
    assert "<h2>Accuracy by skill</h2>" in text and "baseline:random: samples" in text
    # the random baseline's drill-down shows wrong answers first, each with its prompt, anchors marked
    summaries = re.findall(r'<summary><span class="v ([a-z-]+)">', text)
    assert summaries[:5] == ["correct"] * 5 and summaries[5] == "wrong"  # oracle first, then random's failures
    wrong_rows = [x for x in records(random / "samples.jsonl") if x["verdict"] == "wrong"]
    first = sorted(wrong_rows, key=lambda x: x["record_id"])[0]
    rec = next(r for r in recs if r["id"] == first["record_id"])
    target = next(n for n in rec["needles"] if n["role"] == "target")
    anchor = rec["blueprint"]["anchors"][target["anchor"]]
    assert f'<mark class="target">{anchor}</mark>' in text
    assert html.escape(first["response"]) in text and html.escape(rec["question"]) in text
    assert text.count('<mark class="filler">') >= 3


def test_html_refuses_a_prompt_the_dataset_no_longer_holds(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "2", "--length", "1k")
    assert main(["eval", str(data), "--model", "baseline:oracle", "-o", str(tmp_path / "run"), "-q"]) == 0
    recs = records(data)
    for r in recs:
        r["prompt"] = r["prompt"].replace("Read the following", "Now read the following")
        r["messages"][-1]["content"] = r["prompt"]
    data.write_text("".join(json.dumps(r) + "\n" for r in recs))
    assert main(["report", str(tmp_path / "run"), "--html", str(tmp_path / "r.html")]) == 0
    text = (tmp_path / "r.html").read_text()
    assert text.count("no longer holds the prompt that was sent") == 2 and "<mark" not in text.split("samples</h2>")[1]
    data.unlink()
    assert main(["report", str(tmp_path / "run"), "--html", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_text().count("no longer at the path the run used") == 2


def test_long_prompts_are_shown_as_windows_around_the_needles() -> None:
    prompt = "x" * 30_000 + "ANCHORONE: q?" + "y" * 30_000 + "ANCHORTWO: q?" + "z" * 5_000 + " the question"
    needles = [{"char": 30_000, "anchor": "anc1", "role": "target"},
               {"char": 60_013, "anchor": "anc2", "role": "decoy"}]
    shown = highlighted_prompt(prompt, needles, {"anc1": "ANCHORONE", "anc2": "ANCHORTWO"})
    assert '<mark class="target">ANCHORONE</mark>' in shown and '<mark class="decoy">ANCHORTWO</mark>' in shown
    assert "[… 29,600 characters …]" in shown and shown.endswith(" the question")
    assert len(shown) < 5_000


def test_missing_run_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["report", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("abr: error: no evaluation run at") and err.count("\n") == 1
    assert not (tmp_path / "nope").exists()


def test_same_model_in_two_folders_gets_distinct_labels(runs: tuple[Path, list[Path], list[dict[str, Any]]],
                                                        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, (oracle, _), _ = runs
    assert main(["eval", str(data), "--model", "baseline:oracle", "-o", str(tmp_path / "again"), "-q"]) == 0
    capsys.readouterr()
    assert main(["report", str(oracle), str(tmp_path / "again"), "--json"]) == 0
    labels = [r["label"] for r in json.loads(capsys.readouterr().out)["runs"]]
    assert labels == ["baseline:oracle (oracle)", "baseline:oracle (again)"]


def test_statistics() -> None:
    assert wilson(0, 0) is None
    lo, hi = wilson(0, 10)  # type: ignore[misc]
    assert lo == 0.0 and round(hi, 4) == 0.2775
    lo, hi = wilson(10, 10)  # type: ignore[misc]
    assert round(lo, 4) == 0.7225 and hi == 1.0
    t = Tally.of(["correct", "wrong", "error", "truncated", "unscored"])
    assert (t.correct, t.counted, t.accuracy, t.total) == (1, 2, 0.5, 5)
    strict = Tally.of(["correct", "wrong", "error", "truncated", "unscored"], strict=True)
    assert (strict.counted, strict.accuracy) == (4, 0.25)
    assert [length_label(n) for n in (1024, 8192, 131072, 1 << 20, 1000, None)] == ["1K", "8K", "128K", "1M",
                                                                                    "1000", "?"]
    swept = DepthBuckets([0.1, 0.5, 0.9, 0.5])
    assert swept.labels == ["0.1", "0.5", "0.9"] and swept.label(0.5) == "0.5"
    uniform = DepthBuckets([i / 97 for i in range(97)])
    assert len(uniform.labels) == 10 and uniform.label(0.55) == "0.5-0.6" and uniform.label(1.0) == "0.9-1.0"
