"""Reading a rendered prompt back into documents and anchor–question pairs, from the text alone.

``abr verify`` rebuilds every blueprint this way: documents by their ``<document …>`` boundaries, pairs
as the paragraphs that begin with an anchor in the anchor style's layout (``render_pair``), the question
as the rest of that paragraph. Nothing here looks at the record's blueprint, so a record whose text does
not say what its blueprint claims is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs
from abr.passages import PARAGRAPH_SEP
from abr.render import DOC_FOOTER

DOC_HEADER = re.compile(r'<document index="(\d+)" title="([^"\n]*)">\n')


@attrs.frozen
class PairLayout:
    """How a style writes a pair: ``prefix + anchor + middle + question + suffix``."""

    prefix: str = ""
    middle: str = ": "
    suffix: str = ""

    @classmethod
    def of(cls, render_pair: object) -> PairLayout:
        """The layout of a style's ``render_pair`` (probed with two sentinels)."""
        if not callable(render_pair):
            return cls()
        probe = render_pair("\x00", "\x01")
        if not isinstance(probe, str) or probe.count("\x00") != 1 or probe.count("\x01") != 1:
            return cls()
        a, q = probe.index("\x00"), probe.index("\x01")
        if q < a:
            return cls()
        return cls(probe[:a], probe[a + 1:q], probe[q + 1:])


@attrs.frozen
class ReadPair:
    anchor: str  # the anchor string
    question: str
    char: int  # offset of the anchor in the prompt


@attrs.frozen
class ReadDocument:
    number: int
    title: str
    start: int  # body start (after the header)
    end: int  # body end (the footer)
    pairs: tuple[ReadPair, ...]
    paragraphs: tuple[tuple[int, str], ...]  # (offset, text) of every paragraph, pairs included


def find_documents(prompt: str) -> list[tuple[int, str, int, int]]:
    """(number, title, body start, body end) of every document in a prompt, in order."""
    out: list[tuple[int, str, int, int]] = []
    pos = 0
    while True:
        m = DOC_HEADER.search(prompt, pos)
        if not m:
            return out
        end = prompt.find(DOC_FOOTER, m.end())
        if end < 0:
            return out
        out.append((int(m.group(1)), m.group(2), m.end(), end))
        pos = end + len(DOC_FOOTER)


def paragraphs(prompt: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, text) of the non-empty paragraphs of a document body."""
    out = []
    pos = start
    while pos < end:
        nxt = prompt.find(PARAGRAPH_SEP, pos, end)
        stop = end if nxt < 0 else nxt
        if stop > pos:
            out.append((pos, prompt[pos:stop]))
        pos = stop + len(PARAGRAPH_SEP)
    return out


def read_prompt(prompt: str, anchors: Iterable[str], layout: PairLayout) -> list[ReadDocument]:
    """Every document of the prompt with the pairs found in it (by the known anchor strings)."""
    known = sorted(set(anchors), key=len, reverse=True)
    docs = []
    for number, title, start, end in find_documents(prompt):
        paras = paragraphs(prompt, start, end)
        pairs = [p for p in (_pair(offset, text, known, layout) for offset, text in paras) if p is not None]
        docs.append(ReadDocument(number, title, start, end, tuple(pairs), tuple(paras)))
    return docs


def _pair(offset: int, text: str, known: Sequence[str], layout: PairLayout) -> ReadPair | None:
    if not text.startswith(layout.prefix) or not text.endswith(layout.suffix):
        return None
    head = len(layout.prefix)
    for anchor in known:
        if text.startswith(anchor, head) and text.startswith(layout.middle, head + len(anchor)):
            q_start = head + len(anchor) + len(layout.middle)
            q_end = len(text) - len(layout.suffix)
            if q_end > q_start:
                return ReadPair(anchor, text[q_start:q_end], offset + head)
    return None
