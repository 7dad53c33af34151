"""Built-in suites (named recipes)."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in suite, in registration order."""
    return []
