"""The registry of components by kind and qualified name, with the bare-name resolution rule.

Names are ``<plugin>/<name>``; built-ins are ``abr/<name>``. A bare name resolves to the built-in, then
to the one plugin that has it, else it is an error listing the candidates.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

import attrs
from abr.errors import AbrError

BUILTIN = "abr"

KIND_LABELS = {
    "haystack_source": "haystack source",
    "anchor_style": "anchor style",
    "question_bank": "question bank",
    "interference_pattern": "interference pattern",
    "answer_checker": "answer checker",
    "skill": "skill",
    "suite": "suite",
    "command": "command",
    "model_backend": "model backend",
}

KIND_FLAGS = {
    "haystack_source": "--haystack",
    "anchor_style": "--anchor-style",
    "question_bank": "--question-bank",
    "interference_pattern": "--interference",
    "answer_checker": "--checker",
    "skill": "--skill",
    "suite": "--suite",
    "command": "abr COMMAND",
    "model_backend": "--model",
}


@attrs.frozen
class Entry:
    """A registered component with where it came from."""

    qualified: str
    kind: str
    plugin: str
    dist: str
    dist_version: str
    obj: Any

    @property
    def bare(self) -> str:
        return self.qualified.split("/", 1)[1]

    @property
    def label(self) -> str:
        """``name@version``, as recorded in every output."""
        return f"{self.qualified}@{self.obj.version}"


class Registry:
    """Components keyed by kind, then qualified name, in registration order."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, Entry]] = {k: {} for k in KIND_LABELS}

    def add(self, entry: Entry) -> None:
        self._by_kind[entry.kind][entry.qualified] = entry

    def entries(self, kind: str) -> list[Entry]:
        return list(self._by_kind[kind].values())

    def __iter__(self) -> Iterator[Entry]:
        for kind in self._by_kind.values():
            yield from kind.values()

    def entry(self, kind: str, name: str) -> Entry:
        """Resolve ``name`` (qualified or bare) to one entry, or raise a one-line error with candidates."""
        table = self._by_kind[kind]
        label = KIND_LABELS[kind]
        if "/" in name:
            if name in table:
                return table[name]
            raise AbrError(f"unknown {label} '{name}'{self._hint(kind, name)}")
        builtin = f"{BUILTIN}/{name}"
        if builtin in table:
            return table[builtin]
        matches = [e for q, e in table.items() if q.split("/", 1)[1] == name]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(e.qualified for e in matches)
            raise AbrError(f"{label} '{name}' is ambiguous: {names}; use the qualified name")
        raise AbrError(f"unknown {label} '{name}'{self._hint(kind, name)}")

    def get(self, kind: str, name: str) -> Any:
        return self.entry(kind, name).obj

    def configured(self, kind: str, spec: str) -> Entry:
        """``NAME`` or ``NAME:ARGUMENT``: the entry, its object bound to the argument through ``configure``.

        The qualified name keeps the argument (``abr/jsonl:data/set.jsonl``), so records name the exact
        component and ``abr verify`` can rebuild it.
        """
        name, sep, argument = spec.partition(":")
        entry = self.entry(kind, name)
        if not sep:
            return entry
        return attrs.evolve(entry, qualified=f"{entry.qualified}:{argument}", obj=entry.obj.configure(argument))

    def _hint(self, kind: str, name: str) -> str:
        table = self._by_kind[kind]
        if not table:
            return f"; no {KIND_LABELS[kind]}s are registered"
        pool = list(table) + [q.split("/", 1)[1] for q in table]
        close = difflib.get_close_matches(name, pool, n=3, cutoff=0.5)
        listing = ", ".join(sorted(table))
        if close:
            return f"; did you mean {' or '.join(repr(c) for c in dict.fromkeys(close))}? known: {listing}"
        return f"; known: {listing} (see `abr list-skills` / `abr plugins`)"
