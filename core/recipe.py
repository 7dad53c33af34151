"""Recipes: what to generate — skills with weights and knob sweeps, lengths, depths, seed, tokenizer.

A recipe comes from a TOML file (``--config``), a registered suite (``--suite``), CLI flags, or all three
(flags override the file). Every key is checked; an unknown key is an error that lists the known ones.

.. code-block:: toml

    n = 200
    seed = 7
    lengths = ["8k", "32k"]
    depths = [0.1, 0.5, 0.9]        # or "uniform"
    tokenizer = "default"

    [skills.niah]
    weight = 1
    variant = "distributed"
    pairs = [2, 4, 8]               # a list sweeps the knob
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from abr.errors import AbrError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOP_KEYS = ("n", "seed", "lengths", "length", "depths", "depth", "tokenizer", "chat_template",
            "instruction_position", "system_prompt", "haystack", "anchor_style", "question_bank", "interference",
            "format", "knobs", "skills")
SKILL_KEYS = ("weight", "anchor_style", "question_bank", "interference")
INSTRUCTION_POSITIONS = ("end", "start")
FORMATS = ("jsonl", "parquet")
MAX_LENGTH = 4 * 1024 * 1024
_LENGTH = re.compile(r"^(\d+(?:\.\d+)?)([kKmM]?)$")
_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?))?\s*$")
MAX_RANGE = 10_000


def parse_length(value: Any) -> int:
    """``8k`` → 8192, ``128K`` → 131072, ``1m`` → 1048576, ``5000`` → 5000."""
    text = str(value).strip().replace("_", "")
    m = _LENGTH.match(text)
    if not m:
        raise AbrError(f"invalid length {value!r}: use a token count such as 8k, 32k, 128k or 5000")
    number, unit = float(m.group(1)), m.group(2).lower()
    tokens = int(number * {"": 1, "k": 1024, "m": 1024 * 1024}[unit])
    if not 64 <= tokens <= MAX_LENGTH:
        raise AbrError(f"length {value!r} is out of range: use 64 to {MAX_LENGTH} tokens")
    return tokens


def expand_range(value: Any, kind: str, where: str) -> tuple[int | float, ...] | None:
    """The values a knob range sweeps, or None when ``value`` is not a range.

    A range is ``"LOW..HIGH"`` or ``"LOW..HIGH:STEP"`` (command line and TOML), or a TOML table
    ``{low = 2, high = 16, step = 2}``; both ends are included. Integer knobs step by 1 unless told;
    number knobs need a step.
    """
    if isinstance(value, str):
        m = _RANGE.match(value)
        if not m:
            return None
        low, high, step = m.group(1), m.group(2), m.group(3)
    elif isinstance(value, Mapping) and set(value) <= {"low", "high", "step"} and {"low", "high"} <= set(value):
        low, high, step = value["low"], value["high"], value.get("step")
    else:
        return None
    try:
        lo, hi = float(low), float(high)
        st = float(step) if step is not None else (1.0 if kind == "int" else None)
    except (TypeError, ValueError):
        raise AbrError(f"{where}: range {value!r} needs numbers: LOW..HIGH[:STEP]") from None
    if st is None:
        raise AbrError(f"{where}: a range of a number knob needs a step, e.g. {low}..{high}:0.1")
    if st <= 0 or hi < lo:
        raise AbrError(f"{where}: range {value!r} must have LOW <= HIGH and a positive step")
    count = int((hi - lo) / st + 1e-9) + 1
    if count > MAX_RANGE:
        raise AbrError(f"{where}: range {value!r} has {count} values; at most {MAX_RANGE} (raise the step)")
    if kind == "int":
        if not all(float(x).is_integer() for x in (lo, hi, st)):
            raise AbrError(f"{where}: an integer knob's range needs integer ends and step, got {value!r}")
        return tuple(int(lo) + i * int(st) for i in range(count))
    return tuple(round(lo + i * st, 10) for i in range(count))


def parse_depths(value: Any) -> tuple[float, ...] | str:
    """A depth, a comma list, a list, or ``uniform``; each in [0, 1]."""
    if isinstance(value, str) and value.strip().lower() == "uniform":
        return "uniform"
    items: Sequence[Any]
    if isinstance(value, str):
        items = [x for x in value.split(",") if x.strip()]
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        items = [value]
    out = []
    for x in items:
        try:
            d = float(x)
        except (TypeError, ValueError):
            raise AbrError(f"invalid depth {x!r}: use numbers in [0, 1], a comma list, or 'uniform'") from None
        if not 0.0 <= d <= 1.0:
            raise AbrError(f"depth {x!r} is out of range: use numbers in [0, 1] (0 = start, 1 = end)")
        out.append(d)
    if not out:
        raise AbrError("no depth given: use numbers in [0, 1], a comma list, or 'uniform'")
    return tuple(out)


@attrs.frozen
class SkillEntry:
    """One skill of a recipe: its name (as given), weight, knob values or sweeps, and overrides."""

    name: str
    weight: float = 1.0
    knobs: Mapping[str, Any] = attrs.field(factory=dict)
    anchor_style: str | None = None
    question_bank: str | None = None
    interference: tuple[str, ...] = ()


@attrs.frozen
class Recipe:
    skills: tuple[SkillEntry, ...] = (SkillEntry("niah"),)
    n: int = 100
    seed: int = 0
    lengths: tuple[int, ...] = (8192,)
    depths: tuple[float, ...] | str = (0.5,)
    tokenizer: str = "default"
    chat_template: bool = False
    instruction_position: str = "end"
    system_prompt: str | None = None
    haystack: str = "procedural"
    anchor_style: str | None = None
    question_bank: str | None = None
    interference: tuple[str, ...] = ()
    format: str = "jsonl"
    #: knob values for every skill that has the knob (a skill's own table wins)
    knobs: Mapping[str, Any] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The recipe as stored in manifests (enough to regenerate the same bytes)."""
        return {
            "n": self.n, "seed": self.seed, "lengths": list(self.lengths),
            "depths": self.depths if isinstance(self.depths, str) else list(self.depths),
            "tokenizer": self.tokenizer, "chat_template": self.chat_template,
            "instruction_position": self.instruction_position, "system_prompt": self.system_prompt,
            "haystack": self.haystack, "anchor_style": self.anchor_style, "question_bank": self.question_bank,
            "interference": list(self.interference), "format": self.format,
            "knobs": {k: _plain(v) for k, v in self.knobs.items()},
            "skills": {s.name: {"weight": s.weight, **{k: _plain(v) for k, v in s.knobs.items()},
                                **({"anchor_style": s.anchor_style} if s.anchor_style else {}),
                                **({"question_bank": s.question_bank} if s.question_bank else {}),
                                **({"interference": list(s.interference)} if s.interference else {})}
                       for s in self.skills},
        }


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def _int(value: Any, key: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise AbrError(f"'{key}' must be an integer in [{low}, {high}], got {value!r}")
    try:
        out = int(str(value).replace("_", ""))
    except ValueError:
        raise AbrError(f"'{key}' must be an integer in [{low}, {high}], got {value!r}") from None
    if not low <= out <= high:
        raise AbrError(f"'{key}' must be an integer in [{low}, {high}], got {value!r}")
    return out


def _names(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(x.strip() for x in value.split(",") if x.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
        return tuple(value)
    raise AbrError(f"'{key}' must be a name or a list of names, got {value!r}")


def _lengths(value: Any) -> tuple[int, ...]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    out = tuple(parse_length(x) for x in items if str(x).strip())
    if not out:
        raise AbrError("no length given: use e.g. --length 8k")
    return out


def _skill_entry(name: str, table: Any, where: str) -> SkillEntry:
    if not isinstance(table, Mapping):
        raise AbrError(f"{where}: [skills.{name}] must be a table of knobs, got {table!r}")
    knobs = {k: v for k, v in table.items() if k not in SKILL_KEYS}
    weight = table.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        raise AbrError(f"{where}: weight of skill '{name}' must be a positive number, got {weight!r}")
    return SkillEntry(
        name=name, weight=float(weight),
        knobs={k: tuple(v) if isinstance(v, list) else v for k, v in knobs.items()},
        anchor_style=table.get("anchor_style"), question_bank=table.get("question_bank"),
        interference=_names(table.get("interference", ()), f"skills.{name}.interference"),
    )


def recipe_from_mapping(data: Mapping[str, Any], where: str, base: Recipe | None = None) -> Recipe:
    """A recipe from a TOML-shaped mapping; keys override ``base``."""
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise AbrError(f"{where}: unknown key '{unknown[0]}'; known keys: {', '.join(TOP_KEYS)}")
    r = base or Recipe()
    changes: dict[str, Any] = {}
    if "n" in data:
        changes["n"] = _int(data["n"], "n", 1, 100_000_000)
    if "seed" in data:
        changes["seed"] = _int(data["seed"], "seed", 0, 2**63 - 1)
    for key in ("lengths", "length"):
        if key in data:
            changes["lengths"] = _lengths(data[key])
    for key in ("depths", "depth"):
        if key in data:
            changes["depths"] = parse_depths(data[key])
    for key in ("tokenizer", "haystack", "anchor_style", "question_bank", "system_prompt"):
        if key in data:
            if not isinstance(data[key], str):
                raise AbrError(f"{where}: '{key}' must be a string, got {data[key]!r}")
            changes[key] = data[key]
    if "chat_template" in data:
        if not isinstance(data["chat_template"], bool):
            raise AbrError(f"{where}: 'chat_template' must be true or false")
        changes["chat_template"] = data["chat_template"]
    if "instruction_position" in data:
        pos = data["instruction_position"]
        if pos not in INSTRUCTION_POSITIONS:
            raise AbrError(f"{where}: 'instruction_position' must be one of {', '.join(INSTRUCTION_POSITIONS)}")
        changes["instruction_position"] = pos
    if "format" in data:
        if data["format"] not in FORMATS:
            raise AbrError(f"{where}: 'format' must be one of {', '.join(FORMATS)}, got {data['format']!r}")
        changes["format"] = data["format"]
    if "interference" in data:
        changes["interference"] = _names(data["interference"], "interference")
    if "knobs" in data:
        if not isinstance(data["knobs"], Mapping):
            raise AbrError(f"{where}: 'knobs' must be a table of knob = value")
        changes["knobs"] = {k: tuple(v) if isinstance(v, list) else v for k, v in data["knobs"].items()}
    if "skills" in data:
        skills = data["skills"]
        if isinstance(skills, (list, tuple)):
            skills = {s: {} for s in _names(skills, "skills")}
        if not isinstance(skills, Mapping) or not skills:
            raise AbrError(f"{where}: 'skills' must be a non-empty table such as [skills.niah]")
        changes["skills"] = tuple(_skill_entry(name, table, where) for name, table in skills.items())
    return attrs.evolve(r, **changes)


def load_recipe_file(path: str | Path) -> Recipe:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise AbrError(f"cannot read config '{path}': {exc.strerror}; check the path") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AbrError(f"config '{path}' is not valid TOML: {exc}") from None
    return recipe_from_mapping(data, f"config '{path}'")
