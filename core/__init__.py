"""abr — anchor-based reasoning data: synthesize verifiable long-context reasoning tasks, evaluate, train.

Plugin authors need only ``from abr import hookimpl`` and the base classes in :mod:`abr.components`.
"""

from __future__ import annotations

from abr.hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]
