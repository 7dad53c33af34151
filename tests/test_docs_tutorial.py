"""The plugin tutorial works from a fresh checkout, following only docs/: docs/check_docs.py runs its commands
in order — `abr plugin new`, the install, generating, the file edits, the plugin's tests, the doctor — and the
`abr` commands of docs/scaling.md run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_tutorial_and_scaling_pages_run() -> None:
    result = subprocess.run([sys.executable, "docs/check_docs.py", "docs/plugin-tutorial.md", "docs/scaling.md"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout
    assert result.stderr.strip() == "docs check: 2 pages, 0 problems"
