"""What the built-in anchor styles share: options parsed from ``--anchor-style NAME:ARG``, length draws and
single-character edits that keep an anchor well-formed in its style.

An argument is ``N``, ``LOW-HIGH`` (a length drawn per anchor) or ``key=value`` pairs separated by commas,
e.g. ``random-id:10``, ``random-id:6-10``, ``bracketed-id:letters=2,digits=4``; a bare value sets the
style's primary option.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from abr.components import AnchorStyle
from abr.errors import AbrError
from abr.rng import Rng

#: an inclusive length range; (8, 8) is a fixed length
Lengths = tuple[int, int]

_VALUE = re.compile(r"^(\d+)(?:-(\d+))?$")


def parse_options(style: str, argument: str, limits: Mapping[str, Lengths], primary: str) -> dict[str, Lengths]:
    """The options an argument sets, each checked against ``limits`` (inclusive bounds)."""
    allowed = ", ".join(f"{k} ({lo}-{hi})" for k, (lo, hi) in limits.items())
    out: dict[str, Lengths] = {}
    for item in (p.strip() for p in argument.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            key, value = primary, item
        key = key.strip()
        if key not in limits:
            raise AbrError(f"anchor style '{style}': unknown option {key!r}; its options are {allowed}")
        m = _VALUE.match(value.strip())
        lo_lim, hi_lim = limits[key]
        if not m:
            raise AbrError(f"anchor style '{style}': {key} must be N or LOW-HIGH within {lo_lim}-{hi_lim}, "
                           f"got {value.strip()!r}")
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if not lo_lim <= lo <= hi <= hi_lim:
            raise AbrError(f"anchor style '{style}': {key} {value.strip()} is outside {lo_lim}-{hi_lim} "
                           f"(or LOW > HIGH)")
        out[key] = (lo, hi)
    return out


def draw(rng: Rng, lengths: Lengths) -> int:
    """A length from an inclusive range; a fixed length draws nothing, so its anchors stay byte-stable."""
    lo, hi = lengths
    return lo if lo == hi else rng.integers(lo, hi)


def describe(lengths: Lengths) -> str:
    lo, hi = lengths
    return str(lo) if lo == hi else f"{lo}-{hi}"


def substitute(anchor: str, rng: Rng, alphabet_at: Callable[[str, int], str]) -> str:
    """The anchor with one character replaced by another from ``alphabet_at(anchor, i)``
    (an empty alphabet marks a position that must not change)."""
    positions = [i for i in range(len(anchor)) if len(alphabet_at(anchor, i)) > 1]
    if not positions:
        return anchor
    i = rng.choice(positions)
    options = [c for c in alphabet_at(anchor, i) if c != anchor[i]]
    return anchor[:i] + rng.choice(options) + anchor[i + 1:]


def draw_valid(rng: Rng, n: int, alphabet: str, valid: Callable[[str], bool]) -> str:
    """``n`` characters from ``alphabet`` that satisfy ``valid`` (redrawn until they do)."""
    for attempt in range(256):
        r = rng.child("draw", attempt)
        text = "".join(r.choice(alphabet) for _ in range(n))
        if valid(text):
            return text
    raise AbrError(f"cannot draw {n} characters of {alphabet!r} that form a valid anchor")


def substitute_valid(anchor: str, rng: Rng, alphabet: str, valid: Callable[[str], bool]) -> str:
    """One substitution from ``alphabet`` that keeps ``valid(anchor)`` true (the anchor itself if none is found)."""
    for attempt in range(16):
        candidate = substitute(anchor, rng.child("edit", attempt), lambda a, i: alphabet)
        if valid(candidate):
            return candidate
    return anchor


class SizedStyle(AnchorStyle):
    """A style whose ``__init__`` takes its options as keyword arguments, set with ``configure``."""

    #: (option, inclusive bounds) pairs; the first option is the one a bare value sets
    limits: ClassVar[tuple[tuple[str, Lengths], ...]] = ()

    def configure(self, argument: str) -> Any:
        return type(self)(**parse_options(self.name, argument, dict(self.limits), self.limits[0][0]))
