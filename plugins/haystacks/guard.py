"""The guard between background text and the pipeline: nothing in a haystack may look like an anchor, an
embedded question, an answer line or a document boundary.

A sentence is refused when it matches the ``pattern`` of any built-in anchor style, contains a question
mark, starts like a question or answer label (``Question:``, ``Q:``, ``Answer:``) or holds a
``<document`` marker. The pattern set is fixed to the built-in styles on purpose: installing a plugin
must never change the bytes of a dataset that does not use it. An anchor of any style that still
occurs verbatim in background text is caught at render time, and the sample is redrawn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LABEL = re.compile(r"^\W*(?:question|answer|q|a)\s*\d*\s*[:：.)]", re.IGNORECASE)
_QUESTION_MARKS = ("?", "？", "¿")
_MARKERS = ("<document", "</document")


def builtin_anchor_patterns() -> tuple[str, ...]:
    """The ``pattern`` of every built-in anchor style, in registration order."""
    from abr.plugins.anchors import components

    return tuple(getattr(style, "pattern", "") for style in components() if getattr(style, "pattern", ""))


class TextGuard:
    """Decides whether a background sentence is safe to use (see the module docstring)."""

    def __init__(self, patterns: Iterable[str] | None = None) -> None:
        chosen = tuple(builtin_anchor_patterns() if patterns is None else patterns)
        self._anchor = re.compile("|".join(f"(?:{p})" for p in chosen)) if chosen else None

    def problem(self, sentence: str) -> str | None:
        """Why a sentence must not be background text, or None when it is safe."""
        if self._anchor is not None:
            m = self._anchor.search(sentence)
            if m:
                return f"looks like an anchor ({m.group(0)!r})"
        if any(q in sentence for q in _QUESTION_MARKS):
            return "looks like a question"
        if _LABEL.match(sentence):
            return "starts like a question or answer label"
        lower = sentence.lower()
        if any(m in lower for m in _MARKERS):
            return "holds a document marker"
        return None

    def safe(self, sentence: str) -> bool:
        return self.problem(sentence) is None
