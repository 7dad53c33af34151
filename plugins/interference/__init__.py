"""Built-in interference patterns."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.interference.near_duplicate import NearDuplicate

    return [NearDuplicate()]
