"""Background passages with their sentence token counts, each generated and counted once per process.

The fitter assembles a prompt by adding cached counts; only the finished prompt is encoded in full.
Sentence ``i > 0`` of a passage is counted with its leading space (``" " + sentence``), the exact piece
it contributes to the paragraph, so a paragraph cut after any sentence has a known cost.
"""

from __future__ import annotations

from collections.abc import Sequence

from abr.components import HaystackSource
from abr.tokens import Tokenizer

PARAGRAPH_SEP = "\n\n"


class CachedPassage:
    """A passage's sentences, their token costs, total ``cost`` and paragraph ``text``.

    A whole passage serves directly as a background paragraph; ``start``/``end`` give its sentence range.
    """

    __slots__ = ("cost", "costs", "end", "sentences", "text")
    start = 0

    def __init__(self, sentences: tuple[str, ...], costs: tuple[int, ...]) -> None:
        self.sentences = sentences
        self.costs = costs
        self.cost = sum(costs)
        self.end = len(costs)
        self.text = " ".join(sentences)


class PassageCache:
    """Passages and per-sentence token counts keyed by (genre, index) for one source and tokenizer."""

    def __init__(self, source: HaystackSource, tokenizer: Tokenizer) -> None:
        self.source = source
        self.tokenizer = tokenizer
        self.store: dict[tuple[str, int], CachedPassage] = {}
        self.sep_cost = self._calibrate_separator()

    def _calibrate_separator(self) -> int:
        """Tokens a paragraph separator costs in context (between a period and the next paragraph)."""
        a, b = "The report ended here.", "Another paragraph began."
        joined = self.tokenizer.count_pieces([a + PARAGRAPH_SEP + b])[0]
        alone = self.tokenizer.count_pieces([a, b])
        return max(0, joined - sum(alone))

    def get(self, genre: str, index: int) -> CachedPassage:
        hit = self.store.get((genre, index))
        if hit is None:
            self.prefetch(genre, [index])
            hit = self.store[(genre, index)]
        return hit

    def prefetch(self, genre: str, indices: Sequence[int]) -> None:
        """Generate and count, in one batch, every passage of ``indices`` not seen yet."""
        store = self.store
        todo = [i for i in dict.fromkeys(indices) if (genre, i) not in store]
        if not todo:
            return
        sentences = [self.source.passage(genre, i).sentences for i in todo]
        pieces = [s if k == 0 else " " + s for sents in sentences for k, s in enumerate(sents)]
        counts = self.tokenizer.count_pieces(pieces)
        pos = 0
        for i, sents in zip(todo, sentences):
            store[(genre, i)] = CachedPassage(tuple(sents), tuple(counts[pos:pos + len(sents)]))
            pos += len(sents)

    def __len__(self) -> int:
        return len(self.store)
