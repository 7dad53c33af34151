"""Built-in anchor styles."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.anchors.random_id import RandomId

    return [RandomId()]
