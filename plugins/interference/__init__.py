"""Built-in interference patterns: each a small module against :class:`abr.components.InterferencePattern`."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.interference.conflict import Conflict
    from abr.plugins.interference.decoy_documents import DecoyDocuments
    from abr.plugins.interference.lure_questions import LureQuestions
    from abr.plugins.interference.near_duplicate import NearDuplicate

    return [NearDuplicate(), Conflict(), LureQuestions(), DecoyDocuments()]
