"""``abr.testing``: the pytest plugin for plugin authors — an isolated plugin host and one-call conformance checks.

pytest loads it through abr's ``pytest11`` entry point, so a plugin's tests need no conftest::

    from abr.testing import assert_conformant

    def test_conformance():
        assert_conformant("xyz")          # the entry-point name of the plugin under test

    def test_my_skill(abr_host):
        host = abr_host("xyz")            # built-ins plus this plugin only; get_host() returns it too
        assert host.registry.entry("skill", "xyz/lookup")

:func:`check_plugin` reports every problem at once instead of stopping at the first: the plugin loads
through its entry point; every registered object is valid and names components that exist; generated
samples pass ``abr verify``; the same seed gives the same bytes in a fresh process with another
``PYTHONHASHSEED`` and two workers; and installing the plugin changes no output of the built-in skills.
The static checks here also serve ``abr plugins doctor``. Heavy modules are imported inside functions: every
pytest run in an environment with abr installed imports this module.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

try:
    import pytest

    _HAVE_PYTEST = True
except ImportError:  # abr.testing used as a library (``abr plugins doctor``) where pytest is not installed
    _HAVE_PYTEST = False

if TYPE_CHECKING:
    from abr.host import Host
    from abr.registry import Entry, Registry

__all__ = ["Conformance", "assert_conformant", "behaviour_problems", "check_plugin", "compatibility_problem",
           "isolated_host", "reference_problems"]

#: knob names a record already uses for the recipe-level axes
RESERVED_KNOBS = ("length", "depth")


@attrs.frozen
class Conformance:
    """The result of :func:`check_plugin`: every problem found, and what was exercised."""

    plugin: str
    problems: tuple[str, ...]
    checked: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"plugin '{self.plugin}' conforms ({'; '.join(self.checked)})"
        checks = list(dict.fromkeys(p.split(":", 1)[0] for p in self.problems))
        head = f"plugin '{self.plugin}' fails {len(checks)} conformance check(s) ({', '.join(checks)}):"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


# ---------------------------------------------------------------------------------------------------------
# Hosts


def isolated_host(*entry_points: str, env: Mapping[str, str] | None = None, **objects: object) -> Host:
    """A host with the built-ins, the named installed entry points and plugin objects (``name=module``) only.

    Nothing else installed is imported, and the environment's ``ABR_*`` variables are ignored unless ``env``
    passes them, so a test sees the same components on every machine.
    """
    from abr.errors import AbrError
    from abr.host import Candidate, Host, entry_point_candidates

    found = entry_point_candidates()
    chosen = [c for c in found if c.name in entry_points]
    missing = sorted(set(entry_points) - {c.name for c in chosen})
    if missing:
        raise AbrError(f"no plugin named {', '.join(repr(m) for m in missing)} is installed (entry points in group "
                       f"'abr': {', '.join(sorted({c.name for c in found})) or 'none'}); pip install it first")
    chosen += [Candidate(name, f"test-{name}", "0", _returning(obj)) for name, obj in objects.items()]
    return Host(chosen, env=dict(env or {}))


def _returning(obj: object) -> Callable[[], object]:
    """A candidate's ``load`` for a plugin object made in the test."""
    return lambda: obj


if _HAVE_PYTEST:

    @pytest.fixture
    def abr_host(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Host]:
        """A factory of isolated hosts (see :func:`isolated_host`); the latest one is also the process host,
        so code that calls ``abr.host.get_host()`` — the engine, the CLI in-process — uses it."""

        def make(*entry_points: str, env: Mapping[str, str] | None = None, **objects: object) -> Host:
            host = isolated_host(*entry_points, env=env, **objects)
            monkeypatch.setattr("abr.host._HOST", host)
            return host

        return make

    __all__ += ["abr_host"]


# ---------------------------------------------------------------------------------------------------------
# Static checks (also used by `abr plugins doctor`)


