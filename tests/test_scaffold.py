"""`abr plugin new`: the template renders a package that installs, generates, verifies and passes its own tests;
bad names, existing folders and failures half-way leave nothing behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from abr import __version__
from abr.errors import AbrError
from abr.scaffold import FILES, abr_requirement, render_plugin
from conftest import run_cli
from plugin_packages import pip_install, run_pytest

EXPECTED = [".gitignore", "README.md", "pyproject.toml", "src/abr_plugin_tempo_x/__init__.py",
            "src/abr_plugin_tempo_x/pattern.py", "src/abr_plugin_tempo_x/skill.py", "tests/test_plugin.py"]


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_rendered_plugin_installs_generates_verifies_and_passes_its_tests(tmp_path: Path) -> None:
    made = run_cli("plugin", "new", "tempo-x", "--dir", str(tmp_path / "work"))
    assert made.returncode == 0, made.stderr
    package = tmp_path / "work" / "abr-plugin-tempo-x"
    assert made.stdout.strip() == str(package)
    assert "pip install -e" in made.stderr
    assert files(package) == EXPECTED
    pyproject = (package / "pyproject.toml").read_text()
    assert 'name = "abr-plugin-tempo-x"' in pyproject
    assert '[project.entry-points.abr]\ntempo-x = "abr_plugin_tempo_x"' in pyproject
    assert f'dependencies = ["{abr_requirement(__version__)}"]' in pyproject
    assert "$" not in "".join((package / f).read_text() for f in EXPECTED)  # every placeholder filled
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--line-length", "120", "--select",
                           "E,F,W,I,B,UP,SIM,RUF", "--target-version", "py310", str(package)],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout

    site = pip_install(package, tmp_path / "install")
    env = {"PYTHONPATH": str(site)}
    rows = {r["name"]: r for r in json.loads(run_cli("plugins", "--json", env=env).stdout)}
    assert rows["tempo-x"]["status"] == "ok"
    assert rows["tempo-x"]["provides"] == ["tempo-x/reversed-anchor", "tempo-x/lookup"]
    out = tmp_path / "lookup.jsonl"
    gen = run_cli("generate", "-q", "--skill", "tempo-x/lookup", "-n", "6", "--length", "1k",
                  "--knob", "reversed-anchor.copies=2", "-o", str(out), env=env)
    assert gen.returncode == 0, gen.stderr
    first = json.loads(out.read_text().splitlines()[0])
    target = first["blueprint"]["anchors"]["anc1"]
    decoys = [p for d in first["blueprint"]["documents"] for p in d["pairs"] if p["role"] == "decoy"]
    assert [first["blueprint"]["anchors"][p["anchor"]] for p in decoys] == [target[::-1]] * 2
    checked = run_cli("verify", str(out), env=env)
    assert checked.returncode == 0 and "6 ok, 0 bad" in checked.stderr
    doctor = run_cli("plugins", "doctor", env=env)
    assert doctor.returncode == 0 and doctor.stdout == "", doctor.stdout

    tests = run_pytest(tmp_path / "install" / "src" / package.name, site)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "2 passed" in tests.stdout


@pytest.mark.parametrize(("name", "message"), [
    ("Bad Name", "invalid plugin name 'Bad Name': use lowercase letters and digits"),
    ("9lives", "invalid plugin name '9lives'"),
    ("double--dash", "invalid plugin name 'double--dash'"),
    ("x" * 41, "at most 40 characters"),
    ("abr", "the plugin name 'abr' is reserved for abr's built-ins"),
])
def test_bad_names_are_one_line_errors(tmp_path: Path, name: str, message: str) -> None:
    result = run_cli("plugin", "new", name, "--dir", str(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("abr: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    existing = tmp_path / "abr-plugin-mine"
    existing.mkdir()
    (existing / "notes.txt").write_text("keep me")
    result = run_cli("plugin", "new", "mine", "--dir", str(tmp_path))
    assert result.returncode == 2
    assert f"abr: error: '{existing}' already exists; abr plugin new never overwrites" in result.stderr
    assert files(existing) == ["notes.txt"] and (existing / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abr-plugin-mine"]


def test_a_failure_half_way_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import abr.scaffold

    real = abr.scaffold._template
    seen: list[str] = []

    def failing(name: str) -> str:
        seen.append(name)
        if len(seen) == 4:
            raise OSError(28, "No space left on device")
        return real(name)

    monkeypatch.setattr(abr.scaffold, "_template", failing)
    with pytest.raises(AbrError, match=r"cannot write the plugin under .*: No space left on device"):
        render_plugin("half", tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert len(seen) == 4 < len(FILES)


def test_relative_dir_and_next_steps(tmp_path: Path) -> None:
    result = run_cli("plugin", "new", "rel", "--dir", "sub/dir", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "./sub/dir/abr-plugin-rel"
    assert "pip install -e './sub/dir/abr-plugin-rel[test]'" in result.stderr
    assert (tmp_path / "sub" / "dir" / "abr-plugin-rel" / "src" / "abr_plugin_rel" / "__init__.py").exists()
    missing = run_cli("plugin", cwd=tmp_path)
    assert missing.returncode == 2 and "abr plugin needs an action: `abr plugin new NAME" in missing.stderr
