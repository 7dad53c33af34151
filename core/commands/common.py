"""Helpers shared by the command modules."""

from __future__ import annotations

import sys
from typing import Any


def eprint(*parts: Any) -> None:
    """Print to stderr (summaries and notes; stdout is for data)."""
    print(*parts, file=sys.stderr)
