"""Built-in haystack sources."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.haystacks.folder import FolderHaystack
    from abr.plugins.haystacks.hf import HfHaystack
    from abr.plugins.haystacks.jsonl import JsonlHaystack
    from abr.plugins.haystacks.procedural import ProceduralHaystack

    return [ProceduralHaystack(), FolderHaystack(), JsonlHaystack(), HfHaystack()]
