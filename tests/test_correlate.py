"""``abr correlate``: Spearman ρ with exact small-n p-values, joins of several CSVs, n per cell, errors, and
the worked example transcribed from the paper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from abr.cli import main
from abr.evaluation.correlate import correlate, load_scores, spearman

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
ATOMIC = EXAMPLES / "paper-table1-atomic.csv"
REAL = EXAMPLES / "paper-tables2-3-real.csv"


def test_exact_p_values_for_small_n() -> None:
    cell = spearman([1, 2, 3, 4], [10, 20, 30, 40])
    assert (cell.rho, cell.p, cell.n, cell.method) == (1.0, 2 / 24, 4, "exact")
    cell = spearman([1, 2, 3, 4, 5], [5, 6, 7, 9, 8])
    assert round(cell.rho, 6) == 0.9 and cell.p == pytest.approx(2 * 5 / 120)  # 5 of 120 orders reach 0.9
    assert spearman([1, 2, 3], [4, 4, 4]).rho is None  # a constant column has no rank correlation


def test_large_n_matches_scipy() -> None:
    from scipy import stats

    a = [3.1, 1.2, 5.5, 2.2, 9.9, 4.4, 7.7, 6.1, 0.5, 8.8, 2.9, 5.0]
    b = [2.0, 1.0, 6.0, 3.5, 8.0, 4.0, 9.0, 5.5, 0.1, 7.0, 1.5, 6.5]
    cell = spearman(a, b)
    expected = stats.spearmanr(a, b)
    assert cell.method == "t" and cell.rho == pytest.approx(expected.statistic) and cell.p == pytest.approx(
        expected.pvalue)


def test_worked_example_from_the_paper(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = load_scores([str(ATOMIC), str(REAL)])
    assert len(table.models) == 12 and table.columns[:5] == ("NIAH", "Anti-interfere", "Multi_source", "Logic",
                                                             "Calc_reason")
    assert table.values[("QwenLong-L1-32B", "NIAH")] == 66.5
    assert table.values[("Deepseek-R1-Distill-Qwen-7B", "Calc_reason")] == 4.51
    assert table.values[("Qwen2.5-14b-instruct", "Average")] == 35.59
    assert ("Qwen3-8B", "Loogle") not in table.values  # the paper gives no real-benchmark score for it
    capsys.readouterr()
    plot = tmp_path / "rho.png"
    assert main(["correlate", str(ATOMIC), str(REAL), "--x", "NIAH,Anti-interfere", "--x", "Logic",
                 "--y", "Average,MRCR", "--plot", str(plot), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    cells = {(c["x"], c["y"]): c for c in result["cells"]}
    assert result["x"] == ["NIAH", "Anti-interfere", "Logic"] and result["y"] == ["Average", "MRCR"]
    assert cells[("NIAH", "Average")] == {"x": "NIAH", "y": "Average", "rho": 1.0, "p": 0.0833333, "n": 4,
                                          "p_method": "exact"}
    assert cells[("Logic", "MRCR")]["rho"] == -0.8 and cells[("Logic", "MRCR")]["n"] == 4
    assert plot.read_bytes().startswith(b"\x89PNG")
    within = correlate(table, ["NIAH"], ["Calc_reason"])
    assert within.cells[("NIAH", "Calc_reason")].n == 12 and within.cells[("NIAH", "Calc_reason")].method == "t"


def test_missing_cells_and_min_n(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("model,a,b\nm1,1,2\nm2,2,\nm3,3,5\nm4,4,NA\n")
    result = correlate(load_scores([str(path)]), ["a"], ["b"])
    assert result.cells[("a", "b")].n == 2 and result.cells[("a", "b")].rho is None
    result = correlate(load_scores([str(path)]), ["a"], ["a"])
    assert result.cells[("a", "a")].n == 4 and result.cells[("a", "a")].rho == 1.0


@pytest.mark.parametrize(("content", "args", "message"), [
    ("model,a\nm1,1\nm2,x7\n", [], "s.csv:3: column 'a': 'x7' is not a score"),
    ("model,a\nm1,1\nm1,2\n", [], "model 'm1' is listed twice"),
    ("model,a,b\nm1,1,2\nm2,2,3\nm3,3,1\n", ["--x", "c"], "no column 'c' in the scores; columns are: a, b"),
    ("model\nm1\n", [], "needs a header row and at least one model row with a score column"),
    ("model,a\nm1,1\n", ["--min-n", "2"], "--min-n must be at least 3"),
])
def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, args: list[str],
                   message: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(content)
    capsys.readouterr()
    assert main(["correlate", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("abr: error: ") and err.count("\n") == 1


def test_a_column_in_two_files_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.csv").write_text("model,x\nm1,1\n")
    (tmp_path / "b.csv").write_text("model,x\nm1,2\n")
    capsys.readouterr()
    assert main(["correlate", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]) == 2
    assert "column 'x' is also in" in capsys.readouterr().err