def reference_problems(entry: Entry, registry: Registry) -> list[str]:
    """Components this one names that are not registered: a skill's defaults, a suite's recipe."""
    from abr.errors import AbrError

    obj = entry.obj
    where = f"{_label(entry)} {entry.qualified}"
    out = []
    if entry.kind == "skill":
        refs = [("default_anchor_style", "anchor_style", obj.default_anchor_style),
                ("default_question_bank", "question_bank", obj.default_question_bank),
                *(("default_interference", "interference_pattern", name) for name in obj.default_interference)]
        for attr, kind, name in refs:
            try:
                registry.configured(kind, name)
            except AbrError as exc:
                out.append(f"{where}: {attr} names {name!r}, which is not registered: {exc}")
            except Exception as exc:
                out.append(f"{where}: {attr} {name!r} cannot be configured: {_short(exc)}")
    elif entry.kind == "suite":
        out += [f"{where}: {p}" for p in _suite_problems(obj, entry.qualified, registry)]
    return out


def _suite_problems(suite: Any, qualified: str, registry: Registry) -> list[str]:
    """Each skill of the suite's recipe resolved on its own (so every dangling name shows), then the whole."""
    from abr.errors import AbrError
    from abr.plan import Plan
    from abr.recipe import recipe_from_mapping

    try:
        recipe = recipe_from_mapping(suite.recipe(), f"suite '{qualified}'")
    except AbrError as exc:
        return [f"its recipe is invalid: {exc}"]
    except Exception as exc:
        return [f"recipe() raised {_short(exc)}"]
    out = []
    for skill in recipe.skills:
        try:
            Plan(attrs.evolve(recipe, skills=(skill,), knobs={}), registry)
        except AbrError as exc:
            out.append(f"skill '{skill.name}' of its recipe does not resolve: {exc}")
    if not out:
        try:
            Plan(recipe, registry)
        except AbrError as exc:
            out.append(f"its recipe does not resolve: {exc}")
    return out


def behaviour_problems(entry: Entry) -> list[str]:
    """Checks that call the component: knob tables, determinism, a bank's answers re-derived by ``solve``."""
    from abr.errors import AbrError

    where = f"{_label(entry)} {entry.qualified}"
    if "\n" in entry.obj.description.strip():
        return [f"{where}: description must be one line (it is shown in tables)"]
    check = _BEHAVIOUR.get(entry.kind)
    if check is None:
        return []
    try:
        return [f"{where}: {p}" for p in check(entry.obj)]
    except AbrError:
        return []  # a component that needs an argument (NAME:ARG) is exercised through the skills that pass one
    except Exception as exc:
        return [f"{where}: raised {_short(exc)}"]


def _knob_table_problems(obj: Any) -> list[str]:
    from abr.errors import AbrError
    from abr.knobs import Knob

    knobs = getattr(obj, "knobs", ())
    if not isinstance(knobs, tuple) or not all(isinstance(k, Knob) for k in knobs):
        return ["knobs must be a tuple of abr.knobs.Knob"]
    out = []
    names = [k.name for k in knobs]
    out += [f"knob '{n}' is declared twice" for n in sorted({n for n in names if names.count(n) > 1})]
    for k in knobs:
        try:
            k.coerce(k.default, obj.name)
        except AbrError as exc:
            out.append(f"default of knob '{k.name}' is invalid: {exc}")
    return out


def _skill_behaviour(obj: Any) -> list[str]:
    out = _knob_table_problems(obj)
    out += [f"knob '{k.name}' is reserved for the recipe's {k.name}; rename it" for k in obj.knobs
            if k.name in RESERVED_KNOBS]
    return out


