"""``openai:MODEL@BASE_URL[,BASE_URL...]``: any OpenAI-compatible chat server (vLLM, SGLang, hosted APIs).

Requests are sent asynchronously, at most ``--concurrency`` at a time, each to the base URL with the fewest
requests in flight (data-parallel servers). 429, 408, 5xx, timeouts and dropped connections are retried with
exponential backoff (``Retry-After`` is honoured); a 400/413/422 whose message is about context length is an
over-length refusal, other 4xx are errors, and 401/403/404 stop the run (a wrong key, model name or URL would
fail every request). The API key comes from an environment variable and is never written anywhere.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from abr.errors import AbrError
from abr.evaluation.backend import BackendOptions, Completion, ModelBackend, ModelClient, Request
from abr.rng import Rng

_SPEC = re.compile(r"^(?P<model>[^@\s][^\s]*?)@(?P<urls>https?://\S+)$")
OVER_LENGTH = re.compile(
    r"context length|context window|context_length|maximum context|too many (?:input )?tokens|too long|"
    r"exceeds? the (?:model'?s? )?(?:maximum|max|limit)|maximum (?:input|prompt|sequence) length|"
    r"reduce the length|input length",
    re.IGNORECASE)
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})
FATAL_STATUSES = {401: "the server refused the API key: set it in ${env} (or name another variable with "
                       "--api-key-env)",
                  403: "the server refused access: check the API key in ${env} and the model's permissions",
                  404: "model or endpoint not found: check the model name and that BASE_URL ends in /v1"}
MAX_DELAY_S = 60.0


def parse_target(argument: str) -> tuple[str, tuple[str, ...]]:
    """``MODEL@URL[,URL...]`` to the model name and the normalized base URLs."""
    match = _SPEC.match(argument)
    if match is None:
        raise AbrError(f"invalid model spec 'openai:{argument}': use openai:MODEL@BASE_URL, e.g. "
                       f"openai:Qwen/Qwen3-8B@http://localhost:8000/v1 (several base URLs comma-separated)")
    urls = []
    for raw in match["urls"].split(","):
        url = raw.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AbrError(f"invalid base URL {raw!r} in 'openai:{argument}': use http(s)://HOST[:PORT]/v1")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise AbrError(f"base URL {raw!r} must not carry credentials, a query or a fragment: the API key "
                           f"goes in the environment (OPENAI_API_KEY or --api-key-env)")
        urls.append(url)
    return match["model"], tuple(dict.fromkeys(urls))


def error_message(body: bytes) -> str:
    """The server's error message (OpenAI, vLLM and most proxies nest it under ``error``), on one line."""
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return " ".join(text.split())[:300]
    message: Any = data
    if isinstance(data, dict):
        message = data.get("error", data.get("message", data.get("detail", data)))
        if isinstance(message, dict):
            message = message.get("message", message)
    return " ".join(str(message).split())[:300]


def parse_completion(data: Any) -> Completion:
    """A 200 body to a completion; raises ValueError when it is not a chat completion."""
    choice = data["choices"][0]
    message = choice.get("message") or {}
    text = message.get("content") or ""
    reasoning = message.get("reasoning_content") or message.get("reasoning") or ""
    if not isinstance(text, str) or not isinstance(reasoning, str):
        raise ValueError("content is not text")
    reason = choice.get("finish_reason")
    usage = data.get("usage") or {}
    if reason == "content_filter":
        return Completion(text=text, finish="error", reasoning=reasoning, error="the server filtered the response")
    return Completion(text=text, finish="length" if reason == "length" else "stop", reasoning=reasoning,
                      prompt_tokens=usage.get("prompt_tokens"), completion_tokens=usage.get("completion_tokens"))


