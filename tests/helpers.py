"""Small helpers shared by tests (not fixtures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from abr.cli import main


def generate(out: Path, *args: str) -> bytes:
    """Run ``abr generate -q -o OUT ARGS`` in-process and return the output bytes (asserting success)."""
    code = main(["generate", "-q", "-o", str(out), *args])
    assert code == 0
    return out.read_bytes()


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_records(path: Path, recs: list[dict[str, Any]]) -> None:
    from abr.sample import dumps

    path.write_text("".join(dumps(r) + "\n" for r in recs), encoding="utf-8")


def make_distribution(root: Path, dist: str, version: str, module: str, code: str, entry_point: str) -> None:
    """A minimal installed distribution on ``root`` (put it on PYTHONPATH): a module and an ``abr`` entry point."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(code, encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[abr]\n{entry_point} = {module}\n", encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")
