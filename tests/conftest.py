"""Shared fixtures: an isolated plugin host, small tokenizers the tests build themselves, and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from abr.host import Host, reset_host

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@pytest.fixture
def host() -> Host:
    """Built-ins only: no installed entry points can leak into the test."""
    return Host(candidates=[], env={})


@pytest.fixture(autouse=True)
def _fresh_process_host() -> Iterator[None]:
    reset_host()
    yield
    reset_host()


def _training_text() -> list[str]:
    from abr.plugins.haystacks.procedural import ProceduralHaystack

    src = ProceduralHaystack()
    texts = []
    for genre in src.genres():
        for i in range(150):
            texts.append(" ".join(src.passage(genre, i).sentences))
    texts += ["What is 12 + 7 * 3?", "Answer: 42", "OSXVANVP: What is (37 - 12) * 4?", "<document index=\"1\">"]
    return texts


@pytest.fixture(scope="session")
def bpe_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A byte-level BPE tokenizer trained here, saved with a ChatML chat template and a BOS token."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=3000, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=["<|bos|>", "<|im_start|>", "<|im_end|>"])
    tok.train_from_iterator(_training_text(), trainer)
    bos = tok.token_to_id("<|bos|>")
    tok.post_processor = processors.TemplateProcessing(single="<|bos|> $A", special_tokens=[("<|bos|>", bos)])
    folder = tmp_path_factory.mktemp("bpe")
    tok.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "bos_token": "<|bos|>", "eos_token": "<|im_end|>", "chat_template": CHATML,
    }))
    return folder


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``abr`` in a fresh interpreter (plugins, environment variables and exit codes as users see them)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ABR_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "abr.cli", *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd, timeout=600)
