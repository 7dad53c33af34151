"""abr plugin ``temporal``: a temporal-update interference pattern and the ``latest`` skill that uses it.

The hooks only build objects; importing this package imports nothing but abr's own light modules.
"""

from __future__ import annotations

from abr import hookimpl
from abr.hookspecs import Register

__version__ = "0.1.0"


@hookimpl
def register_interference_patterns(register: Register) -> None:
    from abr_plugin_temporal.pattern import TemporalUpdate

    register(TemporalUpdate())


@hookimpl
def register_skills(register: Register) -> None:
    from abr_plugin_temporal.skill import Latest

    register(Latest())
