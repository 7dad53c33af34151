"""Model backends are a component kind like the others: a plugin registers one through
``register_model_backends`` (the example in docs/evaluation.md, installed through a real entry point), and a
malformed one fails its plugin."""

from __future__ import annotations

import json
import re
import types
from pathlib import Path

from abr import hookimpl
from abr.evaluation.backend import ModelBackend, parse_model_spec
from abr.host import Candidate, Host
from conftest import run_cli
from helpers import generate, make_distribution

DOC = Path(__file__).resolve().parents[1] / "docs" / "evaluation.md"


def test_documented_backend_plugin_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(# abr_plugin_echo\.py\n.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    site = tmp_path / "site"
    make_distribution(site, "abr-plugin-echo", "0.1.0", "abr_plugin_echo", blocks[0], "echo")
    env = {"PYTHONPATH": str(site)}
    rows = {r["name"]: r for r in json.loads(run_cli("plugins", "--json", env=env).stdout)}
    assert rows["echo"]["status"] == "ok" and rows["echo"]["provides"] == ["echo/echo"]
    listed = json.loads(run_cli("components", "--kind", "model_backend", "--json", env=env).stdout)
    assert [r["name"] for r in listed] == ["abr/openai", "abr/hf", "abr/vllm", "abr/baseline", "echo/echo"]
    data = tmp_path / "d.jsonl"
    generate(data, "-n", "5", "--length", "1k")
    done = run_cli("eval", str(data), "--model", "echo:anything", "-o", str(tmp_path / "run"), env=env)
    assert done.returncode == 0, done.stderr
    assert "accuracy 100.0% (5 correct)" in done.stderr
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest["identity"] == "echo/echo:anything" and manifest["sent"] == 5


class NoUsage(ModelBackend):
    name = "nousage"
    version = 1
    description = "Forgot to say what its argument is"

    def open(self, argument, options):  # type: ignore[no-untyped-def]
        raise AssertionError("never opened")


def test_a_backend_without_usage_fails_its_plugin() -> None:
    module = types.ModuleType("abr_plugin_bad")

    @hookimpl
    def register_model_backends(register):  # type: ignore[no-untyped-def]
        register(NoUsage())

    module.register_model_backends = register_model_backends  # type: ignore[attr-defined]
    host = Host(candidates=[Candidate("bad", "abr-plugin-bad", "0.1", lambda: module)], env={})
    report = host.report("bad")
    assert report.status == "error" and "usage must describe the spec argument" in report.problem
    assert [e.qualified for e in host.registry.entries("model_backend")] == ["abr/openai", "abr/hf", "abr/vllm",
                                                                             "abr/baseline"]
    assert parse_model_spec("baseline:oracle", host.registry).identity == "baseline:oracle"
