"""The hooks a plugin implements. Each is called once per plugin with a ``register`` function bound to it.

Plugins import the marker as ``from abr import hookimpl``; they never need pluggy directly::

    from abr import hookimpl

    @hookimpl
    def register_interference_patterns(register):
        register(TemporalUpdate())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

PROJECT = "abr"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

Register = Callable[[Any], None]


@hookspec
def register_haystack_sources(register: Register) -> None:
    """Register :class:`abr.components.HaystackSource` objects (background text)."""


@hookspec
def register_anchor_styles(register: Register) -> None:
    """Register :class:`abr.components.AnchorStyle` objects (how anchors look, how they near-duplicate)."""


@hookspec
def register_question_banks(register: Register) -> None:
    """Register :class:`abr.components.QuestionBank` objects (questions with exact answers)."""


@hookspec
def register_interference_patterns(register: Register) -> None:
    """Register :class:`abr.components.InterferencePattern` objects (distractors added to a blueprint)."""


@hookspec
def register_answer_checkers(register: Register) -> None:
    """Register :class:`abr.components.AnswerChecker` objects (judging a final answer by type)."""


@hookspec
def register_skills(register: Register) -> None:
    """Register :class:`abr.components.Skill` objects (blueprint + meta-question + answer program)."""


@hookspec
def register_suites(register: Register) -> None:
    """Register :class:`abr.components.Suite` objects (named recipes for ``abr generate --suite``)."""


@hookspec
def register_commands(register: Register) -> None:
    """Register :class:`abr.components.Command` objects (extra ``abr`` sub-commands)."""


@hookspec
def register_model_backends(register: Register) -> None:
    """Register :class:`abr.evaluation.backend.ModelBackend` objects (``abr eval --model SCHEME:ARGUMENT``)."""


#: hook name -> component kind it registers, in the order the host calls them
HOOKS: dict[str, str] = {
    "register_haystack_sources": "haystack_source",
    "register_anchor_styles": "anchor_style",
    "register_question_banks": "question_bank",
    "register_interference_patterns": "interference_pattern",
    "register_answer_checkers": "answer_checker",
    "register_skills": "skill",
    "register_suites": "suite",
    "register_commands": "command",
    "register_model_backends": "model_backend",
}
