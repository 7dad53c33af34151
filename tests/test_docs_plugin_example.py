"""The complete plugin in docs/plugins.md works as written: installed through a real entry point, it
registers its skill and pattern, generates, and verifies."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_cli
from helpers import make_distribution

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def test_documented_plugin_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(# abr_plugin_xyz\.py\n.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    site = tmp_path / "site"
    make_distribution(site, "abr-plugin-xyz", "0.1.0", "abr_plugin_xyz", blocks[0], "xyz")
    env = {"PYTHONPATH": str(site)}
    rows = {r["name"]: r for r in json.loads(run_cli("plugins", "--json", env=env).stdout)}
    assert rows["xyz"]["status"] == "ok" and rows["xyz"]["provides"] == ["xyz/lures", "xyz/lookup"]
    out = tmp_path / "lookup.jsonl"
    made = run_cli("generate", "-q", "--skill", "lookup", "--knob", "lures.count=3", "-n", "3", "--length", "1k",
                   "-o", str(out), env=env)
    assert made.returncode == 0, made.stderr
    rec = json.loads(out.read_text().splitlines()[0])
    roles = [p["role"] for d in rec["blueprint"]["documents"] for p in d["pairs"]]
    assert sorted(roles) == ["decoy", "decoy", "decoy", "target"]
    assert rec["interference"] == ["xyz/lures"]
    assert run_cli("verify", "-q", str(out), env=env).returncode == 0
