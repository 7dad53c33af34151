"""The plugin host: real entry points, isolation of broken plugins, name rules, env controls, strict mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from abr.components import Skill
from abr.errors import AbrError, PluginError
from abr.host import Candidate, Host
from conftest import run_cli
from helpers import make_distribution

GOOD = '''
from abr import hookimpl
from abr.blueprint import Composition
from abr.components import Skill
from abr.knobs import Knob


class Echo(Skill):
    name = "echo"
    version = 1
    description = "Answer the question of the only anchor"
    knobs = (Knob("documents", "int", 2, "documents", low=1, high=8),)

    def compose(self, ctx):
        draft = ctx.new_draft(ctx.knobs["documents"])
        anchor = draft.new_anchor(ctx.anchors(ctx.rng, 1)[0])
        draft.add(0, anchor, ctx.question(ctx.rng.child("q")), 0.5, role="target")
        return Composition(draft, f"Answer the question after {draft.anchor_text(anchor)}.",
                           ["solve", ["Q", anchor]])


class Niah(Echo):
    name = "niah"
    description = "A plugin skill that reuses a built-in's bare name"


@hookimpl
def register_skills(register):
    register(Echo())
    register(Niah())
'''

BUILTIN_SKILLS = ["abr/niah", "abr/anti-interference", "abr/multi-source", "abr/logic", "abr/calc-reason",
                  "abr/multi-hop"]

IMPORT_ERROR = "raise RuntimeError('this plugin is broken on purpose')\n"

TYPO = '''
from abr import hookimpl

@hookimpl
def register_skill(register):
    pass
'''

RAISES_IN_HOOK = '''
from abr import hookimpl

@hookimpl
def register_anchor_styles(register):
    raise ValueError("cannot build styles")
'''

MALFORMED = '''
from abr import hookimpl

@hookimpl
def register_skills(register):
    register(object())
'''

OTHER_ECHO = GOOD.replace('class Niah(Echo)', 'class Unused(Echo)').replace('register(Niah())', '')


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    make_distribution(root, "abr-plugin-xyz", "1.2.0", "abr_plugin_xyz", GOOD, "xyz")
    return root


def plugins(site: Path, **env: str) -> dict[str, dict[str, object]]:
    result = run_cli("plugins", "--json", env={"PYTHONPATH": str(site), **env})
    assert result.returncode == 0, result.stderr
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_entry_point_plugin_registers_a_skill(site: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(site)}
    rows = json.loads(run_cli("list-skills", "--json", env=env).stdout)
    echo = next(r for r in rows if r["name"] == "xyz/echo")
    assert (echo["plugin"], echo["dist"], echo["dist_version"]) == ("xyz", "abr-plugin-xyz", "1.2.0")
    report = plugins(site)["xyz"]
    assert report["status"] == "ok" and report["provides"] == ["xyz/echo", "xyz/niah"]
    out = tmp_path / "echo.jsonl"
    made = run_cli("generate", "-q", "--skill", "echo", "-n", "3", "--length", "1k", "-o", str(out), env=env)
    assert made.returncode == 0, made.stderr
    rec = json.loads(out.read_text().splitlines()[0])
    assert rec["skill"] == "xyz/echo" and rec["versions"]["plugins"]["xyz"] == "1.2.0"
    assert run_cli("verify", "-q", str(out), env=env).returncode == 0


def test_bare_names_prefer_the_builtin(site: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(site)}
    out = tmp_path / "n.jsonl"
    assert run_cli("generate", "-q", "--skill", "niah", "-n", "1", "--length", "1k", "-o", str(out),
                   env=env).returncode == 0
    assert json.loads(out.read_text())["skill"] == "abr/niah"


def test_installing_a_plugin_changes_no_builtin_output(site: Path, tmp_path: Path) -> None:
    args = ("generate", "-q", "-n", "3", "--length", "1k", "--seed", "9")
    assert run_cli(*args, "-o", str(tmp_path / "without.jsonl")).returncode == 0
    assert run_cli(*args, "-o", str(tmp_path / "with.jsonl"), env={"PYTHONPATH": str(site)}).returncode == 0
    assert (tmp_path / "without.jsonl").read_bytes() == (tmp_path / "with.jsonl").read_bytes()


def test_broken_plugins_are_reported_and_abr_keeps_working(site: Path) -> None:
    make_distribution(site, "abr-plugin-boom", "0.1", "abr_plugin_boom", IMPORT_ERROR, "boom")
    make_distribution(site, "abr-plugin-typo", "0.1", "abr_plugin_typo", TYPO, "typo")
    make_distribution(site, "abr-plugin-raiser", "0.1", "abr_plugin_raiser", RAISES_IN_HOOK, "raiser")
    make_distribution(site, "abr-plugin-bad", "0.1", "abr_plugin_bad", MALFORMED, "bad")
    make_distribution(site, "other-echo", "3.0", "other_echo", OTHER_ECHO, "xyz")
    rows = plugins(site)
    assert rows["boom"]["status"] == "error"
    assert rows["boom"]["problem"].startswith("import failed: RuntimeError: this plugin is broken on purpose")
    assert rows["typo"]["status"] == "warning"
    assert rows["typo"]["problem"] == "unknown hook 'register_skill'; did you mean 'register_skills'?"
    assert rows["raiser"]["status"] == "error"
    assert "register_anchor_styles raised ValueError: cannot build styles" in rows["raiser"]["problem"]
    assert rows["bad"]["status"] == "error"
    assert "object is not an abr.components.Skill" in rows["bad"]["problem"]
    conflict = [r for r in json.loads(run_cli("plugins", "--json", env={"PYTHONPATH": str(site)}).stdout)
                if r["name"] == "xyz"]
    assert [r["status"] for r in conflict] == ["conflict", "conflict"]
    assert {r["dist"] for r in conflict} == {"abr-plugin-xyz", "other-echo"}
    assert "claimed by abr-plugin-xyz 1.2.0 and other-echo 3.0" in conflict[0]["problem"]
    listing = run_cli("list-skills", "--json", env={"PYTHONPATH": str(site)})
    assert listing.returncode == 0
    assert [r["name"] for r in json.loads(listing.stdout)] == BUILTIN_SKILLS
    table = run_cli("plugins", env={"PYTHONPATH": str(site), "COLUMNS": "250"})
    assert table.returncode == 0 and "conflict" in table.stdout and "error" in table.stdout

    strict = run_cli("list-skills", env={"PYTHONPATH": str(site), "ABR_STRICT_PLUGINS": "1"})
    assert strict.returncode == 2 and strict.stderr.count("\n") == 1
    assert "ABR_STRICT_PLUGINS=1 makes plugin problems fatal" in strict.stderr


def test_allow_and_deny_lists_act_before_import(site: Path) -> None:
    make_distribution(site, "abr-plugin-boom", "0.1", "abr_plugin_boom", IMPORT_ERROR, "boom")
    rows = plugins(site, ABR_DISABLE_PLUGINS="boom")
    assert rows["boom"]["status"] == "disabled" and rows["boom"]["problem"] == "disabled by ABR_DISABLE_PLUGINS"
    assert rows["xyz"]["status"] == "ok"
    rows = plugins(site, ABR_PLUGINS="xyz")
    assert rows["boom"]["status"] == "disabled" and rows["boom"]["problem"] == "not listed in ABR_PLUGINS"
    assert rows["abr"]["status"] == "ok"
    strict_ok = run_cli("list-skills", env={"PYTHONPATH": str(site), "ABR_PLUGINS": "xyz",
                                            "ABR_STRICT_PLUGINS": "1"})
    assert strict_ok.returncode == 0


# -- in-process host checks --------------------------------------------------------------------------------


class _Mod:
    """A plugin object built in the test (a class instance works as well as a module)."""

    def __init__(self, **hooks: object) -> None:
        for name, fn in hooks.items():
            setattr(self, name, fn)


def _skill(name: str, version: object = 1) -> Skill:
    class S(Skill):
        description = "test skill"

        def compose(self, ctx):  # type: ignore[no-untyped-def]
            raise NotImplementedError

    s = S()
    s.name = name
    s.version = version  # type: ignore[assignment]
    return s


def _plugin(*objs: object) -> object:
    from abr import hookimpl

    @hookimpl
    def register_skills(register):  # type: ignore[no-untyped-def]
        for o in objs:
            register(o)

    return _Mod(register_skills=register_skills)


@pytest.mark.parametrize(("obj", "problem"), [
    (_skill("Bad Name"), "invalid name 'Bad Name'"),
    (_skill("ok", version=0), "version must be an integer >= 1, got 0"),
    (_skill("ok", version=True), "version must be an integer >= 1, got True"),
])
def test_malformed_components_fail_the_plugin(obj: object, problem: str) -> None:
    host = Host([Candidate("p", "abr-plugin-p", "1", lambda: _plugin(_skill("fine"), obj))], env={})
    report = host.report("p")
    assert report.status == "error" and problem in report.problem
    assert [e.qualified for e in host.registry.entries("skill")] == BUILTIN_SKILLS  # nothing half-registered


def test_duplicate_registration_and_reserved_name() -> None:
    host = Host([Candidate("p", "d", "1", lambda: _plugin(_skill("x"), _skill("x"))),
                 Candidate("abr", "impostor", "9", lambda: _plugin(_skill("y")))], env={})
    assert "'p/x' registered twice" in host.report("p").problem
    impostor = next(r for r in host.reports if r.dist == "impostor")
    assert impostor.status == "error" and "reserved" in impostor.problem


def test_ambiguous_bare_name_lists_candidates() -> None:
    host = Host([Candidate("p", "d1", "1", lambda: _plugin(_skill("twin"))),
                 Candidate("q", "d2", "1", lambda: _plugin(_skill("twin")))], env={})
    with pytest.raises(AbrError, match="skill 'twin' is ambiguous: p/twin, q/twin; use the qualified name"):
        host.registry.entry("skill", "twin")
    assert host.registry.entry("skill", "q/twin").plugin == "q"


def test_unmarked_hook_function_is_a_warning() -> None:
    def register_skills(register):  # type: ignore[no-untyped-def]
        register(_skill("never"))

    host = Host([Candidate("p", "d", "1", lambda: _Mod(register_skills=register_skills))], env={})
    report = host.report("p")
    assert report.status == "warning"
    assert report.problem == "'register_skills' is not marked with @abr.hookimpl and is ignored"


def test_strict_mode_in_process() -> None:
    with pytest.raises(PluginError, match="plugin 'p' \\(d\\) is error: import failed: KeyError"):
        Host([Candidate("p", "d", "1", lambda: {}["missing"])], env={"ABR_STRICT_PLUGINS": "1"})
