"""Built-in question banks."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.questions.arithmetic import Arithmetic

    return [Arithmetic()]
