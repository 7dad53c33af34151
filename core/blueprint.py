"""Stage 1–2 values: the draft a skill fills, the context it composes in, and what it returns.

A skill asks the context for a :class:`Draft` with a number of documents, creates anchors, places
anchor–question pairs at relative positions inside documents, and returns a :class:`Composition` with
the meta-question and the answer program. The core evaluates the program on the frozen blueprint to
obtain the gold answer, so a skill can never state an answer its own program does not give.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from abr.components import AnchorStyle, HaystackSource, Question, QuestionBank
from abr.errors import AbrError

if TYPE_CHECKING:
    from abr.registry import Registry
    from abr.rng import Rng

ROLES = ("target", "filler", "decoy", "fragment")
MAX_REDRAWS = 200


@attrs.frozen
class DocumentInfo:
    """A document's identity, known before composition so a meta-question can refer to it."""

    id: str
    number: int
    genre: str
    title: str


@attrs.frozen
class PlannedPair:
    """One anchor–question pair and where, relative to its document (0 = start, 1 = end), it goes."""

    doc: int
    anchor: str
    text: str
    position: float
    role: str
    order: int
    question: Question | None = None
    bank: str = ""

    def as_record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"anchor": self.anchor, "question": self.text}
        if self.question is not None:
            out["answer"] = self.question.answer
            out["answer_type"] = self.question.answer_type
            if self.question.rule:
                out["rule"] = dict(self.question.rule)
        if self.bank:
            out["bank"] = self.bank
        out["role"] = self.role
        return out


@attrs.frozen
class Lookalike:
    """A decoy anchor built to resemble another: ``abr verify`` re-measures its similarity against the band."""

    of: str
    band: tuple[float, float]
    metric: str = "ratio"

    def as_record(self) -> dict[str, Any]:
        return {"of": self.of, "band": list(self.band), "metric": self.metric}


class Draft:
    """The mutable blueprint under construction; frozen into the record's ``blueprint`` dict."""

    def __init__(self, documents: list[DocumentInfo], bank_name: str) -> None:
        if not documents:
            raise AbrError("a sample needs at least one document; set --knob documents=1 or more")
        self.documents = documents
        self.anchors: dict[str, str] = {}
        self.pairs: list[PlannedPair] = []
        self.assembled: dict[str, tuple[Question, str]] = {}
        self.lookalikes: dict[str, Lookalike] = {}
        #: anchors the answer program only ever names together with a document (copies elsewhere are harmless)
        self.scoped: set[str] = set()
        self._bank_name = bank_name

    # -- documents ----------------------------------------------------------------------------------------
    def add_document(self, genre: str, title: str) -> int:
        """Append a document (numbers of existing documents never change); returns its 0-based index."""
        number = len(self.documents) + 1
        self.documents.append(DocumentInfo(f"doc{number}", number, genre, title))
        return number - 1

    # -- undo, for interference patterns that must be redrawn ----------------------------------------------
    def snapshot(self) -> tuple[Any, ...]:
        return (list(self.documents), dict(self.anchors), list(self.pairs), dict(self.assembled),
                dict(self.lookalikes), set(self.scoped))

    def restore(self, state: tuple[Any, ...]) -> None:
        docs, anchors, pairs, assembled, lookalikes, scoped = state
        self.documents, self.anchors, self.pairs = list(docs), dict(anchors), list(pairs)
        self.assembled, self.lookalikes, self.scoped = dict(assembled), dict(lookalikes), set(scoped)

    # -- anchors ------------------------------------------------------------------------------------------
    def new_anchor(self, text: str) -> str:
        """Register an anchor string and return its id (``anc1``, ``anc2``, ...)."""
        if text in self.anchors.values():
            raise ValueError(f"anchor {text!r} is already in this draft")
        anchor_id = f"anc{len(self.anchors) + 1}"
        self.anchors[anchor_id] = text
        return anchor_id

    def anchor_text(self, anchor_id: str) -> str:
        return self.anchors[anchor_id]

    def mark_lookalike(self, decoy_id: str, of_id: str, band: tuple[float, float], metric: str = "ratio") -> None:
        """Record that ``decoy_id`` was built within ``band`` of ``of_id`` (checked by ``abr verify``)."""
        self.lookalikes[decoy_id] = Lookalike(of_id, (float(band[0]), float(band[1])), metric)

    def scope(self, anchor_id: str) -> None:
        """Declare that the program names this anchor only together with a document."""
        self.scoped.add(anchor_id)

    # -- pairs --------------------------------------------------------------------------------------------
    def add(self, doc: int, anchor_id: str, question: Question, position: float, role: str = "filler",
            bank: str | None = None) -> PlannedPair:
        """Place an anchor with its question in document ``doc`` (0-based) at a relative position."""
        return self._add(doc, anchor_id, question.text, position, role, question, bank or self._bank_name)

    def add_fragment(self, doc: int, anchor_id: str, text: str, position: float,
                     role: str = "fragment") -> PlannedPair:
        """Place one fragment of a multi-part problem (no answer of its own) under an anchor; a fragment of
        a decoy problem takes ``role="decoy"``."""
        return self._add(doc, anchor_id, text, position, role, None, "")

    def set_assembled(self, anchor_id: str, question: Question, bank: str | None = None) -> None:
        """The answer of the problem assembled from every fragment under ``anchor_id``."""
        self.assembled[anchor_id] = (question, bank or self._bank_name)

    def _add(self, doc: int, anchor_id: str, text: str, position: float, role: str,
             question: Question | None, bank: str) -> PlannedPair:
        if not 0 <= doc < len(self.documents):
            raise ValueError(f"document index {doc} out of range 0..{len(self.documents) - 1}")
        if anchor_id not in self.anchors:
            raise ValueError(f"unknown anchor id {anchor_id!r}; create it with new_anchor() first")
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        if not 0.0 <= position <= 1.0:
            raise ValueError(f"position must be in [0, 1], got {position}")
        pair = PlannedPair(doc, anchor_id, text, float(position), role, len(self.pairs), question, bank)
        self.pairs.append(pair)
        return pair

    def targets(self) -> list[PlannedPair]:
        return [p for p in self.pairs if p.role == "target"]

    def target_anchors(self) -> list[str]:
        """Anchor ids the answer rests on (targets and fragments), each once, in the order they were added."""
        return list(dict.fromkeys(p.anchor for p in self.pairs if p.role in ("target", "fragment")))

    def target_answers(self, anchor_id: str | None = None) -> set[str]:
        """The answers of the target pairs (of one anchor, or of all): what no decoy may share."""
        return {p.question.answer for p in self.pairs if p.role == "target" and p.question is not None
                and anchor_id in (None, p.anchor)}

    def in_document(self, doc: int) -> list[PlannedPair]:
        """The pairs of a document in reading order (by position, then by insertion)."""
        return sorted((p for p in self.pairs if p.doc == doc), key=lambda p: (p.position, p.order))

    def to_blueprint(self) -> dict[str, Any]:
        docs = []
        for i, info in enumerate(self.documents):
            docs.append({
                "id": info.id,
                "title": info.title,
                "genre": info.genre,
                "pairs": [p.as_record() for p in self.in_document(i)],
            })
        out: dict[str, Any] = {"anchors": dict(self.anchors), "documents": docs}
        if self.assembled:
            out["assembled"] = {
                a: {"question": q.text, "answer": q.answer, "answer_type": q.answer_type,
                    "bank": bank, **({"rule": dict(q.rule)} if q.rule else {})}
                for a, (q, bank) in self.assembled.items()
            }
        if self.lookalikes:
            out["near_duplicates"] = {a: look.as_record() for a, look in self.lookalikes.items()}
        return out


