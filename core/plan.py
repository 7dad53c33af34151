"""Which skill, knobs, length and depth each sample index gets — a pure function of the recipe.

Skills share ``n`` by weight (largest remainder, so proportions are exact) and are interleaved evenly,
so any prefix of a dataset is balanced too. Within a skill, the j-th sample walks the grid of its sweep
axes (lengths, then depths, then every knob given as a list) in mixed radix, so the first
``|grid|`` samples of a skill cover the grid once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
from abr.components import InterferencePattern, Skill
from abr.errors import AbrError
from abr.knobs import Knob
from abr.recipe import Recipe, SkillEntry, expand_range
from abr.registry import Entry, Registry


@attrs.frozen
class SkillPlan:
    """A skill of the recipe, resolved against the registry, with its sweep axes."""

    entry: SkillEntry
    skill: Entry
    anchor_style: Entry
    question_bank: Entry
    patterns: tuple[Entry, ...]
    fixed: Mapping[str, Any]  # knob -> checked value (not swept)
    axes: tuple[tuple[str, tuple[Any, ...]], ...]  # (knob or "length"/"depth", values)


@attrs.frozen
class SampleSpec:
    index: int
    ordinal: int
    plan: SkillPlan
    knobs: Mapping[str, Any]  # skill and pattern knobs ("pattern.knob"), checked
    length: int
    depth: float | None  # None: draw uniformly


def largest_remainder(n: int, weights: Sequence[float]) -> list[int]:
    """Integer shares of n proportional to the weights, summing to n exactly."""
    exact = [Fraction(w) for w in weights]
    total = sum(exact)
    raw = [n * w / total for w in exact]
    counts = [int(x) for x in raw]
    rest = n - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[:rest]:
        counts[i] += 1
    return counts


def interleave(counts: Sequence[int]) -> np.ndarray:
    """Owner index of each position when ``counts[k]`` items of owner k are spread evenly: item j of owner
    k sits at key (j + 0.5) / counts[k]; ties go to the lower owner. Any prefix keeps the proportions."""
    keys = np.concatenate([(np.arange(c) + 0.5) / c for c in counts if c] or [np.zeros(0)])
    owners = np.concatenate([np.full(c, k, dtype=np.int64) for k, c in enumerate(counts) if c]
                            or [np.zeros(0, dtype=np.int64)])
    return owners[np.lexsort((owners, keys))]


def _is_sweep(knob: Knob, value: Any) -> bool:
    if not isinstance(value, (list, tuple)):
        return False
    if knob.kind == "band":
        return bool(value) and all(isinstance(v, (list, tuple, str)) for v in value)
    return True


def _knob_table(skill: Entry, patterns: Sequence[Entry]) -> dict[str, tuple[Knob, str]]:
    """Knob name -> (knob, owner): the skill's own knobs, then ``pattern.knob`` for each pattern."""
    obj: Skill = skill.obj
    table = {k.name: (k, skill.qualified) for k in obj.knobs}
    for p in patterns:
        pattern: InterferencePattern = p.obj
        for k in pattern.knobs:
            table[f"{p.bare}.{k.name}"] = (k, p.qualified)
    return table


def _resolve_skill(recipe: Recipe, entry: SkillEntry, registry: Registry) -> SkillPlan:
    skill_entry = registry.entry("skill", entry.name)
    skill: Skill = skill_entry.obj
    style = registry.configured("anchor_style", entry.anchor_style or recipe.anchor_style or skill.default_anchor_style)
    bank = registry.configured("question_bank", entry.question_bank or recipe.question_bank
                          or skill.default_question_bank)
    names = [*skill.default_interference, *recipe.interference, *entry.interference]
    resolved = [registry.entry("interference_pattern", n) for n in names]
    patterns = tuple({e.qualified: e for e in resolved}.values())  # a pattern named twice applies once
    table = _knob_table(skill_entry, patterns)
    aliases = {f"{p.qualified}.{k.name}": f"{p.bare}.{k.name}" for p in patterns for k in p.obj.knobs}
    given = {aliases.get(name, name): value for name, value in recipe.knobs.items()
             if aliases.get(name, name) in table}
    given.update({aliases.get(name, name): value for name, value in entry.knobs.items()})
    for name in given:
        if name not in table:
            known = ", ".join(sorted(table)) or "none"
            raise AbrError(f"unknown knob '{name}' for {skill_entry.qualified}; its knobs are: {known}")
    fixed: dict[str, Any] = {}
    axes: list[tuple[str, tuple[Any, ...]]] = [("length", recipe.lengths)]
    if not isinstance(recipe.depths, str):
        axes.append(("depth", recipe.depths))
    for key, (knob, owner) in table.items():
        if key in given and knob.kind in ("int", "float"):
            swept = expand_range(given[key], knob.kind, f"knob '{key}' of {owner}")
            given[key] = given[key] if swept is None else swept
        if key not in given:
            fixed[key] = knob.default
        elif _is_sweep(knob, given[key]):
            values = tuple(knob.coerce(v, owner) for v in given[key])
            if not values:
                raise AbrError(f"knob '{key}' of {owner} has an empty sweep list")
            axes.append((key, values))
        else:
            fixed[key] = knob.coerce(given[key], owner)
    return SkillPlan(entry, skill_entry, style, bank, patterns, fixed, tuple(axes))


def _alias_known(name: str, sp: SkillPlan) -> bool:
    return any(name == f"{p.qualified}.{k.name}" for p in sp.patterns for k in p.obj.knobs)


class Plan:
    """Sample index -> :class:`SampleSpec`; validates the whole recipe up front."""

    def __init__(self, recipe: Recipe, registry: Registry) -> None:
        self.recipe = recipe
        self.skills = [_resolve_skill(recipe, e, registry) for e in recipe.skills]
        for name in recipe.knobs:
            if not any(name in sp.fixed or name in dict(sp.axes) or _alias_known(name, sp) for sp in self.skills):
                skill_names = ", ".join(sp.skill.qualified for sp in self.skills)
                raise AbrError(f"unknown knob '{name}': none of the recipe's skills ({skill_names}) has it; "
                               f"see `abr list-skills` for their knobs")
        seen: dict[str, str] = {}
        for sp in self.skills:
            if sp.skill.qualified in seen:
                raise AbrError(f"skill '{sp.skill.qualified}' is listed twice in the recipe "
                               f"(as '{seen[sp.skill.qualified]}' and '{sp.entry.name}'); merge the entries")
            seen[sp.skill.qualified] = sp.entry.name
        self.counts = largest_remainder(recipe.n, [s.entry.weight for s in self.skills])
        self._skill_of = interleave(self.counts)
        ordinal = np.zeros(recipe.n, dtype=np.int64)
        for k in range(len(self.skills)):
            mask = self._skill_of == k
            ordinal[mask] = np.arange(np.count_nonzero(mask))
        self._ordinal = ordinal

    def spec(self, index: int) -> SampleSpec:
        sp = self.skills[int(self._skill_of[index])]
        j = int(self._ordinal[index])
        values: dict[str, Any] = dict(sp.fixed)
        rest = j
        for name, options in sp.axes:
            values[name] = options[rest % len(options)]
            rest //= len(options)
        length = int(values.pop("length"))
        depth = values.pop("depth", None)
        return SampleSpec(index, j, sp, values, length, depth)

    def skill_counts(self) -> dict[str, int]:
        return {sp.skill.qualified: c for sp, c in zip(self.skills, self.counts)}
