"""Knobs: the named, typed, range-checked difficulty controls a skill exposes.

A knob validates a value and explains itself in ``abr list-skills``; every out-of-range value becomes a
one-line error naming the knob, its skill, the allowed range and the value given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs
from abr.errors import AbrError

KNOB_KINDS = ("int", "float", "choice", "bool", "band", "str")


def _check_kind(instance: Knob, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in KNOB_KINDS:
        raise ValueError(f"knob kind must be one of {KNOB_KINDS}, got {value!r}")


@attrs.frozen
class Knob:
    """One control of a skill. ``low``/``high`` bound numbers (inclusive); ``choices`` bound choices."""

    name: str
    kind: str = attrs.field(validator=_check_kind)
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "default": _jsonable(self.default)}
        if self.low is not None or self.high is not None:
            out["range"] = [self.low, self.high]
        if self.choices:
            out["choices"] = list(self.choices)
        out["help"] = self.help
        return out

    def range_text(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "band":
            return f"two numbers lo-hi within [{self.low}, {self.high}]"
        if self.kind in ("int", "float"):
            return f"{'an integer' if self.kind == 'int' else 'a number'} in [{self.low}, {self.high}]"
        return "a string"

    def _fail(self, owner: str, value: Any) -> AbrError:
        return AbrError(
            f"knob '{self.name}' of {owner} must be {self.range_text()}, got {value!r}; "
            f"fix it with --knob {self.name}=VALUE (see `abr list-skills`)"
        )

    def coerce(self, value: Any, owner: str) -> Any:
        """Turn a CLI string or TOML value into a checked value of this knob's kind."""
        try:
            v = self._convert(value)
        except (TypeError, ValueError):
            raise self._fail(owner, value) from None
        if not self._in_range(v):
            raise self._fail(owner, value)
        return v

    def _convert(self, value: Any) -> Any:
        if self.kind == "int":
            if isinstance(value, bool):
                raise TypeError
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError
                return int(value)
            return int(str(value).strip().replace("_", ""))
        if self.kind == "float":
            if isinstance(value, bool):
                raise TypeError
            v = float(value)
            if not math.isfinite(v):
                raise ValueError
            return v
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in ("1", "true", "yes", "on"):
                return True
            if s in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if self.kind == "band":
            if isinstance(value, str):
                lo_s, sep, hi_s = value.replace(":", "-").partition("-")
                if not sep:
                    raise ValueError
                lo, hi = float(lo_s), float(hi_s)
            else:
                lo, hi = (float(x) for x in value)
            if lo > hi:
                raise ValueError
            return (lo, hi)
        return str(value)

    def _in_range(self, v: Any) -> bool:
        if self.kind == "choice":
            return v in self.choices
        if self.kind == "band":
            lo, hi = v
            return (self.low is None or lo >= self.low) and (self.high is None or hi <= self.high)
        if self.kind in ("int", "float"):
            return (self.low is None or v >= self.low) and (self.high is None or v <= self.high)
        return True


def resolve_knobs(knobs: tuple[Knob, ...], given: Mapping[str, Any], owner: str) -> dict[str, Any]:
    """Defaults overlaid with checked given values; unknown knob names are an error listing the known ones."""
    by_name = {k.name: k for k in knobs}
    for name in given:
        if name not in by_name:
            known = ", ".join(sorted(by_name)) or "none"
            raise AbrError(f"unknown knob '{name}' for {owner}; its knobs are: {known}")
    return {k.name: (k.coerce(given[k.name], owner) if k.name in given else k.default) for k in knobs}


def _jsonable(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v
