"""Built-in model backends: ``openai:``, ``hf:``, ``vllm:`` and the model-free ``baseline:``."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.backends.baseline import Baseline
    from abr.plugins.backends.hf import HuggingFace
    from abr.plugins.backends.openai_api import OpenAICompatible
    from abr.plugins.backends.vllm_offline import VllmOffline

    return [OpenAICompatible(), HuggingFace(), VllmOffline(), Baseline()]
