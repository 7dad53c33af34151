"""The ``vllm:`` backend: a one-line error without the extra; with vLLM and a GPU, the tiny model of
test_backends_hf runs through the offline engine with the same prompt counts and over-length refusals."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from abr.cli import main
from helpers import generate, records

HAVE_VLLM = importlib.util.find_spec("vllm") is not None


@pytest.mark.skipif(HAVE_VLLM, reason="vLLM is installed")
def test_vllm_without_the_extra_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "1", "--length", "512")
    capsys.readouterr()
    assert main(["eval", str(data), "--model", "vllm:/models/x", "-o", str(tmp_path / "run"), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("abr: error: the vllm: backend needs vLLM and a GPU") and err.count("\n") == 1
    assert not (tmp_path / "run").exists()


def test_vllm_runs_the_tiny_model(tmp_path: Path) -> None:
    pytest.importorskip("vllm")
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("vLLM needs a GPU")
    from test_backends_hf import MAX_POSITIONS, _model, _prompt_tokens, _tokenizer

    tokenizer = _tokenizer(tmp_path / "tok")
    _model(tmp_path / "model", tokenizer, zero_head=False)
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "6", "--length", "512,1k", "--seed", "2")
    recs = {r["id"]: r for r in records(data)}
    assert main(["eval", str(data), "--model", f"vllm:{tmp_path / 'model'}", "-o", str(tmp_path / "run"), "-q",
                 "--max-tokens", "6"]) == 0
    for row in records(tmp_path / "run" / "samples.jsonl"):
        need = _prompt_tokens(tokenizer, recs[row["record_id"]])
        if need + 6 > MAX_POSITIONS:
            assert row["verdict"] == "over-length"
        else:
            assert row["prompt_tokens"] == need and row["finish"] in ("stop", "length")
