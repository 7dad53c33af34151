"""The built-in plugin: abr's own components, registered through the same hooks as any other plugin."""

from __future__ import annotations

from abr import hookimpl
from abr.hookspecs import Register


@hookimpl
def register_haystack_sources(register: Register) -> None:
    from abr.plugins.haystacks.procedural import ProceduralHaystack

    register(ProceduralHaystack())


@hookimpl
def register_anchor_styles(register: Register) -> None:
    from abr.plugins.anchors.random_id import RandomId

    register(RandomId())


@hookimpl
def register_question_banks(register: Register) -> None:
    from abr.plugins.questions.arithmetic import Arithmetic

    register(Arithmetic())


@hookimpl
def register_interference_patterns(register: Register) -> None:
    from abr.plugins.interference.near_duplicate import NearDuplicate

    register(NearDuplicate())


@hookimpl
def register_answer_checkers(register: Register) -> None:
    from abr.plugins.checkers.numeric import Numeric

    register(Numeric())


@hookimpl
def register_skills(register: Register) -> None:
    from abr.plugins.skills.niah import Niah

    register(Niah())
