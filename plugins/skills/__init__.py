"""Built-in skills."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.skills.anti_interference import AntiInterference
    from abr.plugins.skills.calc_reason import CalcReason
    from abr.plugins.skills.logic import Logic
    from abr.plugins.skills.multi_hop import MultiHop
    from abr.plugins.skills.multi_source import MultiSource
    from abr.plugins.skills.niah import Niah

    return [Niah(), AntiInterference(), MultiSource(), Logic(), CalcReason(), MultiHop()]
