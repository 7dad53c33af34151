"""The built-in plugin: abr's own components, registered through the same hooks as any other plugin.

Each kind lives in its own subpackage, whose ``components()`` imports and builds them only when the hook
runs, so importing this module stays cheap.
"""

from __future__ import annotations

from abr import hookimpl
from abr.hookspecs import Register


def _register_all(register: Register, subpackage: str) -> None:
    from importlib import import_module

    for component in import_module(f"abr.plugins.{subpackage}").components():
        register(component)


@hookimpl
def register_haystack_sources(register: Register) -> None:
    _register_all(register, "haystacks")


@hookimpl
def register_anchor_styles(register: Register) -> None:
    _register_all(register, "anchors")


@hookimpl
def register_question_banks(register: Register) -> None:
    _register_all(register, "questions")


@hookimpl
def register_interference_patterns(register: Register) -> None:
    _register_all(register, "interference")


@hookimpl
def register_answer_checkers(register: Register) -> None:
    _register_all(register, "checkers")


@hookimpl
def register_skills(register: Register) -> None:
    _register_all(register, "skills")


@hookimpl
def register_suites(register: Register) -> None:
    _register_all(register, "suites")


@hookimpl
def register_model_backends(register: Register) -> None:
    _register_all(register, "backends")
