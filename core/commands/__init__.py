"""The built-in ``abr`` commands, one module per group; each has ``COMMANDS`` and ``add_parsers(sub)``."""

from __future__ import annotations

GROUPS = ("generate", "inspect", "evaluate", "training", "authoring")
