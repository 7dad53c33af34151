"""`abr plugins doctor`: unknown hooks with suggestions, dangling references, abr version requirements and slow
imports — one line per problem, exit 1 — and still a diagnosis under ABR_STRICT_PLUGINS=1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from abr import __version__
from conftest import run_cli
from helpers import make_distribution

IMPORT_ERROR = "raise RuntimeError('broken on purpose')\n"

TYPO = '''
from abr import hookimpl

@hookimpl
def register_skill(register):
    pass
'''

DANGLING = '''
import time

import numpy  # a heavy import at module level

from abr import hookimpl
from abr.components import Skill, Suite

time.sleep(0.25)


class Lookup(Skill):
    name = "lookup"
    version = 1
    description = "Names a pattern and a bank nobody registers"
    default_interference = ("dangle/lures",)
    default_question_bank = "nope"

    def compose(self, ctx):
        raise NotImplementedError


class Tiny(Suite):
    name = "tiny"
    version = 1
    description = "Names a skill nobody registers"

    def recipe(self):
        return {"skills": {"niah": {}, "missing-skill": {}}}


@hookimpl
def register_skills(register):
    register(Lookup())


@hookimpl
def register_suites(register):
    register(Tiny())
'''

GOOD = '''
from abr import hookimpl
from abr.components import Suite


class Tiny(Suite):
    name = "tiny"
    version = 1
    description = "Two built-in skills"

    def recipe(self):
        return {"n": 4, "skills": {"niah": {}, "logic": {}}}


@hookimpl
def register_suites(register):
    register(Tiny())
'''


def requires(site: Path, dist: str, version: str, line: str) -> None:
    meta = site / f"{dist.replace('-', '_')}-{version}.dist-info" / "METADATA"
    meta.write_text(meta.read_text() + f"Requires-Dist: {line}\n")


@pytest.fixture
def broken_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    make_distribution(site, "abr-plugin-boom", "0.1", "abr_plugin_boom", IMPORT_ERROR, "boom")
    make_distribution(site, "abr-plugin-typo", "0.1", "abr_plugin_typo", TYPO, "typo")
    make_distribution(site, "abr-plugin-one", "1.0", "abr_plugin_one", GOOD, "twin")
    make_distribution(site, "abr-plugin-two", "2.0", "abr_plugin_two", GOOD, "twin")
    make_distribution(site, "abr-plugin-dangle", "0.2", "abr_plugin_dangle", DANGLING, "dangle")
    for dist, version in (("abr-plugin-boom", "0.1"), ("abr-plugin-typo", "0.1"), ("abr-plugin-one", "1.0"),
                          ("abr-plugin-two", "2.0")):
        requires(site, dist, version, "abr>=0.1")
    requires(site, "abr-plugin-dangle", "0.2", "abr>=9.0,<10 ; python_version >= '3.8'")
    requires(site, "abr-plugin-dangle", "0.2", "abr[eval]>=0.1 ; extra == 'test'")  # an extra: not in force
    return site


def test_doctor_reports_each_problem_on_one_line(broken_site: Path) -> None:
    for strict in ("0", "1"):
        result = run_cli("plugins", "doctor", "--slow-ms", "150",
                         env={"PYTHONPATH": str(broken_site), "ABR_STRICT_PLUGINS": strict})
        assert result.returncode == 1, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == ("boom (abr-plugin-boom 0.1): load: import failed: RuntimeError: broken on purpose "
                            "(abr_plugin_boom.py:1)")
        assert lines[1].startswith("dangle (abr-plugin-dangle 0.2): references: skill dangle/lookup: "
                                   "default_question_bank names 'nope', which is not registered: unknown question "
                                   "bank 'nope'; known: abr/arithmetic, ")
        assert lines[2].startswith("dangle (abr-plugin-dangle 0.2): references: skill dangle/lookup: "
                                   "default_interference names 'dangle/lures', which is not registered: unknown "
                                   "interference pattern 'dangle/lures'; known: abr/conflict, ")
        assert lines[3].startswith("dangle (abr-plugin-dangle 0.2): references: suite dangle/tiny: skill "
                                   "'missing-skill' of its recipe does not resolve: unknown skill 'missing-skill'")
        assert lines[4] == (f"dangle (abr-plugin-dangle 0.2): compatibility: abr-plugin-dangle requires abr<10,>=9.0 "
                            f"but abr {__version__} is installed; install a release of abr-plugin-dangle made for "
                            f"abr {__version__}, or an abr that matches <10,>=9.0")
        assert lines[5].startswith("dangle (abr-plugin-dangle 0.2): import-time: importing took ")
        assert lines[5].endswith("ms (threshold 150 ms, --slow-ms); it imports numpy: import heavy libraries "
                                 "inside the functions that use them, so that every abr command stays fast")
        assert lines[6:] == [
            "twin (abr-plugin-one 1.0): conflict: the name 'twin' is claimed by abr-plugin-one 1.0 and "
            "abr-plugin-two 2.0; uninstall one of them",
            "twin (abr-plugin-two 2.0): conflict: the name 'twin' is claimed by abr-plugin-one 1.0 and "
            "abr-plugin-two 2.0; uninstall one of them",
            "typo (abr-plugin-typo 0.1): hooks: unknown hook 'register_skill'; did you mean 'register_skills'?",
        ]
        assert result.stderr == "abr: plugins doctor: 6 plugins checked; 9 problems\n"


def test_doctor_json_and_threshold(broken_site: Path) -> None:
    result = run_cli("plugins", "doctor", "--json", "--slow-ms", "60000", env={"PYTHONPATH": str(broken_site)})
    assert result.returncode == 1
    rows = json.loads(result.stdout)
    assert {r["check"] for r in rows} == {"load", "references", "compatibility", "conflict", "hooks"}
    assert rows[0] == {"plugin": "boom", "dist": "abr-plugin-boom", "version": "0.1", "check": "load",
                       "problem": "import failed: RuntimeError: broken on purpose (abr_plugin_boom.py:1)"}


def test_a_healthy_environment_passes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_distribution(site, "abr-plugin-good", "1.0", "abr_plugin_good", GOOD, "good")
    requires(site, "abr-plugin-good", "1.0", f"abr>={__version__}")
    result = run_cli("plugins", "doctor", env={"PYTHONPATH": str(site)})
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "abr: plugins doctor: 2 plugins checked; no problems\n"
    undeclared = tmp_path / "undeclared"
    make_distribution(undeclared, "abr-plugin-good", "1.0", "abr_plugin_good", GOOD, "good")
    result = run_cli("plugins", "doctor", "-q", env={"PYTHONPATH": str(undeclared)})
    assert result.returncode == 1 and result.stderr == ""
    assert result.stdout == ("good (abr-plugin-good 1.0): compatibility: abr-plugin-good declares no dependency on "
                             "abr, so nothing tells pip which abr releases it works with; add dependencies = "
                             "[\"abr>=0.1,<0.2\"] to its pyproject.toml\n")


def test_broken_plugins_leave_abr_working_and_strict_mode_fails(broken_site: Path) -> None:
    """The issue's three at once: an import error, a mistyped hook, two distributions claiming one name."""
    env = {"PYTHONPATH": str(broken_site)}
    listing = run_cli("list-skills", "--json", env=env)
    assert listing.returncode == 0
    assert "dangle/lookup" in [r["name"] for r in json.loads(listing.stdout)]
    table = run_cli("plugins", env={**env, "COLUMNS": "300"})
    assert table.returncode == 0
    for needle in ("import failed: RuntimeError: broken on purpose", "unknown hook 'register_skill'; did you mean",
                   "the name 'twin' is claimed by abr-plugin-one 1.0 and abr-plugin-two 2.0"):
        assert needle in table.stdout
    for command in (("list-skills",), ("generate", "-n", "1", "-o", "x.jsonl"), ("plugins",)):
        strict = run_cli(*command, env={**env, "ABR_STRICT_PLUGINS": "1"}, cwd=broken_site)
        assert strict.returncode == 2 and strict.stderr.count("\n") == 1
        assert strict.stderr.startswith("abr: error: plugin 'boom' (abr-plugin-boom) is error: import failed")
        assert "(and 3 more, see `abr plugins`)" in strict.stderr
    assert not (broken_site / "x.jsonl").exists()