def _bank_behaviour(bank: Any) -> list[str]:
    from abr.components import Question
    from abr.errors import AbrError
    from abr.rng import Rng

    unstable, mistyped, unsolved = [], [], []
    drawn = 20
    for i in range(drawn):
        difficulty = (i % 5) / 4
        q = bank.generate(Rng("abr.testing", bank.name, i), difficulty)
        if not isinstance(q, Question):
            return [f"generate() returned {type(q).__name__}, not an abr.components.Question"]
        if bank.generate(Rng("abr.testing", bank.name, i), difficulty) != q:
            unstable.append(f"generate() gives another question for the same Rng ({q.text[:50]!r}): draw only from "
                            f"the rng it is given")
        if bank.answer_types and q.answer_type not in bank.answer_types:
            mistyped.append(f"question {q.text[:50]!r} has answer_type {q.answer_type!r}, not one of answer_types "
                            f"{list(bank.answer_types)}")
        try:
            solved = bank.solve(q.text)
        except AbrError as exc:  # its own question: a bank that needs an argument got one to generate it
            unsolved.append(f"solve({q.text[:50]!r}) raised {exc}; abr verify re-derives every answer with solve()")
            continue
        if str(solved) != q.answer:
            unsolved.append(f"solve({q.text[:50]!r}) gives {solved!r} but generate() said {q.answer!r}; abr verify "
                            f"re-derives every answer with solve()")
    return [f"{found[0]} ({len(found)} of {drawn} questions)" for found in (unstable, mistyped, unsolved) if found]


def _style_behaviour(style: Any) -> list[str]:
    from abr.rng import Rng

    out = []
    pattern = re.compile(style.pattern) if style.pattern else None
    for i in range(8):
        anchor = style.make(Rng("abr.testing", style.name, i))
        if style.make(Rng("abr.testing", style.name, i)) != anchor:
            return ["make() gives another anchor for the same Rng: draw only from the rng it is given"]
        if pattern is not None and not pattern.fullmatch(anchor):
            out.append(f"anchor {anchor!r} does not match the style's pattern {style.pattern!r}")
        mutated = style.mutate(anchor, Rng("abr.testing", style.name, i, "mutate"))
        if pattern is not None and not pattern.fullmatch(mutated):
            out.append(f"mutate({anchor!r}) gives {mutated!r}, which does not match the style's pattern")
        pair = style.render_pair(anchor, "What is 1 + 1?")
        if pair.count(anchor) != 1 or pair.count("What is 1 + 1?") != 1:
            out.append(f"render_pair() must contain the anchor and the question once each, got {pair!r}")
        if out:
            break
    return out


def _haystack_behaviour(source: Any) -> list[str]:
    from abr.rng import Rng

    genres = list(source.genres())
    if not genres:
        return ["genres() is empty"]
    out = []
    for genre in genres[:3]:
        if source.pool_size(genre) < 1:
            out.append(f"pool_size({genre!r}) must be at least 1")
            continue
        first = source.passage(genre, 0)
        if source.passage(genre, 0) != first or not first.sentences:
            out.append(f"passage({genre!r}, 0) must be the same non-empty passage on every call")
        if source.title(genre, Rng("abr.testing", genre)) != source.title(genre, Rng("abr.testing", genre)):
            out.append(f"title({genre!r}, rng) gives another title for the same Rng")
    return out


def _command_behaviour(command: Any) -> list[str]:
    import argparse

    command.configure(argparse.ArgumentParser(prog=f"abr {command.name}"))
    return []


_BEHAVIOUR: dict[str, Callable[[Any], list[str]]] = {
    "skill": _skill_behaviour,
    "interference_pattern": _knob_table_problems,
    "question_bank": _bank_behaviour,
    "anchor_style": _style_behaviour,
    "haystack_source": _haystack_behaviour,
    "command": _command_behaviour,
}


def compatibility_problem(dist: str) -> str:
    """What is wrong with distribution ``dist``'s ``Requires-Dist: abr ...`` for the installed abr, or ``""``."""
    from abr import __version__
    from abr.scaffold import abr_requirement

    try:
        from packaging.requirements import InvalidRequirement, Requirement
        from packaging.utils import canonicalize_name
    except ImportError:
        return ""  # without `packaging` the specifier cannot be read; `abr plugins doctor` says so
    try:
        requires = metadata.distribution(dist).requires or []
    except metadata.PackageNotFoundError:
        return ""
    found = []
    for text in requires:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if canonicalize_name(req.name) != "abr":
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        found.append(req)
    if not found:
        return (f"{dist} declares no dependency on abr, so nothing tells pip which abr releases it works with; "
                f"add dependencies = [\"{abr_requirement(__version__)}\"] to its pyproject.toml")
    for req in found:
        if not req.specifier.contains(__version__, prereleases=True):
            return (f"{dist} requires abr{req.specifier} but abr {__version__} is installed; install a release of "
                    f"{dist} made for abr {__version__}, or an abr that matches {req.specifier}")
    return ""


