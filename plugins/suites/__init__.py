"""Built-in suites (named recipes)."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in suite, in registration order."""
    from abr.plugins.suites.atomic_probe import AtomicProbe
    from abr.plugins.suites.knob_sweep import KnobSweep
    from abr.plugins.suites.paper_train import PaperTrain

    return [AtomicProbe(), PaperTrain(), KnobSweep()]
