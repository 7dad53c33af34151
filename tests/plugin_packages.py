"""Installing plugin packages for a test without touching the shared environment: a copy of the source is
built and installed into a target folder that subprocesses put on PYTHONPATH."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

BUILD_LEFTOVERS = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", ".pytest_cache")


def pip_install(source: Path, work: Path) -> Path:
    """Copy ``source`` into ``work`` (so in-tree build folders land there), install it into ``work/site`` and
    return that folder. Offline and without build isolation when setuptools is importable."""
    copy = work / "src" / source.name
    shutil.copytree(source, copy, ignore=BUILD_LEFTOVERS)
    site = work / "site"
    isolation = ["--no-build-isolation", "--no-index"] if importlib.util.find_spec("setuptools") else []
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                           *isolation, "--target", str(site), str(copy)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return site


def run_pytest(folder: Path, site: Path, *args: str,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The package's own tests, importing the installed copy (its ``src`` folder is not on the path)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("ABR_")}
    full.update(env or {})
    full["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=folder,
                          env=full, capture_output=True, text=True, timeout=600)