class OpenAIClient(ModelClient):
    """One HTTP client shared by every request; least-loaded choice among the base URLs."""

    def __init__(self, model: str, urls: Sequence[str], options: BackendOptions) -> None:
        import httpx

        self._httpx = httpx
        self.model = model
        self.urls = list(urls)
        self.parallel = options.concurrency or 32
        self.retries = options.retries
        self.backoff_s = options.backoff_s
        self.env = options.api_key_env
        key = os.environ.get(options.api_key_env, "").strip()
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        limits = httpx.Limits(max_connections=self.parallel, max_keepalive_connections=self.parallel)
        timeout = httpx.Timeout(options.timeout_s, connect=min(30.0, options.timeout_s))
        self.http = httpx.AsyncClient(headers=headers, timeout=timeout, limits=limits, trust_env=False)
        self.in_flight = [0] * len(self.urls)

    async def generate(self, batch: Sequence[Request]) -> list[Completion]:
        return [await self.complete(r) for r in batch]

    def body(self, request: Request) -> bytes:
        p = request.params
        body: dict[str, Any] = {"model": self.model, "messages": list(request.messages), "max_tokens": p.max_tokens,
                                "temperature": p.temperature, "seed": request.seed}
        if p.top_p is not None:
            body["top_p"] = p.top_p
        if p.top_k is not None:
            body["top_k"] = p.top_k
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    async def complete(self, request: Request) -> Completion:
        httpx = self._httpx
        content = self.body(request)
        attempt = 0
        while True:
            attempt += 1
            slot = min(range(len(self.urls)), key=lambda i: (self.in_flight[i], i))
            self.in_flight[slot] += 1
            started = time.perf_counter()
            retry_after: float | None = None
            try:
                response = await self.http.post(f"{self.urls[slot]}/chat/completions", content=content)
            except httpx.TimeoutException:
                problem = f"timed out after {time.perf_counter() - started:.0f} s"
            except httpx.TransportError as exc:
                problem = f"connection failed: {type(exc).__name__}: {exc}".rstrip(": ")
            else:
                latency = time.perf_counter() - started
                status = response.status_code
                if status == 200:
                    try:
                        done = parse_completion(response.json())
                    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
                        problem = "the server sent a malformed chat completion"
                    else:
                        return _with(done, latency, attempt)
                else:
                    message = error_message(response.content)
                    if status in (400, 413, 422) and OVER_LENGTH.search(message):
                        return Completion(finish="over-length", error=f"HTTP {status}: {message}",
                                          latency_s=latency, attempts=attempt)
                    if status in FATAL_STATUSES:
                        hint = FATAL_STATUSES[status].replace("${env}", self.env)
                        raise AbrError(f"{self.urls[slot]}: HTTP {status} ({message}); {hint}")
                    if status not in RETRY_STATUSES:
                        return Completion(finish="error", error=f"HTTP {status}: {message}", latency_s=latency,
                                          attempts=attempt)
                    problem = f"HTTP {status}: {message}"
                    retry_after = _retry_after(response.headers.get("retry-after"))
            finally:
                self.in_flight[slot] -= 1
            if attempt > self.retries:
                return Completion(finish="error", error=f"{problem} (gave up after {attempt} attempts)",
                                  attempts=attempt)
            await asyncio.sleep(self.delay(request, attempt, retry_after))

    def delay(self, request: Request, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter (seeded by the request, so a rerun waits the same)."""
        if retry_after is not None:
            return min(retry_after, MAX_DELAY_S)
        jitter = 0.5 + Rng("abr-eval", "backoff", request.key, attempt).random()
        return min(self.backoff_s * 2 ** (attempt - 1) * jitter, MAX_DELAY_S)

    async def aclose(self) -> None:
        await self.http.aclose()


def _with(done: Completion, latency: float, attempts: int) -> Completion:
    import attrs

    return attrs.evolve(done, latency_s=latency, attempts=attempts)


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class OpenAICompatible(ModelBackend):
    name = "openai"
    version = 1
    usage = "MODEL@BASE_URL[,BASE_URL...]"
    description = ("Any OpenAI-compatible chat server (vLLM, SGLang, hosted APIs): async, retries with backoff, "
                   "several base URLs")

    def identity(self, argument: str) -> str:
        model, urls = parse_target(argument)
        return f"{model}@{','.join(sorted(urls))}"

    def check(self, argument: str) -> None:
        parse_target(argument)
        try:
            import httpx  # noqa: F401
        except ImportError:
            raise AbrError("the openai: backend needs httpx: pip install 'abr[eval]'") from None

    def open(self, argument: str, options: BackendOptions) -> ModelClient:
        model, urls = parse_target(argument)
        return OpenAIClient(model, urls, options)