@attrs.frozen
class Composition:
    """What a skill returns: the draft, the meta-question, and the answer program."""

    draft: Draft
    question: str
    program: Any
    #: the sample's difficulty summary: numbers (sortable by a curriculum) and the variant drawn
    difficulty: Mapping[str, Any] = attrs.field(factory=dict)
    #: the answer's type and judging rule; derived from the program's value when left out
    answer_type: str | None = None
    rule: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class ComposeContext:
    """Everything a skill or interference pattern may use while composing one sample."""

    rng: Rng
    knobs: Mapping[str, Any]
    depth: float
    anchor_style: AnchorStyle
    bank: QuestionBank
    bank_name: str
    haystack: HaystackSource
    registry: Registry

    def new_draft(self, documents: int, rng: Rng | None = None) -> Draft:
        """A draft with ``documents`` documents, each given a genre and a title from the haystack.

        Pass ``rng`` to redraw the documents (a skill retrying a draw that would be ambiguous)."""
        genres = list(self.haystack.genres())
        rng = rng or self.rng.child("documents")
        infos = []
        for i in range(documents):
            genre = rng.choice(genres)
            title = self.haystack.title(genre, rng.child("title", i))
            infos.append(DocumentInfo(f"doc{i + 1}", i + 1, genre, title))
        return Draft(infos, self.bank_name)

    def question(self, rng: Rng, difficulty: float | None = None, avoid: Collection[str] = ()) -> Question:
        """A question from the sample's bank, redrawn (deterministically) while its answer is in ``avoid``.

        Skills pass the answers of the competing readings (the target's, a decoy's) so that answering the
        wrong pair can never score."""
        level = self.knobs.get("difficulty", 0.5) if difficulty is None else difficulty
        question = self.bank.generate(rng, float(level))
        for attempt in range(1, MAX_REDRAWS + 1):
            if question.answer not in avoid:
                return question
            question = self.bank.generate(rng.child("redraw", attempt), float(level))
        if question.answer not in avoid:
            return question
        raise AbrError(f"question bank {self.bank_name} keeps repeating the answers {sorted(avoid)[:5]}; it cannot "
                       f"give the distinct answers this skill needs — use a bank with more varied answers "
                       f"(--question-bank) or fewer anchors")

    def require_answer_types(self, skill: str, allowed: Collection[str]) -> None:
        """Refuse a bank whose answers this skill cannot compute with (e.g. text answers for arithmetic)."""
        types = set(self.bank.answer_types)
        if not types or not types <= set(allowed):
            raise AbrError(f"{skill} needs a question bank with {' or '.join(sorted(allowed))} answers, but "
                           f"{self.bank_name} gives {', '.join(sorted(types)) or 'undeclared types'}; choose "
                           f"another with --question-bank (see `abr components --kind question_bank`)")

    def anchors(self, rng: Rng, n: int, taken: set[str] | None = None) -> list[str]:
        """``n`` fresh anchors of the sample's style, none equal to or containing another."""
        from abr.anchors import fresh_anchors

        return fresh_anchors(self.anchor_style, rng, n, taken or set())
