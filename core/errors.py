"""Errors that reach the user as one line naming the input and the fix, never as a traceback."""

from __future__ import annotations


class AbrError(Exception):
    """A problem with the user's input or environment; the CLI prints it on one line and exits 2."""

    exit_code = 2


class PluginError(AbrError):
    """A plugin failed to load or misbehaved (fatal only under ABR_STRICT_PLUGINS=1)."""


class ProgramError(AbrError):
    """An answer program is malformed or cannot be evaluated against its blueprint."""


class RecordError(AbrError):
    """A dataset record or line cannot be read."""


class FitError(AbrError):
    """The requested token budget cannot hold the sample's content."""
