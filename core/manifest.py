"""The manifest written beside every output: recipe, versions, counts and the output's sha256."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from abr import __version__
from abr.records import AtomicFile, file_sha256

if TYPE_CHECKING:
    from abr.generate import Engine
    from abr.recipe import Recipe


def manifest_path(output: str | Path) -> Path:
    return Path(f"{output}.manifest.json")


def write_json_manifest(output: str | Path, data: dict[str, Any]) -> Path:
    """A manifest for outputs made from other datasets (mix, filter): what was done, and the output's sha256."""
    path = manifest_path(output)
    full = {"abr": __version__, "output": Path(output).name, "sha256": file_sha256(output), **data}
    with AtomicFile(path) as fh:
        fh.write_line(json.dumps(full, indent=2, ensure_ascii=False))
    return path


def write_manifest(output: str | Path, recipe: Recipe, engine: Engine, fmt: str,
                   shard: tuple[int, int] | None, indices: range, counts: dict[str, int]) -> Path:
    components: dict[str, Any] = {}
    for sp in engine.plan.skills:
        for e in (sp.skill, sp.anchor_style, sp.question_bank, *sp.patterns):
            components[e.qualified] = {"version": e.obj.version, "dist": e.dist, "dist_version": e.dist_version}
    h = engine.haystack_entry
    components[h.qualified] = {"version": h.obj.version, "dist": h.dist, "dist_version": h.dist_version}
    data = {
        "abr": __version__,
        "output": Path(output).name,
        "format": fmt,
        "sha256": file_sha256(output),
        "count": len(indices),
        "indices": [indices.start, indices.stop],
        "shard": None if shard is None else f"{shard[0]}/{shard[1]}",
        "skills": counts,
        "recipe": recipe.to_json(),
        "tokenizer": {"spec": engine.tokenizer.spec, "fingerprint": engine.tokenizer.fingerprint},
        "components": components,
    }
    path = manifest_path(output)
    with AtomicFile(path) as fh:
        fh.write_line(json.dumps(data, indent=2, ensure_ascii=False))
    return path
