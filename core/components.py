"""The component kinds a plugin can register, and the values they exchange.

Every component is an object with a bare ``name`` (the host qualifies it as ``<plugin>/<name>``), an
integer ``version`` (bump it whenever the same seed would give different bytes) and a one-line
``description``. Built-in and third-party components implement the same base classes below and
register through the same hooks.
"""

from __future__ import annotations

import argparse
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from abr.knobs import Knob

if TYPE_CHECKING:
    from abr.blueprint import ComposeContext, Composition, Draft
    from abr.rng import Rng


class Component(ABC):
    """Common identity of every registered object."""

    kind: ClassVar[str] = "component"
    name: str = ""
    version: int = 0
    description: str = ""


# ---------------------------------------------------------------------------------------------------------
# Values


@attrs.frozen
class Question:
    """An embedded question with the gold answer the project computed itself.

    ``rule`` carries how the answer is judged (e.g. ``{"places": 2}`` for a decimal rounded half-up).
    """

    text: str
    answer: str
    answer_type: str
    difficulty: float = 0.0
    rule: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Passage:
    """A background paragraph as sentences, so the fitter can cut it at a sentence boundary."""

    sentences: tuple[str, ...]


# ---------------------------------------------------------------------------------------------------------
# Kinds


class HaystackSource(Component):
    """Background text. ``passage(genre, index)`` must be a pure function: same arguments, same text."""

    kind: ClassVar[str] = "haystack_source"
    license: str = ""
    provenance: str = ""

    @abstractmethod
    def genres(self) -> Sequence[str]:
        """The genres documents can be drawn from."""

    @abstractmethod
    def pool_size(self, genre: str) -> int:
        """How many distinct passages ``passage(genre, i)`` addresses (i in [0, pool_size))."""

    @abstractmethod
    def passage(self, genre: str, index: int) -> Passage:
        """The index-th passage of a genre."""

    @abstractmethod
    def title(self, genre: str, rng: Rng) -> str:
        """A document title for a document of this genre."""

    def configure(self, argument: str) -> HaystackSource:
        """A source bound to a user argument (``--haystack NAME:ARG``); most sources take none."""
        from abr.errors import AbrError

        raise AbrError(f"haystack source '{self.name}' takes no argument, got {argument!r}")


class AnchorStyle(Component):
    """How anchors look. ``mutate`` makes one small in-style edit, used to build near-duplicates."""

    kind: ClassVar[str] = "anchor_style"
    #: a regular expression matching any anchor of this style; background text must never match it
    pattern: str = ""

    @abstractmethod
    def make(self, rng: Rng) -> str:
        """A fresh anchor string."""

    @abstractmethod
    def mutate(self, anchor: str, rng: Rng) -> str:
        """The anchor with one small edit that keeps it well-formed in this style."""

    def render_pair(self, anchor: str, question: str) -> str:
        """The paragraph inserted into the context for one anchor–question pair."""
        return f"{anchor}: {question}"

    def configure(self, argument: str) -> AnchorStyle:
        """A style bound to a user argument (``--anchor-style NAME:ARG``, e.g. a length); most take none."""
        from abr.errors import AbrError

        raise AbrError(f"anchor style '{self.name}' takes no argument, got {argument!r}")


class QuestionBank(Component):
    """Questions with exact gold answers. ``solve`` re-derives an answer from the question text alone."""

    kind: ClassVar[str] = "question_bank"
    answer_types: tuple[str, ...] = ()

    @abstractmethod
    def generate(self, rng: Rng, difficulty: float) -> Question:
        """A question; ``difficulty`` in [0, 1] selects harder questions when the bank has levels."""

    @abstractmethod
    def solve(self, text: str) -> str:
        """The answer to a question this bank wrote, computed from its text (used by ``abr verify``)."""

    def configure(self, argument: str) -> QuestionBank:
        """A bank bound to a user argument (``--question-bank NAME:ARG``, e.g. a file); most take none."""
        from abr.errors import AbrError

        raise AbrError(f"question bank '{self.name}' takes no argument, got {argument!r}")


class InterferencePattern(Component):
    """Adds distractors to a draft blueprint without changing its gold answer."""

    kind: ClassVar[str] = "interference_pattern"
    knobs: tuple[Knob, ...] = ()

    @abstractmethod
    def apply(self, draft: Draft, ctx: ComposeContext) -> None:
        """Add decoy pairs (role ``"decoy"``) to the draft; never touch the target pairs."""


class AnswerChecker(Component):
    """Judges an extracted final answer against the gold answer of one or more answer types."""

    kind: ClassVar[str] = "answer_checker"
    answer_types: tuple[str, ...] = ()

    @abstractmethod
    def check(self, predicted: str, gold: str, rule: Mapping[str, Any]) -> bool:
        """Whether ``predicted`` (already extracted from the response) matches ``gold``."""


class Skill(Component):
    """Stage 1 and 2 of the pipeline: a blueprint, a meta-question and its answer program."""

    kind: ClassVar[str] = "skill"
    knobs: tuple[Knob, ...] = ()
    default_anchor_style: str = "abr/random-id"
    default_question_bank: str = "abr/arithmetic"
    default_interference: tuple[str, ...] = ()

    @abstractmethod
    def compose(self, ctx: ComposeContext) -> Composition:
        """Place pairs into documents, and state the meta-question and the program that answers it."""


class Command(Component):
    """An extra ``abr`` sub-command."""

    kind: ClassVar[str] = "command"

    @abstractmethod
    def configure(self, parser: argparse.ArgumentParser) -> None:
        """Add the command's arguments."""

    @abstractmethod
    def run(self, args: argparse.Namespace) -> int:
        """Run it; the return value is the exit status."""


class Suite(Component):
    """A named recipe (``abr generate --suite NAME``): a TOML-shaped mapping, see docs/recipes.md."""

    kind: ClassVar[str] = "suite"

    @abstractmethod
    def recipe(self) -> Mapping[str, Any]:
        """The recipe mapping, in the same shape as a ``--config`` TOML file."""


from abr.evaluation.backend import ModelBackend  # noqa: E402  (subclasses Component, defined above)

KINDS: dict[str, type[Component]] = {
    cls.kind: cls
    for cls in (HaystackSource, AnchorStyle, QuestionBank, InterferencePattern, AnswerChecker, Skill,
                Command, Suite, ModelBackend)
}
