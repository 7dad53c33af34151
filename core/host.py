"""The plugin host: discovers plugins, calls each hook implementation on its own, and keeps going.

A plugin that fails to import, raises in a hook, registers a malformed object, or collides with another
distribution's name is reported (``abr plugins``) and skipped as a whole: nothing it registered is kept.
An unknown hook name or an unmarked ``register_*`` function is a warning. ``ABR_PLUGINS`` (allow list)
and ``ABR_DISABLE_PLUGINS`` act before anything is imported; ``ABR_STRICT_PLUGINS=1`` makes any problem
fatal.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from typing import Any

import attrs
import pluggy
from abr import hookspecs
from abr.components import KINDS, AnchorStyle, AnswerChecker, Component, Skill
from abr.errors import PluginError
from abr.knobs import Knob
from abr.registry import BUILTIN, Entry, Registry

GROUP = "abr"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
STATUSES = ("ok", "warning", "disabled", "conflict", "error")


@attrs.frozen
class PluginReport:
    """One row of ``abr plugins``."""

    name: str
    dist: str
    version: str
    status: str
    provides: tuple[str, ...] = ()
    import_ms: float = 0.0
    problems: tuple[str, ...] = ()

    @property
    def problem(self) -> str:
        return "; ".join(self.problems)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "dist": self.dist, "version": self.version, "status": self.status,
                "provides": list(self.provides), "import_ms": round(self.import_ms, 1),
                "problem": self.problem}


@attrs.frozen
class Candidate:
    """A plugin to load: its name, distribution, and how to import it."""

    name: str
    dist: str
    version: str
    load: Callable[[], Any]


def _env_list(env: Mapping[str, str], key: str) -> set[str] | None:
    raw = env.get(key)
    if raw is None:
        return None
    return {x.strip() for x in raw.split(",") if x.strip()}


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _short_exc(exc: BaseException) -> str:
    """``ExcType: message (file:line)`` — enough to find the bug, on one line."""
    where = ""
    tb = traceback.extract_tb(exc.__traceback__)
    if tb:
        frame = tb[-1]
        where = f" ({os.path.basename(frame.filename)}:{frame.lineno})"
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}{where}" if message else f"{type(exc).__name__}{where}"


def entry_point_candidates() -> list[Candidate]:
    """Every entry point in the ``abr`` group, as candidates (nothing is imported here)."""
    out = []
    for ep in metadata.entry_points(group=GROUP):
        dist = getattr(ep, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else "?"
        dist_version = dist.version if dist is not None else "?"
        out.append(Candidate(ep.name, dist_name, dist_version, ep.load))
    return sorted(out, key=lambda c: (c.name, c.dist))


def builtin_candidate() -> Candidate:
    from abr import __version__

    return Candidate(BUILTIN, "abr", __version__, lambda: importlib.import_module("abr.plugins.builtin"))


class Host:
    """Loads plugins into a pluggy manager and a :class:`Registry`; never lets one plugin break another."""

    def __init__(self, candidates: Iterable[Candidate] | None = None, env: Mapping[str, str] | None = None,
                 builtin: bool = True) -> None:
        self.env = dict(os.environ if env is None else env)
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.registry = Registry()
        self.reports: list[PluginReport] = []
        found = list(entry_point_candidates() if candidates is None else candidates)
        if builtin:
            self._load(builtin_candidate())
        self._load_all(found)
        if _truthy(self.env.get("ABR_STRICT_PLUGINS")):
            bad = [r for r in self.reports if r.status in ("warning", "error", "conflict")]
            if bad:
                first = bad[0]
                more = f" (and {len(bad) - 1} more, see `abr plugins`)" if len(bad) > 1 else ""
                raise PluginError(
                    f"plugin '{first.name}' ({first.dist}) is {first.status}: {first.problem}{more}; "
                    f"ABR_STRICT_PLUGINS=1 makes plugin problems fatal — fix or uninstall it"
                )

    # -- discovery ----------------------------------------------------------------------------------------
    def _load_all(self, found: list[Candidate]) -> None:
        allow = _env_list(self.env, "ABR_PLUGINS")
        deny = _env_list(self.env, "ABR_DISABLE_PLUGINS") or set()
        by_name: dict[str, list[Candidate]] = {}
        for cand in found:
            by_name.setdefault(cand.name, [])
            if all(c.dist != cand.dist for c in by_name[cand.name]):
                by_name[cand.name].append(cand)
        for name, cands in by_name.items():
            first = cands[0]
            if name == BUILTIN:
                for c in cands:
                    if c.dist != "abr":
                        self._report(c, "error", problems=(f"the plugin name '{BUILTIN}' is reserved for "
                                                           f"abr's built-ins; rename the entry point",))
                continue
            if not NAME_RE.match(name):
                for c in cands:
                    self._report(c, "error", problems=(f"invalid plugin name {name!r}: use lowercase letters, "
                                                       f"digits, '-', '_' or '.'",))
                continue
            if len(cands) > 1:
                claim = " and ".join(f"{c.dist} {c.version}" for c in sorted(cands, key=lambda c: c.dist))
                for c in cands:
                    self._report(c, "conflict", problems=(f"the name '{name}' is claimed by {claim}; "
                                                          f"uninstall one of them",))
                continue
            if name in deny:
                self._report(first, "disabled", problems=("disabled by ABR_DISABLE_PLUGINS",))
                continue
            if allow is not None and name not in allow:
                self._report(first, "disabled", problems=("not listed in ABR_PLUGINS",))
                continue
            self._load(first)

    def _report(self, cand: Candidate, status: str, provides: tuple[str, ...] = (), import_ms: float = 0.0,
                problems: tuple[str, ...] = ()) -> None:
        self.reports.append(PluginReport(cand.name, cand.dist, cand.version, status, provides, import_ms,
                                         problems))

    # -- loading one plugin -------------------------------------------------------------------------------
    def _load(self, cand: Candidate) -> None:
        started = time.perf_counter()
        try:
            plugin = cand.load()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            ms = (time.perf_counter() - started) * 1000
            self._report(cand, "error", import_ms=ms, problems=(f"import failed: {_short_exc(exc)}",))
            return
        ms = (time.perf_counter() - started) * 1000
        warnings = _hook_name_warnings(plugin)
        try:
            self.pm.register(plugin, name=cand.name)
        except Exception as exc:
            self._report(cand, "error", import_ms=ms, problems=(f"invalid hook: {_short_exc(exc)}",))
            return
        staged: list[Entry] = []
        problems: list[str] = []
        for hook_name, kind in hookspecs.HOOKS.items():
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                if impl.plugin_name != cand.name:
                    continue
                register = self._bound_register(cand, kind, hook_name, staged, problems)
                kwargs = {"register": register}
                try:
                    impl.function(*[kwargs[a] for a in impl.argnames])
                except BaseException as exc:
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    problems.append(f"{hook_name} raised {_short_exc(exc)}")
        if problems:
            self.pm.unregister(name=cand.name)
            self._report(cand, "error", import_ms=ms, problems=tuple(problems + warnings))
            return
        for entry in staged:
            self.registry.add(entry)
        status = "warning" if warnings else "ok"
        self._report(cand, status, tuple(e.qualified for e in staged), ms, tuple(warnings))

    def _bound_register(self, cand: Candidate, kind: str, hook_name: str, staged: list[Entry],
                        problems: list[str]) -> Callable[[Any], None]:
        def register(obj: Any) -> None:
            problem = validate_component(obj, kind)
            if problem:
                problems.append(f"{hook_name}: {problem}")
                return
            qualified = f"{cand.name}/{obj.name}"
            if any(e.qualified == qualified and e.kind == kind for e in staged):
                problems.append(f"{hook_name}: '{qualified}' registered twice")
                return
            staged.append(Entry(qualified, kind, cand.name, cand.dist, cand.version, obj))

        return register

    # -- queries ------------------------------------------------------------------------------------------
    def report(self, name: str) -> PluginReport:
        for r in self.reports:
            if r.name == name:
                return r
        raise KeyError(name)


def validate_component(obj: Any, kind: str) -> str:
    """An empty string for a well-formed component of ``kind``, else what is wrong with it."""
    base = KINDS[kind]
    shown = type(obj).__name__
    if not isinstance(obj, base):
        return f"{shown} is not an abr.components.{base.__name__} (register an instance of a subclass)"
    assert isinstance(obj, Component)
    name = getattr(obj, "name", None)
    if not isinstance(name, str) or not NAME_RE.match(name):
        return f"{shown} has invalid name {name!r}: use lowercase letters, digits, '-', '_' or '.'"
    version = getattr(obj, "version", None)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return f"{name}: version must be an integer >= 1, got {version!r}"
    description = getattr(obj, "description", None)
    if not isinstance(description, str) or not description.strip():
        return f"{name}: description must be a non-empty string"
    if isinstance(obj, Skill):
        knobs = getattr(obj, "knobs", ())
        if not isinstance(knobs, tuple) or not all(isinstance(k, Knob) for k in knobs):
            return f"{name}: knobs must be a tuple of abr.knobs.Knob"
        for k in knobs:
            try:
                k.coerce(k.default, name)
            except Exception as exc:
                return f"{name}: default of knob '{k.name}' is invalid: {exc}"
    if isinstance(obj, AnchorStyle):
        try:
            re.compile(obj.pattern or ".")
        except re.error as exc:
            return f"{name}: pattern does not compile: {exc}"
    if isinstance(obj, AnswerChecker) and not obj.answer_types:
        return f"{name}: answer_types must list the answer types it judges"
    usage = getattr(obj, "usage", "")
    if kind == "model_backend" and not (isinstance(usage, str) and usage.strip()):
        return f"{name}: usage must describe the spec argument, e.g. 'MODEL@BASE_URL'"
    return ""


def _hook_name_warnings(plugin: Any) -> list[str]:
    """Marked functions whose name is no hook, and unmarked ones that look like a hook."""
    out = []
    marker = f"{hookspecs.PROJECT}_impl"
    known = list(hookspecs.HOOKS)
    for attr in sorted(dir(plugin)):
        try:
            value = getattr(plugin, attr)
        except Exception:
            continue
        if not callable(value):
            continue
        marked = hasattr(value, marker)
        if marked and attr not in hookspecs.HOOKS:
            close = difflib.get_close_matches(attr, known, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; hooks are: {', '.join(known)}"
            out.append(f"unknown hook '{attr}'{hint}")
        elif not marked and attr in hookspecs.HOOKS:
            out.append(f"'{attr}' is not marked with @abr.hookimpl and is ignored")
    return out


_HOST: Host | None = None


def get_host() -> Host:
    """The process's plugin host, created on first use (the one piece of module-level state in abr)."""
    global _HOST
    if _HOST is None:
        _HOST = Host()
    return _HOST


def reset_host() -> None:
    """Forget the process's host (tests that install plugins at run time)."""
    global _HOST
    _HOST = None