# ---------------------------------------------------------------------------------------------------------
# The conformance check


def check_plugin(name: str, *, n: int = 6, length: str = "1k", seed: int = 0, timeout: float = 600.0) -> Conformance:
    """Every conformance problem of the installed plugin ``name`` (its entry-point name), all at once.

    ``n`` samples at ``length`` tokens are made per skill the plugin registers; interference patterns no
    skill of the plugin uses by default, and the plugin's first question bank and anchor style, are
    exercised through ``abr/niah``.
    """
    from abr.host import Host, entry_point_candidates

    problems: list[str] = []
    checked: list[str] = []
    candidates = [c for c in entry_point_candidates() if c.name == name]
    if not candidates:
        return Conformance(name, (f"loads: no entry point named '{name}' in group 'abr' is installed: declare "
                                  f"[project.entry-points.abr] {name} = \"your_module\" in pyproject.toml and "
                                  f"pip install the package",), ())
    if len({c.dist for c in candidates}) > 1:
        dists = " and ".join(sorted({c.dist for c in candidates}))
        return Conformance(name, (f"loads: the name '{name}' is claimed by {dists}; uninstall one",), ())
    host = Host(candidates[:1], env={})
    report = host.report(name)
    problems += [f"loads: {p}" for p in report.problems]
    if report.status == "error":
        return Conformance(name, tuple(problems), ())
    entries = [e for e in host.registry if e.plugin == name]
    if not entries:
        problems.append("loads: the plugin registers no component: implement a hook (see docs/plugins.md#hooks)")
        return Conformance(name, tuple(problems), ())
    checked.append(f"loaded {len(entries)} components through entry point '{name}' ({report.dist} {report.version})")
    compat = compatibility_problem(report.dist)
    if compat:
        problems.append(f"compatibility: {compat}")
    for entry in entries:
        problems += [f"valid: {p}" for p in (*reference_problems(entry, host.registry), *behaviour_problems(entry))]
    builtin_skills = [e.qualified for e in host.registry.entries("skill") if e.plugin == "abr"]
    recipe_table = _recipe_table(host, entries, n, length, seed)
    with tempfile.TemporaryDirectory(prefix="abr-testing-") as tmp:
        work = Path(tmp)
        builtin_args = [a for s in builtin_skills for a in ("--skill", s)]
        builtin_args += ["-n", str(2 * len(builtin_skills)), "--length", length, "--depth", "0.1,0.9",
                         "--seed", str(seed)]
        without = _start_generate(work, "without", builtin_args, {"ABR_DISABLE_PLUGINS": name})
        with_plugin = _start_generate(work, "with", builtin_args, {})
        runs = [without, with_plugin]
        try:
            if recipe_table is None:
                checked.append("no skill, pattern, bank or anchor style to generate with")
            else:
                (work / "recipe.toml").write_text(_toml(recipe_table), encoding="utf-8")
                fresh = _start_generate(work, "fresh", ["--config", str(work / "recipe.toml"), "--workers", "2"],
                                        {"ABR_PLUGINS": name, "PYTHONHASHSEED": _other_hash_seed()})
                runs.append(fresh)
                lines, made = _generate_here(host, work / "recipe.toml")
                problems += made + _verify(host, lines)
                checked.append(f"generated and verified {len(lines)} samples ({', '.join(recipe_table['skills'])})")
                problems += _same_bytes(fresh, timeout, lines)
                checked.append("same bytes in a fresh process with another PYTHONHASHSEED and two workers")
            problems += _builtins_unchanged(without, with_plugin, timeout, name)
            checked.append(f"built-in output unchanged with the plugin installed ({len(builtin_skills)} skills)")
        finally:
            for run in runs:  # an error above must not leave generators writing into a deleted folder
                if run.proc.poll() is None:
                    run.proc.kill()
                    run.proc.communicate()
    return Conformance(name, tuple(problems), tuple(checked))


