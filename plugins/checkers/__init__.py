"""Built-in answer checkers: one per answer type."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.checkers.choice import Choice
    from abr.plugins.checkers.expression import Expression
    from abr.plugins.checkers.numeric import Numeric
    from abr.plugins.checkers.text import ListOf, SetOf, Text

    return [Numeric(), Choice(), Text(), SetOf(), ListOf(), Expression()]
