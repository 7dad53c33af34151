"""abr.testing: the conformance check reports every problem of a deliberately broken plugin at once, and the
isolated-host fixture keeps installed plugins out of a test."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

import pytest
from abr import hookimpl
from abr.blueprint import Composition
from abr.components import Skill
from abr.errors import AbrError
from abr.host import get_host
from abr.testing import check_plugin, isolated_host
from helpers import generate, make_distribution
from plugin_packages import run_pytest

BROKEN = '''
import abr.render
from abr import hookimpl
from abr.blueprint import Composition
from abr.components import Question, QuestionBank, Skill, Suite
from abr.knobs import Knob

abr.render.ANSWER_FORMAT = 'Reply with "Answer: X".'  # changes every prompt abr makes, built-ins included


class OffByOne(QuestionBank):
    name = "off-by-one"
    version = 1
    description = "Sums whose solve() disagrees with generate()"
    answer_types = ("integer",)

    def generate(self, rng, difficulty):
        a, b = rng.integers(1, 50), rng.integers(1, 50)
        return Question(f"What is {a} + {b}?", str(a + b), "integer")

    def solve(self, text):
        a, b = (int(x) for x in text.removeprefix("What is ").removesuffix("?").split(" + "))
        return str(a + b + 1)


class Shaky(Skill):
    name = "shaky"
    version = 1
    description = "Draws its question from a stream named by hash(), which PYTHONHASHSEED changes"
    default_question_bank = "broken/off-by-one"
    knobs = (Knob("documents", "int", 3, "documents", low=1, high=8),)

    def compose(self, ctx):
        draft = ctx.new_draft(ctx.knobs["documents"])
        text = ctx.anchors(ctx.rng, 1)[0]
        anchor = draft.new_anchor(text)
        draft.add(0, anchor, ctx.question(ctx.rng.child("q", hash(text))), 0.5, role="target")
        return Composition(draft, f"What is the answer to the question after {text}?", ["solve", ["Q", anchor]])


class Mixture(Suite):
    name = "mixture"
    version = 1
    description = "Names a skill nobody registers"

    def recipe(self):
        return {"skills": {"broken/shaky": {}, "broken/missing": {}}}


@hookimpl
def register_question_banks(register):
    register(OffByOne())


@hookimpl
def register_skills(register):
    register(Shaky())


@hookimpl
def register_suites(register):
    register(Mixture())


@hookimpl
def register_skill(register):
    pass
'''

CONFORMANCE_TEST = '''
from abr.testing import assert_conformant


def test_conformance():
    assert_conformant("broken")
'''


def test_every_problem_of_a_broken_plugin_is_reported_at_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_distribution(site, "abr-plugin-broken", "0.3", "abr_plugin_broken", BROKEN, "broken")
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_conformance.py").write_text(CONFORMANCE_TEST)
    result = run_pytest(project, site, env={"PYTHONHASHSEED": "0"})
    out = result.stdout
    assert result.returncode == 1 and "1 failed" in out, out[-3000:]
    expected = [
        "plugin 'broken' fails 6 conformance check(s) (loads, compatibility, valid, verify, determinism, builtins):",
        "  - loads: unknown hook 'register_skill'; did you mean 'register_skills'?",
        "  - compatibility: abr-plugin-broken declares no dependency on abr",
        "  - valid: question bank broken/off-by-one: solve('What is ",
        "(20 of 20 questions)",
        "  - valid: suite broken/mixture: skill 'broken/missing' of its recipe does not resolve: unknown skill "
        "'broken/missing'; did you mean 'broken/shaky'?",
        "  - verify: broken/shaky: 6 of 6 samples fail abr verify; sample 0: doc1: question 'What is ",
        "  - verify: abr/niah: 6 of 6 samples fail abr verify",  # the plugin's bank, carried by abr/niah
        "  - determinism: the same recipe and seed give other bytes in a fresh process (another PYTHONHASHSEED, "
        "--workers 2): sample 0 (broken/shaky) differs in prompt, messages, answer, blueprint (",
        "  - builtins: installing the plugin changes the output of built-in skills: sample 0 (abr/niah) differs in "
        "prompt, messages, needles (12 of 12 samples differ",
    ]
    for line in expected:
        assert line in out, f"missing {line!r} in:\n{out[-4000:]}"


def test_an_uninstalled_plugin_is_one_problem() -> None:
    result = check_plugin("no-such-plugin")
    assert not result.ok and result.checked == ()
    assert result.problems == ("loads: no entry point named 'no-such-plugin' in group 'abr' is installed: declare "
                               "[project.entry-points.abr] no-such-plugin = \"your_module\" in pyproject.toml and pip "
                               "install the package",)


class Echo(Skill):
    name = "echo"
    version = 1
    description = "One anchor, one question"

    def compose(self, ctx: Any) -> Composition:
        draft = ctx.new_draft(1)
        anchor = draft.new_anchor(ctx.anchors(ctx.rng, 1)[0])
        draft.add(0, anchor, ctx.question(ctx.rng.child("q")), 0.5, role="target")
        return Composition(draft, f"Answer the question after {draft.anchor_text(anchor)}.", ["solve", ["Q", anchor]])


def _module() -> types.ModuleType:
    mod = types.ModuleType("mine")

    @hookimpl
    def register_skills(register: Any) -> None:
        register(Echo())

    mod.register_skills = register_skills  # type: ignore[attr-defined]
    return mod


def test_abr_host_fixture_isolates_and_becomes_the_process_host(abr_host: Any, tmp_path: Path) -> None:
    host = abr_host(mine=_module())
    assert get_host() is host
    assert [r.name for r in host.reports] == ["abr", "mine"] and host.report("mine").status == "ok"
    skills = [e.qualified for e in host.registry.entries("skill")]
    assert skills[-1] == "mine/echo" and all(s.startswith("abr/") for s in skills[:-1])
    data = generate(tmp_path / "echo.jsonl", "--skill", "mine/echo", "-n", "2", "--length", "512")
    assert [json.loads(line)["skill"] for line in data.decode().splitlines()] == ["mine/echo", "mine/echo"]


def test_isolated_host_names_a_missing_entry_point() -> None:
    with pytest.raises(AbrError, match="no plugin named 'ghost' is installed"):
        isolated_host("ghost")