def assert_conformant(name: str, **options: Any) -> Conformance:
    """:func:`check_plugin`, failing the calling test with every problem listed when there is any."""
    result = check_plugin(name, **options)
    if not result.ok:
        if _HAVE_PYTEST:
            pytest.fail(result.summary(), pytrace=False)
        raise AssertionError(result.summary())
    return result


def _recipe_table(host: Host, entries: Sequence[Entry], n: int, length: str, seed: int) -> dict[str, Any] | None:
    """A recipe (as TOML data) with each of the plugin's skills, and ``abr/niah`` carrying the rest."""
    skills = {e.qualified: {"weight": 1} for e in entries if e.kind == "skill"}
    used = {host.registry.entry("interference_pattern", p).qualified
            for e in entries if e.kind == "skill" for p in _resolvable(host, e.obj.default_interference)}
    carrier: dict[str, Any] = {}
    patterns = [e.qualified for e in entries if e.kind == "interference_pattern" and e.qualified not in used]
    if patterns:
        carrier["interference"] = patterns
    for kind, key in (("question_bank", "question_bank"), ("anchor_style", "anchor_style")):
        first = next((e for e in entries if e.kind == kind and _usable(e)), None)
        if first is not None:
            carrier[key] = first.qualified
    if carrier:
        skills["abr/niah"] = {"weight": 1, **carrier}
    if not skills:
        return None
    return {"n": n * len(skills), "seed": seed, "lengths": [length], "depths": [0.1, 0.5, 0.9], "skills": skills}


def _resolvable(host: Host, names: Sequence[str]) -> Iterator[str]:
    from abr.errors import AbrError

    for p in names:
        try:
            host.registry.entry("interference_pattern", p)
        except AbrError:
            continue
        yield p


def _usable(entry: Entry) -> bool:
    """Whether a bank or style works without an argument (those that need one raise AbrError)."""
    from abr.errors import AbrError
    from abr.rng import Rng

    try:
        if entry.kind == "question_bank":
            entry.obj.generate(Rng("abr.testing", "usable"), 0.5)
        else:
            entry.obj.make(Rng("abr.testing", "usable"))
    except AbrError:
        return False
    except Exception:
        return True  # reported by behaviour_problems; generation will show it in context too
    return True


def _toml(table: Mapping[str, Any]) -> str:
    """The recipe's TOML text (strings, numbers, lists and one level of skill tables are all it holds)."""
    out = [f"{k} = {json.dumps(v)}" for k, v in table.items() if k != "skills"]
    for skill, options in table["skills"].items():
        out.append(f"\n[skills.{json.dumps(skill)}]")
        out += [f"{k} = {json.dumps(v)}" for k, v in options.items()]
    return "\n".join(out) + "\n"


def _generate_here(host: Host, recipe_path: Path) -> tuple[list[str], list[str]]:
    """The recipe's lines made in this process with the isolated host, and what went wrong making them."""
    from abr.errors import AbrError
    from abr.generate import Engine
    from abr.recipe import load_recipe_file

    recipe = load_recipe_file(recipe_path)
    try:
        engine = Engine(recipe, host=host)
    except AbrError as exc:
        return [], [f"generate: the recipe is refused: {exc}"]
    lines: list[str] = []
    failed: dict[str, list[str]] = {}
    total: dict[str, int] = {}
    for i in range(recipe.n):
        skill = engine.plan.spec(i).plan.skill.qualified
        total[skill] = total.get(skill, 0) + 1
        try:
            lines.append(engine.line(i))
        except AbrError as exc:
            failed.setdefault(skill, []).append(f"sample {i}: {exc}")
        except Exception as exc:
            failed.setdefault(skill, []).append(f"sample {i} raised {_short(exc)}")
    return lines, [f"generate: {skill}: {len(bad)} of {total[skill]} samples fail; {bad[0]}"
                   for skill, bad in failed.items()]


