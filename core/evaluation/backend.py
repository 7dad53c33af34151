"""Model backends: the component kind that turns chat requests into completions.

A model spec is ``SCHEME:ARGUMENT`` — ``openai:MODEL@URL``, ``hf:PATH``, ``vllm:PATH``, ``baseline:oracle``:
the scheme names a registered :class:`ModelBackend`, which opens a :class:`ModelClient` for the argument.
Clients are asynchronous and take batches, so one harness drives HTTP servers (batches of one, many in
flight), local models (large batches, one at a time) and baselines alike. This module is imported by
``abr.components``, so it must stay light: standard library and attrs only.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from abr.components import Component
from abr.errors import AbrError

if TYPE_CHECKING:
    from abr.registry import Entry, Registry

#: how a completion ended: the model stopped; it hit max tokens; the server refused the prompt as too long;
#: the request failed (transport error after retries, or a refusal that is not about length)
FINISHES = ("stop", "length", "over-length", "error")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces: the form hashed into cache keys."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@attrs.frozen
class SamplingParams:
    """Everything besides the prompt that changes a response; part of every cache key."""

    max_tokens: int = 2048
    temperature: float = 0.0
    top_p: float | None = None
    top_k: int | None = None
    system_prompt: str | None = None

    def as_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def digest(self) -> str:
        return sha256_hex(canonical_json(self.as_json()))[:16]


@attrs.frozen(eq=False)
class Request:
    """One generation: the chat messages of a record, which of its samples this is, and a seed for it."""

    key: str
    record: Mapping[str, Any]
    messages: tuple[Mapping[str, str], ...]
    sample: int
    seed: int
    params: SamplingParams


@attrs.frozen
class Completion:
    """What a backend returns for one request. ``reasoning`` is separate reasoning text the server sent
    (never parsed for the answer); ``error`` says why a request failed or was refused."""

    text: str = ""
    finish: str = "stop"
    reasoning: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_s: float = 0.0
    attempts: int = 1
    error: str = ""

    def __attrs_post_init__(self) -> None:
        if self.finish not in FINISHES:
            raise ValueError(f"finish must be one of {FINISHES}, got {self.finish!r}")


def over_length(prompt_tokens: int, max_tokens: int, limit: int | None, what: str) -> Completion | None:
    """The refusal for a prompt that cannot fit ``limit`` positions with ``max_tokens`` generated, as vLLM
    refuses it (local backends check before generating, instead of truncating the prompt silently)."""
    if limit is None or prompt_tokens + max_tokens <= limit:
        return None
    return Completion(finish="over-length", prompt_tokens=prompt_tokens,
                      error=f"the prompt has {prompt_tokens} tokens; with max_tokens {max_tokens} it exceeds {what} "
                            f"of {limit} tokens")


@attrs.frozen
class BackendOptions:
    """Transport settings from the command line; they never change a response, so no cache key holds them."""

    concurrency: int | None = None
    timeout_s: float = 600.0
    retries: int = 6
    backoff_s: float = 1.0
    api_key_env: str = "OPENAI_API_KEY"


class ModelClient(ABC):
    """An open model. ``batch_size`` requests go to one ``generate`` call; ``parallel`` calls run at once."""

    batch_size: int = 1
    parallel: int = 1

    @abstractmethod
    async def generate(self, batch: Sequence[Request]) -> list[Completion]:
        """One completion per request, in order. Failures are completions with ``finish="error"``."""

    async def aclose(self) -> None:  # noqa: B027  (most clients hold nothing to release)
        """Release connections, models, GPU memory."""


class ModelBackend(Component):
    """A way to run a model: a scheme (its name) and how to open a client for an argument."""

    kind: ClassVar[str] = "model_backend"
    #: the argument's shape, for error messages and ``abr components``
    usage: str = ""

    def identity(self, argument: str) -> str:
        """The argument as it enters cache keys: two arguments naming the same model must give the same
        identity, two models never. The default is the argument itself."""
        return argument

    def check(self, argument: str) -> None:
        """Raise :class:`abr.errors.AbrError` for an argument or an environment that cannot work; called
        before anything is read or sent, so a typo never leaves a half-made run behind."""

    @abstractmethod
    def open(self, argument: str, options: BackendOptions) -> ModelClient:
        """A client for an argument that passed :meth:`check` (loading a model may take a while)."""


@attrs.frozen
class ModelSpec:
    """A parsed ``SCHEME:ARGUMENT`` with its backend and the identity cache keys use."""

    text: str
    entry: Entry
    argument: str

    @property
    def backend(self) -> ModelBackend:
        backend: ModelBackend = self.entry.obj
        return backend

    @property
    def scheme(self) -> str:
        return self.entry.bare if self.entry.plugin == "abr" else self.entry.qualified

    @property
    def identity(self) -> str:
        return f"{self.scheme}:{self.backend.identity(self.argument)}"

    def check(self) -> None:
        self.backend.check(self.argument)


def parse_model_spec(text: str, registry: Registry) -> ModelSpec:
    """``SCHEME:ARGUMENT`` to a :class:`ModelSpec`, or a one-line error listing the schemes."""
    scheme, sep, argument = text.partition(":")
    if not sep or not scheme.strip() or not argument.strip():
        known = ", ".join(f"{e.bare}:{e.obj.usage}" for e in registry.entries("model_backend"))
        raise AbrError(f"invalid --model {text!r}: use SCHEME:ARGUMENT, one of {known}")
    entry = registry.entry("model_backend", scheme.strip())
    return ModelSpec(text, entry, argument.strip())
