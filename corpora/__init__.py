"""abr's own background-text grammars: one JSON file per genre under ``genres/``.

Each file holds title templates, passage-opening sentences, body sentences and a genre lexicon;
placeholders are filled by :mod:`abr.plugins.haystacks.procedural`. See docs/haystacks.md for the format.
``entities.json`` holds the people, companies and places, generated once with faker (``build_entities``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_entities() -> dict[str, tuple[str, ...]]:
    """Name, company and place pools (built with faker by ``build_entities``, shipped as data)."""
    raw = json.loads((resources.files(__name__) / "entities.json").read_text(encoding="utf-8"))
    return {k: tuple(v) for k, v in raw.items() if isinstance(v, list)}


def load_genres() -> dict[str, dict[str, Any]]:
    """Every bundled genre grammar, keyed by genre id, in sorted order."""
    root = resources.files(__name__) / "genres"
    out: dict[str, dict[str, Any]] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            out[data["genre"]] = data
    return out