def _verify(host: Host, lines: Sequence[str]) -> list[str]:
    """One line per skill whose samples fail ``abr verify``: how many, and the first one's problems."""
    from abr.verify import Verifier

    verifier = Verifier(host)
    failed: dict[str, list[tuple[int, list[str]]]] = {}
    total: dict[str, int] = {}
    for line in lines:
        record = json.loads(line)
        total[record["skill"]] = total.get(record["skill"], 0) + 1
        found = verifier.check(record)
        if found:
            failed.setdefault(record["skill"], []).append((record["index"], found))
    return [f"verify: {skill}: {len(bad)} of {total[skill]} samples fail abr verify; sample {bad[0][0]}: "
            f"{'; '.join(bad[0][1])}" for skill, bad in failed.items()]


@attrs.frozen
class _Run:
    """A running ``abr generate`` and the file it writes."""

    proc: subprocess.Popen[str]
    out: Path


def _start_generate(work: Path, label: str, args: list[str], env: Mapping[str, str]) -> _Run:
    """``abr generate`` in a fresh interpreter (abr's own ABR_* settings cleared, then ``env`` applied)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("ABR_")}
    full.update(env)
    out = work / f"{label}.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "abr.cli", "generate", "-q", "-o", str(out), *args], env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work)
    return _Run(proc, out)


def _finish(run: _Run, timeout: float) -> tuple[list[str] | None, str]:
    """The lines a generate subprocess wrote, or None and why it failed."""
    try:
        _, err = run.proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.proc.kill()
        run.proc.communicate()
        return None, f"did not finish within {timeout:.0f} s"
    if run.proc.returncode != 0:
        last = err.strip().splitlines()[-1] if err.strip() else f"exit status {run.proc.returncode}"
        return None, last
    return run.out.read_text(encoding="utf-8").splitlines(), ""


def _same_bytes(run: _Run, timeout: float, expected: Sequence[str]) -> list[str]:
    got, why = _finish(run, timeout)
    if got is None:
        return [f"determinism: generating in a fresh process failed: {why}"]
    if not expected:
        return []
    return [f"determinism: the same recipe and seed give other bytes in a fresh process (another PYTHONHASHSEED, "
            f"--workers 2): {d}; draw only from ctx.rng and its children — never the random module, hash(), set "
            f"order, the clock or global state" for d in _differences(list(expected), got)]


def _builtins_unchanged(without: _Run, with_plugin: _Run, timeout: float, name: str) -> list[str]:
    base, why = _finish(without, timeout)
    got, why_with = _finish(with_plugin, timeout)
    if base is None:
        return [f"builtins: generating built-in skills with ABR_DISABLE_PLUGINS={name} failed: {why}"]
    if got is None:
        return [f"builtins: generating built-in skills with the plugin installed failed: {why_with}"]
    return [f"builtins: installing the plugin changes the output of built-in skills: {d}; a plugin must only add "
            f"components — never change abr's modules, its built-ins or global state at import or in a hook"
            for d in _differences(base, got)]


def _differences(a: list[str], b: list[str]) -> list[str]:
    """Which samples differ, and in which fields the first of them does (one line, or none)."""
    if len(a) != len(b):
        return [f"{len(a)} samples against {len(b)}"]
    differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if not differ:
        return []
    rx, ry = json.loads(a[differ[0]]), json.loads(b[differ[0]])
    fields = [k for k in dict.fromkeys([*rx, *ry]) if rx.get(k) != ry.get(k)]
    shown = ", ".join(map(str, differ[:8])) + (" ..." if len(differ) > 8 else "")
    return [f"sample {differ[0]} ({rx.get('skill', '?')}) differs in {', '.join(fields) or 'key order'} "
            f"({len(differ)} of {len(a)} samples differ: {shown})"]


def _other_hash_seed() -> str:
    return "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"


def _label(entry: Entry) -> str:
    from abr.registry import KIND_LABELS

    return KIND_LABELS[entry.kind]


def _short(exc: BaseException) -> str:
    from abr.host import _short_exc

    return _short_exc(exc)
