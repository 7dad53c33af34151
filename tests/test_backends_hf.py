"""The ``hf:`` backend on tiny random Llama models built here (no downloads): batched generation, exact prompt
token counts through the chat template, truncation at --max-tokens, EOS stops, and over-length refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from abr.cli import main
from conftest import CHATML
from helpers import generate, records

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

MAX_POSITIONS = 1024


def _tokenizer(folder: Path) -> Any:
    from abr.plugins.haystacks.procedural import ProceduralHaystack
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    src = ProceduralHaystack()
    texts = [" ".join(src.passage(g, i).sentences) for g in src.genres() for i in range(60)]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    # the end-of-turn token gets id 0, so a model whose output layer is all zeros always stops at once
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=1200, special_tokens=["<|im_end|>", "<|im_start|>"],
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|im_end|>",
                                      chat_template=CHATML)
    wrapped.save_pretrained(folder)
    return wrapped


def _model(folder: Path, tokenizer: Any, zero_head: bool) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=MAX_POSITIONS,
                         eos_token_id=0, pad_token_id=0, bos_token_id=1)
    model = LlamaForCausalLM(config)
    if zero_head:
        with torch.no_grad():
            model.lm_head.weight.zero_()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    root = tmp_path_factory.mktemp("hf")
    tokenizer = _tokenizer(root / "tok")
    _model(root / "random", tokenizer, zero_head=False)
    _model(root / "stops", tokenizer, zero_head=True)
    return root / "random", root / "stops", tokenizer


def _prompt_tokens(tokenizer: Any, record: dict[str, Any]) -> int:
    text = tokenizer.apply_chat_template(record["messages"], tokenize=False, add_generation_prompt=True)
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def _eval(data: Path, model: Path, out: Path, *extra: str) -> list[dict[str, Any]]:
    assert main(["eval", str(data), "--model", f"hf:{model}", "-o", str(out), "-q", *extra]) == 0
    return records(out / "samples.jsonl")


def test_hf_backend_batches_truncates_stops_and_refuses(models: tuple[Path, Path, Any], tmp_path: Path) -> None:
    random_model, stopping_model, tokenizer = models
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "6", "--length", "512,1k", "--seed", "2")
    recs = {r["id"]: r for r in records(data)}
    need = {rid: _prompt_tokens(tokenizer, r) for rid, r in recs.items()}
    max_tokens = 6
    fits = {rid for rid, n in need.items() if n + max_tokens <= MAX_POSITIONS}
    assert 0 < len(fits) < len(recs)  # the 1K prompts exceed the tiny model's positions, the 512 ones fit

    rows = _eval(data, random_model, tmp_path / "a", "--max-tokens", str(max_tokens), "--concurrency", "4")
    assert len(rows) == len(recs)
    for row in rows:
        assert row["prompt_tokens"] == need[row["record_id"]]
        if row["record_id"] in fits:
            assert row["finish"] in ("length", "stop")
            if row["finish"] == "length":
                assert row["verdict"] == "truncated" and row["completion_tokens"] == max_tokens
        else:
            assert row["verdict"] == "over-length" and row["finish"] == "over-length"
            assert f"exceeds the model's context (max_position_embeddings) of {MAX_POSITIONS} tokens" in row["note"]
    assert any(r["verdict"] == "truncated" for r in rows)

    # greedy decoding is deterministic: another run (other batch size) gives the same text
    again = _eval(data, random_model, tmp_path / "b", "--max-tokens", str(max_tokens), "--concurrency", "1")
    assert {r["record_id"]: r["response"] for r in again} == {r["record_id"]: r["response"] for r in rows}

    stops = _eval(data, stopping_model, tmp_path / "c", "--max-tokens", str(max_tokens), "--concurrency", "3")
    for row in stops:
        if row["record_id"] in fits:
            assert row["finish"] == "stop" and row["response"] == "" and row["completion_tokens"] == 1
            assert row["verdict"] == "no-answer"
    manifest = json.loads((tmp_path / "c" / "run.json").read_text())
    assert manifest["identity"] == f"hf:{stopping_model.resolve()}" and manifest["sent"] == len(recs)


def test_hf_backend_rejects_a_folder_without_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "1", "--length", "512")
    (tmp_path / "empty").mkdir()
    capsys.readouterr()
    assert main(["eval", str(data), "--model", f"hf:{tmp_path / 'empty'}", "-o", str(tmp_path / "run")]) == 2
    assert "not a model folder (no config.json)" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()  # checked before anything is written
