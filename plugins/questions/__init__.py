"""Built-in question banks."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in question bank, in registration order."""
    from abr.plugins.questions.catalog import banks
    from abr.plugins.questions.multipart import multipart_banks

    return [*banks(), *multipart_banks()]
