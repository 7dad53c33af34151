"""What the user-text sources share (``dir:``, ``jsonl:``, ``hf:``): documents in a fixed order become a
guarded pool of passages per genre, addressed by index like the procedural source.

The order never depends on the file system or on hashing (files are sorted by path, records keep their
line order), so the same input gives the same passages on every machine; the renderer's seeded draws do
the rest. Sentences the guard refuses are dropped, and an input with nothing left is an error.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence

import attrs
from abr.components import HaystackSource, Passage
from abr.errors import AbrError
from abr.plugins.haystacks.guard import TextGuard
from abr.plugins.haystacks.sentences import long_enough, paragraphs, passages, split_sentences
from abr.rng import Rng

UNTITLED = "Untitled document"


@attrs.frozen
class Document:
    """One piece of user text with the genre and title its documents get."""

    genre: str
    title: str
    text: str


@attrs.frozen
class TextPool:
    """Guarded passages and titles per genre, with what the guard dropped and a digest of the content."""

    passages: Mapping[str, tuple[tuple[str, ...], ...]]
    titles: Mapping[str, tuple[str, ...]]
    dropped: int
    digest: str


def slug(name: str) -> str:
    """A genre id from a folder, file or dataset name: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "text"


def title_from_name(stem: str) -> str:
    """``annual_report-2021`` -> ``Annual Report 2021``; names with capitals keep them."""
    words = re.sub(r"[_\-]+", " ", stem).split()
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in words) or UNTITLED


def document(text: str, title: object, genre: object, default_title: str, default_genre: str) -> Document:
    """A document whose optional ``title`` and ``genre`` (from a record or a row) win when they are strings."""
    return Document(slug(genre) if isinstance(genre, str) else default_genre,
                    title if isinstance(title, str) else default_title, text)


def build_pool(documents: Iterable[Document], origin: str, guard: TextGuard | None = None) -> TextPool:
    """Split, guard and group documents; ``origin`` names the input in error messages."""
    guard = guard or TextGuard()
    pool: dict[str, list[tuple[str, ...]]] = {}
    titles: dict[str, list[str]] = {}
    dropped = kept = 0
    digest = hashlib.sha256()
    for doc in documents:
        title = " ".join(doc.title.split())
        titles.setdefault(doc.genre, []).append(title if title and guard.safe(title) else UNTITLED)
        for para in paragraphs(doc.text):
            if not long_enough(para):
                continue
            sentences = split_sentences(para)
            safe = [s for s in sentences if guard.safe(s)]
            dropped += len(sentences) - len(safe)
            for passage in passages(safe):
                pool.setdefault(doc.genre, []).append(passage)
                digest.update("\x1f".join(passage).encode("utf-8") + b"\x1e")
                kept += 1
    if not kept:
        why = f" ({dropped} sentences looked like anchors or questions and were dropped)" if dropped else ""
        raise AbrError(f"{origin}: no usable background text{why}; paragraphs need at least four words")
    return TextPool(
        passages={g: tuple(p) for g, p in pool.items()},
        titles={g: tuple(dict.fromkeys(titles[g])) for g in pool},
        dropped=dropped,
        digest=digest.hexdigest()[:16],
    )


class UserTextSource(HaystackSource):
    """A source over a :class:`TextPool` built from a user argument; unconfigured, it explains its usage."""

    version = 1
    license = "the user's own text; abr does not know its license"
    usage = ""

    def __init__(self, pool: TextPool | None = None, argument: str = "") -> None:
        self._pool = pool
        self.argument = argument

    @property
    def pool(self) -> TextPool:
        if self._pool is None:
            raise AbrError(f"haystack source '{self.name}' needs an argument: --haystack {self.usage}")
        return self._pool

    def genres(self) -> Sequence[str]:
        return tuple(self.pool.passages)

    def pool_size(self, genre: str) -> int:
        return len(self.pool.passages[genre])

    def passage(self, genre: str, index: int) -> Passage:
        return Passage(self.pool.passages[genre][index])

    def title(self, genre: str, rng: Rng) -> str:
        return rng.choice(self.pool.titles[genre])

    def described(self, what: str) -> str:
        """A provenance line: what was read, how much, and a digest of the passages it gave."""
        n = sum(len(p) for p in self.pool.passages.values())
        return f"{what}: {n} passages in {len(self.pool.passages)} genres, content sha256 {self.pool.digest}"
